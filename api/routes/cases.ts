import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { buildCaseList, casesCsvChunks, type Case } from '../../pipelines/cases/case-list.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { TtlCache, type Sized } from '../cache.ts';
import { defaultStrategyTable, stages } from '../../pipelines/cases/strategy.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';
import { audit } from '../audit.ts';
import { HeavyLoadCache } from '../admission.ts';
import type { AppEnv } from '../context.ts';
import { permitted, scopedFilters } from '../middleware.ts';
import { decodeCursor, nextPageHeaders, page, pageQuery, questionInKey, setNextPage } from '../pagination.ts';
import {
  caseCursor,
  keepVersion,
  listForCursor,
  questionOf,
  versionOf,
  type CaseCursor,
} from './case-list-versions.ts';
import { csvList, errorResponses, isoDay, nameSchema } from '../schemas.ts';
import { checkKnownFilters, userErrorsAsBadRequest } from './request-checks.ts';
import { streamOf } from './metric-body.ts';
import { wantsCsv } from '../wants-csv.ts';
import { jsonWithExample } from '../response-example.ts';

const name = nameSchema();
const caseSchema = z
  .object({
    rank: z.number().int(),
    loan_id: z.string(),
    region: z.string(),
    product: z.string(),
    team: z.string(),
    placed_with: z
      .string()
      .openapi({ description: "the agency the loan is placed with on the date ('' when worked in house)" }),
    stage: z.string(),
    dpd: z.number(),
    bucket: z.string(),
    balance: z.number(),
    probability: z.number(),
    probability_source: z.string(),
    model: z.string().nullable(),
    expected_loss: z.number(),
    amount_to_cure: z.number().nullable().openapi({
      description:
        'overdue principal and interest plus the penalty interest, compound interest and fees outstanding on the date (accrual rules; null for a tape loan)',
    }),
    charges_owed: z
      .number()
      .nullable()
      .openapi({ description: 'of which penalty interest, compound interest and fees' }),
    grade: z.string(),
    reasons: z.array(z.string()),
    counterfactual: z
      .string()
      .optional()
      .openapi({ description: 'the smallest payment that moves the loan to the next better grade (English)' }),
    counterfactual_zh: z.string().optional().openapi({ description: '同上（中文）' }),
    action: z.string(),
    escalated_from: z.string().optional().openapi({ description: "the table's action a broken promise escalated" }),
    action_blocked_by: z
      .string()
      .optional()
      .openapi({ description: "the contact rule forbidding the action on the date ('' allowed)" }),
    next_allowed_at: z.string().optional().openapi({ description: 'YYYY-MM-DD HH:MM the action is allowed from' }),
    allowed_action: z.string().optional().openapi({ description: 'what to do on the date under the contact rules' }),
    last_contacts: z.array(z.object({ date: z.string(), channel: z.string(), outcome: z.string() })),
    open_promises: z.array(z.object({ date: z.string(), amount: z.number() })),
  })
  .openapi('Case');

const caseListExample = {
  cases: [
    {
      rank: 1,
      loan_id: 'L000001234',
      region: 'east',
      product: 'consumer',
      team: 'east-early',
      placed_with: '',
      stage: 'early',
      dpd: 12,
      bucket: 'M1',
      balance: 48210.55,
      probability: 0.4123,
      probability_source: 'model',
      model: 'ew_scorecard@3',
      expected_loss: 19877.21,
      amount_to_cure: 3120.4,
      charges_owed: 41.3,
      grade: 'E',
      reasons: ['max_dpd_6m', 'broken_promises_6m', 'paid_ratio_3m'],
      action: 'call_account_manager',
      last_contacts: [{ date: '2024-06-20', channel: 'phone', outcome: 'promise_to_pay' }],
      open_promises: [{ date: '2024-07-05', amount: 3120.4 }],
    },
  ],
  next_cursor: null,
};

/**
 * Case lists per warehouse for a minute, bounded in bytes: the pages a collector reads come from
 * one computation of the list (consistent ranks, and a page costs no rebuild); every pull is still audited.
 */
