import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { queryRows } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { AppEnv } from '../context.ts';
import { requirePermission } from '../middleware.ts';
import { decodeCursor, pageOfFetched, pageQuery } from '../pagination.ts';
import { csvList, errorResponses, isoDay } from '../schemas.ts';

const entrySchema = z
  .object({
    at: z.string(),
    request_id: z.string().describe("the server's own id of the request (unique)"),
    client_request_id: z.string().describe("the client's X-Request-Id, sanitised; empty when none"),
    key_id: z.string(),
    role: z.string(),
    action: z.string(),
    target: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');
/** toString(DateTime64(3)) as the engine writes it; anything else would fail as a bound DateTime64 (a 500, not a 400) */
const auditTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/u)
  .refine((t) => {
    const iso = t.replace(' ', 'T');
    const d = new Date(`${iso}Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === iso.slice(0, 19) && t >= '1970' && t < '2300';
  });
const cursorKey = z.object({ at: auditTime, request_id: z.string().max(200) });

/** The audit log (case-list pulls, promotions granted or refused), newest first, for auditors and admins. */
export const auditRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'get',
    path: '/v1/audit',
    summary:
      'The audit log: case-list pulls, model promotions, key changes and every refused (401/403) request, newest first',
    request: {
      query: z
        .object({
          from: isoDay.optional(),
          to: isoDay.optional(),
          action: csvList(z.string().regex(/^[a-z_.]{1,40}$/u, 'an action such as cases.pull')).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'entries',
        content: {
          'application/json': {
            schema: z.object({ entries: z.array(entrySchema), next_cursor: z.string().nullable() }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    requirePermission(c, 'audit:read');
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, cursorKey);
    const { wh } = c.get('deps');
    // the time is selected as `ts`: an alias named `at` would shadow the column in WHERE
    const rows = await queryRows<{
      ts: string;
      request_id: string;
      client_request_id: string;
      key_id: string;
      role: string;
      action: string;
      target: string;
      details: string;
    }>(
      wh,
      `
    SELECT toString(at) AS ts, request_id, client_request_id, key_id, toString(role) AS role, toString(action) AS action, target, details FROM ${tableRef(wh, 'audit_log')}
    WHERE at >= {from:DateTime64(3)} AND at < {to_excl:DateTime64(3)} AND (empty({action:Array(String)}) OR has({action:Array(String)}, action))
      AND (at, request_id) < ({after_at:DateTime64(3)}, {after_id:String})
    ORDER BY at DESC, request_id DESC LIMIT {limit:UInt32}`,
      // open ends as the type's own bounds: ClickHouse folds constant conversions even inside an OR, so '' cannot stand for "none"
      {
        from: `${q.from ?? '1970-01-01'} 00:00:00`,
        to_excl: q.to
          ? `${new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)} 00:00:00`
          : '2299-12-31 00:00:00',
        action: q.action ?? [],
        after_at: after?.at ?? '2299-12-31 00:00:00',
        after_id: after?.request_id ?? '',
        limit: q.limit + 1,
      },
    );
    const { items, next_cursor } = pageOfFetched(rows, q.limit, (r) => ({ at: r.ts, request_id: r.request_id }));
    const entries = items.map(({ ts, details, ...r }) => ({
      at: ts,
      ...r,
      details: JSON.parse(details) as Record<string, unknown>,
    }));
    return c.json({ entries, next_cursor }, 200);
  },
);
