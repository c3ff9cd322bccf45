import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { permitted } from '../middleware.ts';
import { errorResponses, noQueryParameters } from '../schemas.ts';
import {
  correctCollectionAction,
  correctionInput,
  withdrawalInput,
  withdrawCollectionAction,
} from './action-corrections.ts';
import { storedAction } from './collection-actions.ts';

const actionIdParam = z.object({
  action_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'action_id', in: 'path' }, description: 'the id the action was recorded under' }),
});

/** PUT /v1/collection-actions/{action_id} and POST …/{action_id}/withdraw (api/routes/action-corrections.ts). */
export const actionCorrectionRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('actions:record')] as const,
      method: 'put',
      path: '/v1/collection-actions/{action_id}',
      summary:
        'Corrects an action recorded in the console or the API (collectors: their own, on loans of their queue): its values replaced after the checks a POST makes; audited with before and after; the same correction again changes nothing',
      request: {
        query: noQueryParameters,
        params: actionIdParam,
        body: { required: true, content: { 'application/json': { schema: correctionInput } } },
      },
      responses: {
        200: {
          description: 'the action as stored now; `changed` false when it already had these values',
          content: { 'application/json': { schema: z.object({ action: storedAction, changed: z.boolean() }) } },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const r = await correctCollectionAction(c, c.req.valid('param').action_id, c.req.valid('json'), {
        source: 'api',
      });
      return c.json(r, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('actions:record')] as const,
      method: 'post',
      path: '/v1/collection-actions/{action_id}/withdraw',
      summary:
        'Withdraws an action recorded in the console or the API (collectors: their own, on loans of their queue), with a reason; audited; withdrawn again, nothing changes',
      request: {
        query: noQueryParameters,
        params: actionIdParam,
        body: { required: true, content: { 'application/json': { schema: withdrawalInput } } },
      },
      responses: {
        200: {
          description:
            'withdrawn: the action as it was (`changed` false and `withdrawn` null when it was withdrawn before)',
          content: {
            'application/json': {
              schema: z.object({
                action_id: z.string(),
                changed: z.boolean(),
                withdrawn: z.union([storedAction, z.null()]),
              }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { action_id } = c.req.valid('param');
      const { reason, version } = c.req.valid('json');
      const r = await withdrawCollectionAction(c, action_id, reason, {
        source: 'api',
        ...(version ? { version } : {}),
      });
      return c.json(r, 200);
    },
  );
