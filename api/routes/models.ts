import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listModels, promote, RegistryError } from '../../models/registry/registry.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import { jsonWithExample } from '../response-example.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { errorResponses, noQueryParameters } from '../schemas.ts';
import { decodeCursor, listQuery, nextPageHeaders, page, pageQuery, setNextPage } from '../pagination.ts';

const modelSummary = z
  .object({
    model_name: z.string(),
    version: z.number().int(),
    target: z.string(),
    kind: z.string(),
    created_at: z.string(),
    created_by: z.string(),
    oot_auc: z.number().openapi({
      description:
        'the test AUC: out of time for a book model (its test months after its training window); for a table model (target table:…) on the seeded random test part of its table, which holds no time',
    }),
    champion: z.boolean(),
  })
  .openapi('ModelSummary');

const championEvent = z
  .object({
    target: z.string(),
    model_name: z.string(),
    version: z.number().int(),
    decided_at: z.string(),
    actor: z.string(),
    reason: z.string(),
    challenger_auc: z.number(),
    champion_auc: z.number().nullable(),
    score_psi: z.number(),
  })
  .openapi('ChampionEvent');

const name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');
/** the list has no filters: its cursors are bound to the route alone (another list's is refused) */
const modelsQuery = listQuery('GET /v1/models', {});

export const modelRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('models:read')] as const,
      method: 'get',
      path: '/v1/models',
      summary: 'Registered model versions by name and version, with the champion flag (cursor-paginated)',
      request: { query: z.object(pageQuery).strict() },
      responses: {
        200: {
          description: 'versions',
          headers: nextPageHeaders,
          content: {
            'application/json': jsonWithExample(
              z.object({ models: z.array(modelSummary), next_cursor: z.string().nullable() }),
              {
                models: [
                  {
                    model_name: 'ew_scorecard',
                    version: 3,
                    target: 'dpd30_3m',
                    kind: 'scorecard',
                    created_at: '2024-07-02 09:14:05',
                    created_by: 'cli:risk@modelling-01',
                    oot_auc: 0.8788,
                    champion: true,
                  },
                ],
                next_cursor: null,
              },
            ),
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, z.tuple([z.string(), z.number().int()]), modelsQuery);
      const all = await listModels(c.get('deps').wh);
      const byKey = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
      const { items, next_cursor } = page(
        all,
        (m) => [m.model_name, m.version] as [string, number],
        after,
        byKey,
        limit,
        modelsQuery,
      );
      setNextPage(c, next_cursor);
      return c.json({ models: items, next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('models:promote')] as const,
      method: 'post',
      path: '/v1/models/{name}/{version}/promote',
      summary:
        'Make a version the champion of its target (gate: AUC above the 0.5 floor, AUC margin over the champion, PSI)',
      request: {
        query: noQueryParameters,
        params: z.object({ name, version: z.coerce.number().int().min(1).max(1e9) }),
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ reason: z.string().min(3).max(1000) }).strict() } },
        },
      },
      responses: {
        200: { description: 'promoted', content: { 'application/json': { schema: championEvent } } },
        ...errorResponses(400, 401, 403, 404, 409, 413, 429),
      },
    }),
    async (c) => {
      const { name: n, version } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const key = c.get('key');
      try {
        const event = await promote(c.get('deps').wh, {
          name: n,
          version,
          actor: `${key.role}:${key.key_id}${key.label ? ` (${key.label})` : ''}`,
          reason,
        });
        await audit(c, 'model.promote', `${n}@${version}`, { reason, outcome: 'promoted' });
        return c.json(event, 200);
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
        await audit(c, 'model.promote', `${n}@${version}`, { reason, outcome: e.code, message: e.message });
        throw new ApiError(e.code === 'not_found' ? 'not_found' : 'conflict', e.message, e.details, { cause: e });
      }
    },
  );
