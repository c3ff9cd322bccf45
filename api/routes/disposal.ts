import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultDisposalTerms } from '../../warehouse/workout/disposal-terms.ts';
import { disposalOptions } from '../../warehouse/workout/disposal-value.ts';
import { disposalList, disposalRow, type DisposalRow } from '../../pipelines/collections/disposal/disposal-list.ts';
import { HeavyLoadCache } from '../admission.ts';
import { ofTeams } from '../auth/loan-teams.ts';
import type { AppEnv } from '../context.ts';
import { permitted, scopedFilters } from '../middleware.ts';
import { decodeCursor, listQuery, nextPageHeaders, page, pageQuery, setNextPage } from '../pagination.ts';
import { csvList, errorResponses, isoDay, nameSchema } from '../schemas.ts';
import { checkKnownFilters, userErrorsAsBadRequest } from './request-checks.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';

const name = nameSchema();
const money = z.number().nullable();
const rowSchema = z
  .object({
    loan_id: z.string(),
    product: z.string(),
    region: z.string(),
    status: z.enum(['active', 'charged_off']),
    dpd: z.number(),
    balance: z.number(),
    months_since_default: z.number(),
    collateral_value: money,
    recommended: z.enum(disposalOptions),
    margin: z.number().openapi({ description: "the recommended option's value less the next best one's" }),
    next_best: z.enum(disposalOptions).nullable(),
    collection_value: money,
    collection_months: money,
    restructure_value: money,
    restructure_months: money,
    collateral_sale_value: money.openapi({ description: 'null: no collateral' }),
    collateral_sale_months: money,
    debt_sale_value: money,
    debt_sale_months: money,
    write_off_value: money,
    collection_basis: z.string(),
    restructure_basis: z.string(),
    collateral_sale_basis: z.string(),
    debt_sale_basis: z.string(),
  })
  .openapi('DisposalOptions');

/** Valued books per warehouse, date and filters for a minute: the pages of one list come from one valuation. */
const lists = new WeakMap<Warehouse, HeavyLoadCache<string, { month_end: string; rows: DisposalRow[] }>>();
const listCache = (wh: Warehouse) => {
  let cache = lists.get(wh);
  if (!cache) lists.set(wh, (cache = new HeavyLoadCache(60_000, 50)));
  return cache;
};
const sortedSet = (xs: string[] | undefined) => (xs ? [...new Set(xs)].sort() : undefined);

/**
 * Disposal options of late and defaulted loans (issue 22 item 5) with the default terms
 * (docs/collections.md). Scoped as the case list is (scopedFilters): a collector reads his region's
 * loans, and when his key names a team only the loans whose team on the date (the team of their
 * latest action on or before as_of) is his — a late-stage team proposes restructures and sales for
 * its own loans; a collector without a team (the region's head) reads the region; other roles see
 * every region unless they filter.
 */
/**
 * A page's cursor: the sort key of its last row, bound to the list's question (date and filters) by
 * the pagination helper. A bare row offset, reused with other filters, silently skipped rows, a
 * made-up one answered an empty 200, and rows entering the list meanwhile shifted the pages.
 */
const cursorShape = z.object({ b: z.number(), id: z.string() }).strict();
type DisposalCursor = z.infer<typeof cursorShape>;
/** the list's order (pipelines/collections/disposal/disposal-list.ts): balance, largest first, then loan id */
const listOrder = (a: DisposalCursor, b: DisposalCursor) => b.b - a.b || a.id.localeCompare(b.id);

export const disposalRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('disposal:read')] as const,
    method: 'get',
    path: '/v1/disposal',
    summary:
      'Disposal options of loans past DPD 90 or charged off with the workout open, at the month-end on or before as_of: each option’s expected net recovery and time, the recommended one and its margin, and where each estimate came from',
    request: {
      query: z
        .object({
          as_of: isoDay,
          region: csvList(name).optional(),
          team: csvList(name).optional().openapi({
            description:
              'only loans whose team on as_of is one of these, comma-separated (a collector with a team is pinned to his); a team the book does not hold is refused (400). Left out: all.',
          }),
          product: csvList(name).optional(),
          recommended: csvList(z.enum(disposalOptions)).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'loans by balance, largest first',
        headers: nextPageHeaders,
        content: {
          'application/json': {
            schema: z.object({
              month_end: z.string(),
              loans: z.array(rowSchema),
              next_cursor: z.string().nullable(),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { region, team } = scopedFilters(c.get('key'), q);
    const { wh } = c.get('deps');
    await checkKnownFilters(wh, {
      region: region === q.region ? q.region : undefined,
      team: team === q.team ? q.team : undefined,
      product: q.product,
    });
    // a date outside the data is refused (as the CLI's disposal), not answered with an empty or stale list
    await userErrorsAsBadRequest(() => assertWithinData(wh, q.as_of, 'as_of'));
    const filters = { region: sortedSet(region), product: sortedSet(q.product) };
    const teams = sortedSet(team);
    const query = listQuery('GET /v1/disposal', {
      as_of: q.as_of,
      region,
      team,
      product: q.product,
      recommended: q.recommended,
    });
    const after = decodeCursor(q.cursor, cursorShape, query);
    const list = await listCache(wh).get(JSON.stringify([q.as_of, filters, teams]), async () => {
      const { monthEnd, loans } = await userErrorsAsBadRequest(() =>
        disposalList(wh, q.as_of, defaultDisposalTerms, filters),
      );
      return { month_end: monthEnd, rows: await ofTeams(wh, loans.map(disposalRow), teams, q.as_of) };
    });
    const wanted = q.recommended ? new Set(q.recommended) : null;
    const ranked = list.rows.filter((r) => !wanted || wanted.has(r.recommended));
    const { items, next_cursor } = page(
      ranked,
      (r) => ({ b: r.balance, id: r.loan_id }),
      after,
      listOrder,
      q.limit,
      query,
    );
    setNextPage(c, next_cursor);
    return c.json({ month_end: list.month_end, loans: items, next_cursor }, 200);
  },
);
