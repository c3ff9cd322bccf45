import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { readAuditLog } from '../audit-read.ts';
import { auditActionNames } from '../audit-actions.ts';
import { auditActions } from '../console/audit-data.ts';
import { correctionRoutes } from './corrections.ts';
import { ApiError } from '../errors.ts';
import { nearest } from '../../warehouse/metrics/known-values.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import type { AppEnv } from '../context.ts';
import { permitted } from '../middleware.ts';
import { decodeCursor, listQuery, nextPageHeaders, pageOfFetched, pageQuery, setNextPage } from '../pagination.ts';
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

/**
 * The audit log (case-list pulls, promotions granted or refused), newest first, for auditors and
 * admins; beside it the audit area's trail of corrected, retracted and rolled-back rows (corrections.ts).
 */
export const auditRoutes = new OpenAPIHono<AppEnv>().route('/', correctionRoutes).openapi(
  createRoute({
    middleware: [permitted('audit:read')] as const,
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
        .strict()
        // as the metric routes refuse it: an empty log would read as "nothing happened"
        .refine((q) => !q.from || !q.to || q.from <= q.to, {
          error: 'from is after to',
          path: ['from'],
        }),
    },
    responses: {
      200: {
        description: 'entries',
        headers: nextPageHeaders,
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
    const q = c.req.valid('query');
    const query = listQuery('GET /v1/audit', { from: q.from, to: q.to, action: q.action });
    const after = decodeCursor(q.cursor, cursorKey, query);
    const { wh } = c.get('deps');
    if (q.action) await assertKnownActions(wh, q.action);
    const rows = await readAuditLog(
      wh,
      { from: q.from, to: q.to, actions: q.action, after: after ?? undefined },
      q.limit + 1,
    );
    const { items, next_cursor } = pageOfFetched(rows, q.limit, (r) => ({ at: r.at, request_id: r.request_id }), query);
    const entries = items.map(({ details, outcome: _outcome, ...r }) => ({
      ...r,
      details: JSON.parse(details) as Record<string, unknown>,
    }));
    setNextPage(c, next_cursor);
    return c.json({ entries, next_cursor }, 200);
  },
);

/** Refuses an action neither loanwatch writes nor the log holds, naming the nearest and the known ones. */
async function assertKnownActions(wh: Warehouse, actions: readonly string[]): Promise<void> {
  const known = [...new Set([...auditActionNames, ...(await auditActions(wh))])].sort();
  const unknown = actions.filter((a) => !known.includes(a));
  if (unknown.length === 0) return;
  const near = unknown.length === 1 ? nearest(unknown[0]!, known) : undefined;
  const message = `unknown action ${unknown.map((a) => JSON.stringify(a)).join(', ')}${near ? ` (did you mean "${near}"?)` : ''} — known: ${known.join(', ')}`;
  throw new ApiError('bad_request', message, { fields: [{ field: 'action', message }] });
}
