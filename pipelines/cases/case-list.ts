import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { csvChunks } from '../../warehouse/metrics/csv.ts';
import { monthsPastData } from '../../warehouse/metrics/request-bounds.ts';
import { requireSnapshotMonthEnd } from '../../warehouse/data-horizon.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { UserError } from '../../lib/user-error.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { runMetric, bucketOrder } from '../../warehouse/metrics/run.ts';
import { activeDelinquencyQuery } from '../snapshot/delinquency-as-of.ts';
import { lastMonthEnd } from '../snapshot/build-snapshots.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { defaultGradeEdges, gradeOf } from '../../models/scorecard/scorecard.ts';
import { loadModel } from '../../models/registry/registry.ts';
import { loanCounterfactuals } from '../../models/counterfactual/book.ts';
import {
  defaultWatchGrades,
  recommendAction,
  stageOf,
  type Grade,
  type Stage,
  type StrategyTable,
} from './strategy.ts';

/** A loan's collection team: the team of its latest action (on or before the date the query bounds). Cases and warnings both use it. */
export const latestTeamSql = 'argMax(team, (action_date, action_id))';

export interface CaseFilters {
  region?: string[];
  team?: string[];
  product?: string[];
  stage?: Stage[];
}

export interface Case {
  rank: number;
  loan_id: string;
  region: string;
  product: string;
  team: string;
  stage: Stage;
  dpd: number;
  bucket: string;
  balance: number;
  probability: number;
  probability_source: 'model' | 'roll_rate_matrix';
  model: string | null;
  expected_loss: number;
  grade: Grade;
  reasons: string[];
  action: string;
  /** the smallest payment that moves the loan to the next better grade under the champion (models/counterfactual), '' without a model score */
  counterfactual?: string;
  counterfactual_zh?: string;
  last_contacts: { date: string; channel: string; outcome: string }[];
  open_promises: { date: string; amount: number }[];
}

/** P(bucket i at a month-end is worse at the next) by balance over the 12 months to `monthEnd` — the fallback roll probability. */
async function rollForward(wh: Warehouse, monthEnd: string): Promise<Map<string, number>> {
  const r = await runMetric(wh, 'roll_rate', { to: monthEnd });
  const out = new Map<string, number>();
  for (const row of r.rows) {
    const from = String(row.from_bucket);
    const worse = bucketOrder.indexOf(String(row.to_bucket)) > bucketOrder.indexOf(from);
    if (worse) out.set(from, (out.get(from) ?? 0) + Number(row.flow_share));
  }
  return out;
}

/** A filter on a column: true when the list is empty, else the column's value is one of the list's. */
function anyOf(values: readonly string[] | undefined, column: string): Sql {
  const list = param(values ?? [], 'Array(String)');
  return sql`(empty(${list}) OR has(${list}, ${trusted(column)}))`;
}

/** A case-list date the list cannot be built for (before the first month-end, or far past the data): exit 2 / HTTP 400. */
export class CaseRequestError extends UserError {}

/** The roll-rate fallback needs a month-end before the date, and a date far past the data is only work without answers (the metrics' bound). */
async function assertCaseDate(wh: Warehouse, asOf: string, me: string) {
  if (me < '1970-01-31')
    throw new CaseRequestError(`as_of ${asOf}: there is no month-end before it to take roll rates from`);
  const last = await requireSnapshotMonthEnd(wh);
  const limit = addMonthEnds(last, monthsPastData);
  if (asOf > limit)
    throw new CaseRequestError(
      `as_of ${asOf}: too far past the data, which ends ${last}; dates may reach ${monthsPastData} months past it (${limit})`,
    );
}

/**
 * The case list for a date (SPEC §7): active loans with DPD on that date, ranked by expected loss
 * = probability of rolling forward × balance. The probability is the champion's score at the
 * last month-end for loans it covers (DPD ≤ 30 there), else the roll-rate matrix's share of the
 * loan's bucket that moved to a worse bucket; each case says which. Last three contacts and
 * promises not yet due (promised date ≥ the date) come along; the action is the strategy table's.
 */
