import type { Context } from 'hono';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { dataLastDate } from '../../warehouse/data-horizon.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { latestChampionEvent, loadModel } from '../../models/registry/registry.ts';
import { loanCounterfactuals } from '../../models/counterfactual/book.ts';
import type { Counterfactual } from '../../models/counterfactual/counterfactual.ts';
import { buildCaseList, type Case } from '../../pipelines/cases/case-list.ts';
import { effectiveSchedule } from '../../pipelines/snapshot/schedule-path-sql.ts';
import { defaultStrategyTable, type Stage } from '../../pipelines/cases/strategy.ts';
import type { AppEnv } from '../context.ts';
import { scopedFilters } from '../middleware.ts';
import { latestScores, type ServedScore } from '../score-index.ts';
import { caseListCache, sized } from '../routes/cases.ts';
import { dayCases, scopeCases } from './day-cases.ts';
import { keyLabels } from './key-labels.ts';
import { loanActions, type StoredAction } from '../routes/collection-actions.ts';
import { userErrorsAsBadRequest } from '../routes/request-checks.ts';
import { latestComputedDay } from '../../pipelines/warnings/warning-runs.ts';
import { counterfactualUnavailable, type CounterfactualUnavailable } from '../score-population.ts';
import { alreadyAtTarget } from '../../models/counterfactual/no-move-needed.ts';

/**
 * The workbench's day: today (UTC), unless the loaded data ends before it — a later date would count
 * every installment falling due since as unpaid (warehouse/data-horizon.ts) — then the data's last day.
 */
export async function workDate(wh: Warehouse, today: string): Promise<string> {
  const last = await dataLastDate(wh);
  return last && last < today ? last : today;
}

/**
 * The signed-in key's case list for a date, from the same builder and the same per-warehouse cache
 * as `GET /v1/cases` (a recorded action drops the cache, routes/collection-actions.ts): a collector's
 * region and team pinned by scopedFilters exactly as the API pins them. Cut from the day's
 * whole-book list (day-cases.ts) when it fits in memory.
 */
export async function queueOf(
  c: Context<AppEnv>,
  asOf: string,
  f: { product?: string[]; stage?: Stage[]; region?: string[]; team?: string[] },
): Promise<Case[]> {
  const { wh, snapshotSettings } = c.get('deps');
  // a collector's region and team pinned; a whole-book role's as it chose them
  const { region, team } = scopedFilters(c.get('key'), { region: f.region, team: f.team });
  const book = await dayCases(c, asOf);
  if (book) return scopeCases(book, { region, team, product: f.product, stage: f.stage });
  // a book too big to keep whole: this scope's list, built and cached for it
  const champion = await latestChampionEvent(wh, targetName(defaultTarget));
  const pinned = champion ? { name: champion.model_name, version: champion.version } : null;
  const filters = { region, team, product: f.product, stage: f.stage };
  return (
    await caseListCache(wh).get(JSON.stringify(['console', asOf, pinned, filters]), async () =>
      sized(
        await userErrorsAsBadRequest(() =>
          buildCaseList(wh, {
            asOf,
            settings: snapshotSettings,
            strategy: defaultStrategyTable,
            champion: pinned,
            filters,
          }),
        ),
      ),
    )
  ).cases;
}

export interface LoanView {
  loan: {
    loan_id: string;
    product: string;
    region: string;
    branch: string;
    channel: string;
    principal: number;
    annual_rate: number;
    term_months: number;
    origination_date: string;
    phone: string;
  };
  schedule: { installment_no: number; due_date: string; principal_due: number; interest_due: number }[];
  payments: { paid_date: string; amount: number; channel: string }[];
  months: { month_end: string; dpd: number; bucket: string; balance: number; five_class: string }[];
  actions: StoredAction[];
  /** key id → label of the keys that recorded the actions (the contacts' "Source") */
  recorders: Map<string, string>;
  /** target: the model's (model_versions.target, dpd30_3m), what its probability is the probability of */
  score:
    | (ServedScore & {
        target: string;
        counterfactual: Counterfactual | null;
        /** why no counterfactual: the loan is outside the model's population at the score's month-end */
        counterfactual_unavailable: CounterfactualUnavailable | null;
      })
    | null;
  warnings: { as_of: string; rule_id: string; severity: string; value: number; threshold: number; evidence: string }[];
  /** the latest day on or before the page's date the warning rules ran for (null: never up to it) */
  warnings_through: string | null;
  case: Case | null;
}

/**
 * What the loan page shows, or null when the key may not see the loan (a collector: another
 * region's) or there is no such loan. Loan-level facts as loaded; the score is the champion's latest
 * on or before the date, with its reason codes and the counterfactual sentence (as the score route).
 */