const caseLists = new WeakMap<Warehouse, TtlCache<string, Sized & { cases: Case[] }>>();
export const caseListCache = (wh: Warehouse) => {
  let cache = caseLists.get(wh);
  // a build is heavy work: admitted in turn, or refused with 503 (api/admission.ts); a page of a cached list is not
  if (!cache) caseLists.set(wh, (cache = new HeavyLoadCache(60_000, 200, false, 64 * 1024 * 1024)));
  return cache;
};
/** Drops a warehouse's cached case lists: a recorded collection action must show in the next list (routes/collection-actions.ts). */
export const invalidateCaseLists = (wh: Warehouse) => caseLists.delete(wh);
/** a list's size, estimated from its first hundred cases (measuring all would serialise it once more) */
export const sized = (cases: Case[]) => ({
  cases,
  approxBytes:
    cases.length === 0
      ? 0
      : Math.ceil((JSON.stringify(cases.slice(0, 100)).length / Math.min(100, cases.length)) * cases.length),
});
const sortedSet = <T extends string>(xs: T[] | undefined) => (xs ? [...new Set(xs)].sort() : undefined);

export const caseRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('cases:read')] as const,
    method: 'get',
    path: '/v1/cases',
    summary:
      'The collection case list for a date, ranked by expected loss (JSON, or CSV with Accept: text/csv); every pull is audited',
    request: {
      query: z
        .object({
          as_of: isoDay,
          region: csvList(name).optional(),
          team: csvList(name).optional(),
          product: csvList(name).optional(),
          stage: csvList(z.enum(stages)).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'cases',
        headers: nextPageHeaders,
        content: {
          'application/json': jsonWithExample(
            z.object({ cases: z.array(caseSchema), next_cursor: z.string().nullable() }),
            caseListExample,
          ),
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 401, 403, 409, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const key = c.get('key');
    const { region, team } = scopedFilters(key, q);
    const { wh, snapshotSettings, buildCaseList: build = buildCaseList } = c.get('deps');
    // the filters applied as the caller typed them; a collector's pinned region and team come from its key (checked when it was made), and what it asked instead is ignored
    await checkKnownFilters(wh, {
      region: region === q.region ? q.region : undefined,
      team: team === q.team ? q.team : undefined,
      product: q.product,
    });
    // a forged cursor is refused before the list is built
    const after = decodeCursor(q.cursor, caseCursor, questionInKey);
    const champion = await latestChampionEvent(wh, targetName(defaultTarget));
    const pinned = champion ? { name: champion.model_name, version: champion.version } : null;
    const filters = {
      region: sortedSet(region),
      team: sortedSet(team),
      product: sortedSet(q.product),
      stage: sortedSet(q.stage),
    };
    const listKey = JSON.stringify([q.as_of, pinned, filters]);
    const list = await listForCursor(wh, listKey, after, () =>
      caseListCache(wh).get(listKey, async () =>
        sized(
          await userErrorsAsBadRequest(() =>
            build(wh, {
              asOf: q.as_of,
              settings: snapshotSettings,
              strategy: defaultStrategyTable,
              champion: pinned,
              filters,
            }),
          ),
        ),
      ),
    );
    const all = list.cases;
    // the list's digests once, and only when a cursor is read or written
    let names: Omit<CaseCursor, 'r'> | undefined;
    const { items, next_cursor } = page<Case, CaseCursor>(
      all,
      (x) => ({ ...(names ??= { q: questionOf(listKey), l: versionOf(all) }), r: x.rank }),
      after,
      (a, b) => a.r - b.r,
      q.limit,
      questionInKey,
    );
    // the later pages of this pull are cut from this version, whatever is recorded meanwhile
    if (next_cursor !== null) keepVersion(wh, listKey, list);
    await audit(c, 'cases.pull', q.as_of, {
      region: region ?? null,
      team: team ?? null,
      // what a scoped key asked for beyond its scope (pinned to its own, as documented): the attempt is kept
      ...(region !== q.region && q.region ? { asked_region: q.region } : {}),
      ...(team !== q.team && q.team ? { asked_team: q.team } : {}),
      product: q.product ?? null,
      stage: q.stage ?? null,
      returned: items.length,
      total: all.length,
    });
    setNextPage(c, next_cursor);
    if (wantsCsv(c)) return c.body(streamOf(casesCsvChunks(items)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    return c.json({ cases: items, next_cursor }, 200);
  },
);