export async function buildCaseList(
  wh: Warehouse,
  o: {
    asOf: string;
    settings: SnapshotSettings;
    strategy: StrategyTable;
    filters?: CaseFilters;
    champion: { name: string; version: number } | null;
  },
): Promise<Case[]> {
  const me = lastMonthEnd(o.asOf);
  await assertCaseDate(wh, o.asOf, me);
  const dq = await activeDelinquencyQuery(wh, o.asOf, o.settings);
  const roll = await rollForward(wh, me);
  // current loans are cases only when watch-graded: filter them in the engine, not after shipping every active loan to Node
  const currentUnscoredWatch = stageOf(0, gradeOf(roll.get('C') ?? 0, defaultGradeEdges) as Grade) === 'watch';
  const asOf = param(o.asOf, 'Date');
  const rows = await querySql<{
    loan_id: string;
    dpd: number;
    bucket: string;
    balance: number;
    region: string;
    product: string;
    team: string;
    probability: number | null;
    grade: string | null;
    reasons: string[];
    contacts: [string, string, string][];
    promises: [string, number][];
  }>(
    wh,
    sql`
    SELECT d.loan_id AS loan_id, d.dpd AS dpd, d.bucket AS bucket, toFloat64(toDecimal128(d.principal_balance, 2)) AS balance,
      l.region AS region, l.product AS product, ifNull(a.team, '') AS team,
      if(s.loan_id = '', NULL, s.probability) AS probability, if(s.loan_id = '', NULL, s.grade) AS grade, s.reasons AS reasons,
      ifNull(a.contacts, []) AS contacts, ifNull(a.promises, []) AS promises
    FROM (${dq.sql}) AS d
    INNER JOIN ${trusted(tableRef(wh, 'loans'))} AS l ON l.loan_id = d.loan_id
    LEFT JOIN (SELECT loan_id, probability, grade, reasons FROM ${trusted(tableRef(wh, 'scores'))}
               WHERE model_name = ${param(o.champion?.name ?? '', 'String')} AND model_version = ${param(o.champion?.version ?? 0, 'UInt32')}
                 AND month_end = ${param(me, 'Date')}) AS s ON s.loan_id = d.loan_id
    LEFT JOIN (SELECT loan_id, ${trusted(latestTeamSql)} AS team,
                 arraySlice(arrayReverseSort(x -> x.1, groupArray((toString(action_date), toString(channel), toString(outcome)))), 1, 3) AS contacts,
                 arrayFilter(x -> x.1 >= toString(${asOf}), groupArrayIf((toString(ifNull(promised_date, action_date)), toFloat64(ifNull(promised_amount, 0))), outcome = 'promise_to_pay')) AS promises
               FROM ${trusted(tableRef(wh, 'collection_actions'))} WHERE action_date <= ${asOf} GROUP BY loan_id) AS a ON a.loan_id = d.loan_id
    WHERE d.status = 'active'
      AND (d.dpd > 0 OR (s.loan_id != '' AND has(${param(defaultWatchGrades, 'Array(String)')}, s.grade))
        OR (s.loan_id = '' AND ${param(currentUnscoredWatch ? 1 : 0, 'UInt8')} = 1))
      AND ${anyOf(o.filters?.region, 'l.region')}
      AND ${anyOf(o.filters?.product, 'l.product')}
      AND ${anyOf(o.filters?.team, "ifNull(a.team, '')")}`,
    { join_use_nulls: 0 },
  );
  const cases: Omit<Case, 'rank'>[] = [];
  for (const r of rows) {
    const dpd = r.dpd;
    const fromModel = r.probability !== null && dpd <= 30;
    const probability = fromModel ? Number(r.probability) : (roll.get(r.bucket) ?? 0);
    const grade = (fromModel && r.grade ? r.grade : gradeOf(probability, defaultGradeEdges)) as Grade;
    const stage = stageOf(dpd, grade);
    if (!stage || (o.filters?.stage && !o.filters.stage.includes(stage))) continue;
    const balance = r.balance;
    cases.push({
      loan_id: r.loan_id,
      region: r.region,
      product: r.product,
      team: r.team,
      stage,
      dpd,
      bucket: r.bucket,
      balance,
      probability,
      probability_source: fromModel ? 'model' : 'roll_rate_matrix',
      model: fromModel && o.champion ? `${o.champion.name}@${o.champion.version}` : null,
      expected_loss: Math.round(probability * balance * 100) / 100,
      grade,
      reasons: fromModel ? r.reasons : [],
      action: recommendAction(o.strategy, stage, grade),
      counterfactual: '',
      counterfactual_zh: '',
      last_contacts: r.contacts.map(([date, channel, outcome]) => ({ date, channel, outcome })),
      open_promises: r.promises.map(([date, amount]) => ({ date, amount })),
    });
  }
  if (o.champion) {
    // the sentence for each case the champion scored, from its features at the same month-end
    const scored = cases.filter((c) => c.probability_source === 'model');
    if (scored.length) {
      const m = await loadModel(wh, o.champion.name, o.champion.version);
      const found = await loanCounterfactuals(
        wh,
        m.artifact,
        scored.map((c) => ({ loan_id: c.loan_id, month_end: me })),
      );
      for (const c of scored) {
        const cf = found.get(c.loan_id);
        c.counterfactual = cf?.text.en ?? '';
        c.counterfactual_zh = cf?.text.zh ?? '';
      }
    }
  }
  cases.sort((a, b) => b.expected_loss - a.expected_loss || (a.loan_id < b.loan_id ? -1 : 1));
  return cases.map((c, i) => ({ rank: i + 1, ...c }));
}

const caseColumns = [
  'rank',
  'loan_id',
  'region',
  'product',
  'team',
  'stage',
  'dpd',
  'bucket',
  'balance',
  'probability',
  'probability_source',
  'model',
  'expected_loss',
  'grade',
  'reasons',
  'action',
  'counterfactual',
  'counterfactual_zh',
  'last_contacts',
  'open_promises',
] as const;

/**
 * Cases as CSV pieces (nested lists as JSON cells), the same for the CLI and the API; an
 * experiment's arm and the assigned agent as last columns when cases carry them. Pieces, so a
 * whole book's list is written or sent as it is produced, not held as one string.
 */
export function casesCsvChunks(cases: readonly (Case & { arm?: string; agent_id?: string })[]): Generator<string> {
  const cols = [
    ...caseColumns,
    ...(cases.some((c) => c.arm !== undefined) ? (['arm'] as const) : []),
    ...(cases.some((c) => c.agent_id !== undefined) ? (['agent_id'] as const) : []),
  ];
  return csvChunks(cols, cases);
}

/** Cases as one CSV string (no trailing newline). */
export const casesCsv = (cases: (Case & { arm?: string; agent_id?: string })[]) => [...casesCsvChunks(cases)].join('');