export async function loanView(c: Context<AppEnv>, loanId: string, asOf: string): Promise<LoanView | null> {
  const { wh } = c.get('deps');
  const actions = await loanActions(c, loanId);
  if (!actions) return null;
  const id = param(loanId, 'String');
  const date = param(asOf, 'Date');
  const t = (name: string) => trusted(tableRef(wh, name));
  const [loan] = await querySql<LoanView['loan']>(
    wh,
    sql`SELECT l.loan_id AS loan_id, toString(l.product) AS product, toString(l.region) AS region, toString(l.branch) AS branch,
      toString(l.channel) AS channel, toFloat64(l.principal) AS principal, toFloat64(l.annual_rate) AS annual_rate,
      l.term_months AS term_months, toString(l.origination_date) AS origination_date, ifNull(c.phone_masked, '') AS phone
    FROM ${t('loans')} AS l LEFT JOIN ${t('customers')} AS c ON c.customer_id = l.customer_id
    WHERE l.loan_id = ${id} LIMIT 1`,
    { join_use_nulls: 1 },
  );
  if (!loan) return null;
  const schedule = effectiveSchedule(wh, { loans: 'sl', as: 'sf', filter: sql`loan_id = ${id}` });
  const [scheduleRows, payments, months, warnings, warningsThrough] = await Promise.all([
    // the columns below are selected as text under their own names: the filters name them by table alias
    // the schedule the snapshot evaluates the loan on: the file's, else the one generated from its terms
    querySql<LoanView['schedule'][number]>(
      wh,
      sql`SELECT toUInt16(i) AS installment_no, toString(s_due[i]) AS due_date, s_pr[i] / 100 AS principal_due, s_int[i] / 100 AS interest_due
      FROM (SELECT ${schedule.columns} FROM ${t('loans')} AS sl ${schedule.join} WHERE sl.loan_id = ${id})
      ARRAY JOIN arrayEnumerate(s_due) AS i ORDER BY i`,
      { join_use_nulls: 0 },
    ),
    querySql<LoanView['payments'][number]>(
      wh,
      sql`SELECT toString(paid_date) AS paid_date, toFloat64(amount) AS amount, toString(channel) AS channel
      FROM ${t('payments')} AS p WHERE p.loan_id = ${id} AND p.paid_date <= ${date} ORDER BY p.paid_date DESC, p.payment_id DESC`,
    ),
    querySql<LoanView['months'][number]>(
      wh,
      sql`SELECT toString(month_end) AS month_end, dpd, toString(bucket) AS bucket, toFloat64(principal_balance) AS balance, toString(five_class) AS five_class
      FROM ${t('loan_month')} AS m WHERE m.loan_id = ${id} AND m.month_end <= ${date} ORDER BY m.month_end`,
    ),
    querySql<LoanView['warnings'][number]>(
      wh,
      sql`SELECT toString(as_of) AS as_of, rule_id, toString(severity) AS severity, value, threshold, evidence
      FROM ${t('warnings')} AS w WHERE w.loan_id = ${id} AND w.as_of <= ${date} ORDER BY w.as_of DESC, w.rule_id LIMIT 20`,
    ),
    // no warning row is also what a day the rules never ran for looks like: the page says which
    latestComputedDay(wh, asOf),
  ]);
  const champion = await latestChampionEvent(wh, targetName(defaultTarget));
  let score: LoanView['score'] = null;
  if (champion) {
    const [s] = await latestScores(
      wh,
      { model_name: champion.model_name, version: champion.version },
      { ids: [loanId], asOf },
    );
    if (s) {
      const m = await loadModel(wh, s.model_name, s.model_version);
      // outside the model's population no grade move means anything: none is searched, the page says why (as the score route)
      const outside = counterfactualUnavailable(s.dpd, s.month_end);
      const cf = outside ? null : ((await loanCounterfactuals(wh, m.artifact, [s])).get(loanId) ?? null);
      const unavailable = outside ?? (cf ? null : alreadyAtTarget(s.grade));
      score = { ...s, target: m.target, counterfactual: cf, counterfactual_unavailable: unavailable };
    }
  }
  const queue = await queueOf(c, asOf, {});
  const recorders = await keyLabels(
    wh,
    actions.map((a) => a.recorded_by),
  );
  return {
    loan,
    schedule: scheduleRows,
    payments,
    months,
    actions,
    recorders,
    score,
    warnings,
    warnings_through: warningsThrough,
    case: queue.find((x) => x.loan_id === loanId) ?? null,
  };
}
