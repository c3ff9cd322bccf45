import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { assertKnownRules, listWarnings, warningKey, warningsCsv } from '../../pipelines/warnings/list-warnings.ts';
import { defaultWarningRules, warningRuleSchema } from '../../pipelines/warnings/rules.ts';
import { notComputedMessage, rulesNotRun, warningDay } from '../../pipelines/warnings/warning-runs.ts';
import { assertKnownLoans } from '../../warehouse/metrics/known-values.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { jsonWithExample } from '../response-example.ts';
import { permitted, scopedFilters } from '../middleware.ts';
import { decodeCursor, listQuery, nextPageHeaders, pageOfFetched, pageQuery, setNextPage } from '../pagination.ts';
import { csvList, errorResponsesNaming, errorSchema, isoDay, nameSchema } from '../schemas.ts';
import { checkKnownFilters, checkKnownNames, userErrorsAsBadRequest } from './request-checks.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';
import { wantsCsv } from '../wants-csv.ts';

const name = nameSchema();
const kinds = warningRuleSchema.options.map((o) => o.shape.kind.value) as [string, ...string[]];
const warningSchema = z
  .object({
    as_of: z.string(),
    rule_id: z.string(),
    kind: z.string(),
    severity: z.string(),
    loan_id: z.string().describe('empty for a model warning'),
    model: z.string().describe('name@version for score and model rules'),
    value: z.number(),
    threshold: z.number(),
    evidence: z.record(z.string(), z.unknown()),
    region: z.string(),
    product: z.string(),
    branch: z.string(),
    team: z.string(),
    fired_at: z.string(),
  })
  .openapi('Warning');
// a kind filter is matched through the run's recorded kinds (rulesNotRun); a run before migration 45
// recorded none: through the default rules' kinds
const kindOfRule = new Map<string, string>(defaultWarningRules.rules.map((r) => [r.id, r.kind]));
const cursorKey = z.object({ rule_id: z.string(), loan_id: z.string(), model: z.string() });

export const warningRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('warnings:read')] as const,
    method: 'get',
    path: '/v1/warnings',
    summary:
      'Warnings fired for a date (loanwatch warnings stores them), with rule and evidence (JSON, or CSV with Accept: text/csv)',
    request: {
      query: z
        .object({
          as_of: isoDay,
          rule: csvList(name).optional().openapi({
            description:
              'only these rule ids, comma-separated: of the default rules, or any rule that ever fired (else 400). Left out: all.',
          }),
          kind: csvList(z.enum(kinds)).optional(),
          severity: csvList(z.enum(['info', 'warning', 'critical'])).optional(),
          region: csvList(name).optional(),
          team: csvList(name).optional(),
          loan_id: name.optional().openapi({
            description:
              "only this loan (a collector's: of his region); one the book does not hold is refused (400). Left out: all.",
          }),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'warnings in (rule, loan) order',
        headers: nextPageHeaders,
        content: {
          'application/json': jsonWithExample(
            z.object({
              warnings: z.array(warningSchema),
              computed_at: z
                .string()
                .describe(
                  "when the day's latest run of the rules finished (YYYY-MM-DD hh:mm:ss, UTC): an empty list is a day the rules asked for ran and fired nothing (for these filters), save those in skipped_rules",
                ),
              skipped_rules: z
                .array(z.string())
                .describe(
                  "rules asked for (rule, kind; all when neither) that the day's latest run did not run: skipped for want of a champion model, or (named in rule) not in its rules file. Their empty list means they never ran, not that they fired nothing. [] for a day fired before migration 43 (no run record)",
                ),
              next_cursor: z.string().nullable(),
            }),
            {
              warnings: [
                {
                  as_of: '2024-06-30',
                  rule_id: 'broken_promise',
                  kind: 'broken_promise',
                  severity: 'warning',
                  loan_id: 'L000001234',
                  model: '',
                  value: 1,
                  threshold: 1,
                  evidence: { broken: 1, action_id: 'L000001234-A20', paid: 56.77 },
                  region: 'east',
                  product: 'consumer',
                  branch: 'east-01',
                  team: 'east-early',
                  fired_at: '2024-07-01 06:00:12',
                },
              ],
              computed_at: '2024-07-01 06:00:15',
              skipped_rules: ['high_score', 'score_jump', 'model_drift'],
              next_cursor: null,
            },
          ),
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponsesNaming('rule, loan, region or team', 401, 403, 429),
      404: {
        description:
          'warnings not computed for as_of: the rules never ran for it, or their latest run has not finished (it may still be running, or it stopped); the message names the command that computes it (loanwatch warnings --as-of …)',
        content: { 'application/json': { schema: errorSchema } },
      },
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    // a collector is pinned to its region and team, and so sees no model-level warnings
    const key = c.get('key');
    const { region, team } = scopedFilters(key, q);
    const query = listQuery('GET /v1/warnings', {
      as_of: q.as_of,
      rule: q.rule,
      kind: q.kind,
      severity: q.severity,
      region,
      team,
      loan_id: q.loan_id,
    });
    const after = decodeCursor(q.cursor, cursorKey, query);
    const { wh } = c.get('deps');
    // the filters applied as typed (a collector's pinned region and team replace what it asked)
    await checkKnownFilters(wh, {
      region: region === q.region ? q.region : undefined,
      team: team === q.team ? q.team : undefined,
    });
    // a rule or a loan that names nothing is refused as the CLI refuses it; a collector knows his region's loans only
    await checkKnownNames('rule', () => assertKnownRules(wh, q.rule, defaultWarningRules));
    await checkKnownNames('loan_id', () =>
      assertKnownLoans(wh, q.loan_id === undefined ? undefined : [q.loan_id], {
        region: key.role === 'collector' ? key.region : undefined,
      }),
    );
    // a stored day outside the data is refused as the CLI's --list refuses it, not listed empty
    await userErrorsAsBadRequest(() => assertWithinData(wh, q.as_of, 'as_of'));
    // an empty list must mean the rules ran and fired nothing, never that they did not run
    const day = await warningDay(wh, q.as_of);
    if (day.state !== 'computed') throw new ApiError('not_found', await notComputedMessage(wh, q.as_of, day));
    const rows = await listWarnings(wh, {
      asOf: q.as_of,
      limit: q.limit + 1,
      after,
      filters: { rule: q.rule, kind: q.kind, severity: q.severity, region, team, loanId: q.loan_id },
    });
    const { items, next_cursor } = pageOfFetched(rows, q.limit, warningKey, query);
    setNextPage(c, next_cursor);
    if (wantsCsv(c)) return c.body(warningsCsv(items), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    const notRun = rulesNotRun(day, { rule: q.rule, kind: q.kind }, (id) => kindOfRule.get(id));
    const skipped_rules = [...notRun.skipped, ...notRun.absent];
    return c.json({ warnings: items, computed_at: day.computed_at, skipped_rules, next_cursor }, 200);
  },
);
