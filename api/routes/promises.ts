import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listPromises, promisesCsvChunks, promiseStatuses } from '../../pipelines/collections/promises.ts';
import type { AppEnv } from '../context.ts';
import { permitted, scopedFilters } from '../middleware.ts';
import { csvList, errorResponses, isoDay, nameSchema, queryInt } from '../schemas.ts';
import { checkKnownFilters, userErrorsAsBadRequest } from './request-checks.ts';
import { streamOf } from './metric-body.ts';
import { wantsCsv } from '../wants-csv.ts';

const name = nameSchema();

const promiseSchema = z
  .object({
    action_id: z.string(),
    loan_id: z.string(),
    region: z.string(),
    product: z.string(),
    team: z.string(),
    agent_id: z.string(),
    channel: z.string(),
    stage: z
      .string()
      .openapi({ description: "the loan's stage at the promise's month-end (unknown before the next snapshot)" }),
    action_date: z.string().openapi({ description: 'the day the promise was made' }),
    promised_date: z.string(),
    deadline: z.string().openapi({ description: 'promised date + grace days: the promise is judged on it' }),
    promised_amount: z.number().nullable(),
    paid_amount: z
      .number()
      .openapi({ description: 'paid against this promise (overlapping promises: earliest deadline first)' }),
    status: z.enum(promiseStatuses),
    kept_on: z.string().openapi({ description: 'the day the promised amount was complete (kept), else empty' }),
    days_late: z.number().nullable().openapi({ description: 'kept: days after the promised date; else null' }),
  })
  .openapi('Promise');

/** GET /v1/promises: each promise's state on a date (collectors: their region and team), for the follow-up of the day. */
export const promiseRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('promises:read')] as const,
    method: 'get',
    path: '/v1/promises',
    summary:
      'Promises to pay with their state on a date — open, kept, partial, broken — and the amount paid against each (JSON, or CSV with Accept: text/csv)',
    request: {
      query: z
        .object({
          as_of: isoDay,
          status: csvList(z.enum(promiseStatuses)).optional(),
          due: z.enum(['today']).optional(),
          region: csvList(name).optional(),
          team: csvList(name).optional(),
          grace_days: queryInt(0, 60),
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'promises, the ones falling due first first',
        content: {
          'application/json': { schema: z.object({ promises: z.array(promiseSchema) }) },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    // a collector is pinned to its key's region and team, as for case lists
    const { region, team } = scopedFilters(c.get('key'), q);
    const { wh } = c.get('deps');
    await checkKnownFilters(wh, {
      region: region === q.region ? q.region : undefined,
      team: team === q.team ? q.team : undefined,
    });
    const promises = await userErrorsAsBadRequest(() =>
      listPromises(wh, {
        asOf: q.as_of,
        graceDays: q.grace_days,
        status: q.status,
        due: q.due,
        region,
        team,
      }),
    );
    if (wantsCsv(c))
      return c.body(streamOf(promisesCsvChunks(promises)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    return c.json({ promises }, 200);
  },
);
