import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listCorrections } from '../../pipelines/ingest/corrections-list.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import { permitted } from '../middleware.ts';
import { decodeCursor, listQuery, nextPageHeaders, pageOfFetched, pageQuery, setNextPage } from '../pagination.ts';
import { errorResponses, isoDay } from '../schemas.ts';

const correctionSchema = z
  .object({
    at: z.string().describe('when it was audited (UTC)'),
    action: z.string().describe('correct, retract or rollback'),
    entity: z.string(),
    key: z.string().describe("the row's key; a composite key's parts joined by / (schedule: loan/installment)"),
    actor: z
      .string()
      .describe(
        "who: cli:<OS user>@<host> (--by NAME), or the API key id; '' for rows audited before who and why were recorded",
      ),
    reason: z.string().describe("the reason given (ingest's --reason, the request's reason); '' when none"),
    ingest_id: z.string().describe('the run, or the API request, that made the change'),
    old_ingest_id: z.string().describe('the run that had loaded the row replaced or removed'),
    file: z.string().describe("the file it came from; a rollback's `rollback of <run>`, `console:<key>` / `api:<key>`"),
    line: z.number().int(),
    old_row: z.string().describe("the row as loaded, JSON of its data columns (PII as stored); '' when none"),
    new_row: z.string().describe("the row that replaced it, as JSON; '' for a retraction or a rollback"),
  })
  .openapi('RowCorrection');

const cursorKey = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/u),
  ingest_id: z.string().max(200),
  entity: z.string().max(64),
  key: z.string().max(1000),
  line: z.number().int().min(0),
});

/**
 * The trail of loaded rows corrected, retracted or rolled back, and of recorded actions corrected or
 * withdrawn (row_corrections), newest first, for auditors and admins; each read audited (`corrections.list`).
 */
export const correctionRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('audit:read')] as const,
    method: 'get',
    path: '/v1/corrections',
    summary:
      'The trail of loaded rows corrected, retracted or rolled back (and recorded actions corrected or withdrawn): who, why, before and after, newest first',
    request: {
      query: z
        .object({
          entity: z
            .enum(rawEntities)
            .optional()
            .openapi({ description: `only rows of this entity: ${rawEntities.join(', ')}. Left out: every entity.` }),
          key: z.string().min(1).max(300).optional().openapi({
            description:
              "only rows of this key, as loaded; a composite key's parts joined by / (schedule: L000000001/3). Left out: every key.",
          }),
          loan_id: z.string().min(1).max(128).optional().openapi({
            description:
              'only rows of this loan (the row replaced or the row that replaced it), its id as loaded (e.g. L000000001). Left out: every loan.',
          }),
          since: isoDay.optional().openapi({
            description: 'only rows audited on or after this day (UTC), YYYY-MM-DD. Left out: from the start.',
          }),
          old_ingest_id: z.string().min(1).max(200).optional().openapi({
            description:
              "only rows that this ingest run had loaded (the rows' old_ingest_id: the run whose rows were corrected, retracted or rolled back), its id as `loanwatch ingest-runs` lists it (e.g. 0b6c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d). Left out: every run.",
          }),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'rows of the trail',
        headers: nextPageHeaders,
        content: {
          'application/json': {
            schema: z.object({ corrections: z.array(correctionSchema), next_cursor: z.string().nullable() }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const query = listQuery('GET /v1/corrections', {
      entity: q.entity,
      key: q.key,
      loan_id: q.loan_id,
      since: q.since,
      old_ingest_id: q.old_ingest_id,
    });
    const after = decodeCursor(q.cursor, cursorKey, query);
    const { wh } = c.get('deps');
    const rows = await listCorrections(
      wh,
      {
        entity: q.entity,
        key: q.key,
        loan: q.loan_id,
        since: q.since,
        oldIngestId: q.old_ingest_id,
        after: after ?? undefined,
      },
      q.limit + 1,
    );
    const { items, next_cursor } = pageOfFetched(
      rows,
      q.limit,
      (r) => ({ at: r.at, ingest_id: r.ingest_id, entity: r.entity, key: r.key, line: r.line }),
      query,
    );
    await audit(c, 'corrections.list', '', {
      entity: q.entity ?? null,
      key: q.key ?? null,
      loan: q.loan_id ?? null,
      since: q.since ?? null,
      // named only when asked: a read by the other filters is audited as it always was
      ...(q.old_ingest_id === undefined ? {} : { old_ingest_id: q.old_ingest_id }),
      returned: items.length,
    });
    setNextPage(c, next_cursor);
    return c.json({ corrections: items, next_cursor }, 200);
  },
);
