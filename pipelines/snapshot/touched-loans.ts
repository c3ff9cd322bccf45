import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { noNextMonthEnd } from '../../warehouse/tables.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import type { LastRun } from './run-ledger.ts';
import type { SnapshotParams } from './snapshot-settings.ts';
import { nonRetailLoansSql } from './loan-month-sql.ts';

/** How many rows one ingest run has in one raw table. */
export interface RowCount {
  ingest_id: string;
  entity: string;
  rows: number;
}

export const rowCountKey = (c: RowCount) => `${c.ingest_id}|${c.entity}|${c.rows}`;

/**
 * The ingest runs whose rows a refresh must treat as new. Raw tables only grow but for corrections
 * and retractions (keys are idempotent; `ingest --correct` / `--retract` delete rows, audited in
 * row_corrections, whose loans corrected-loans.ts touches), so an ingest run's rows in a table are the
 * same rows as long as their count is the same: a count a completed snapshot run saw at its start
 * means rows that run read. Any other count — a file loaded since, a file being loaded now, rows of a run killed half
 * way — makes the run's rows new. No clock and no receipt is needed: a snapshot concurrent with an
 * ingest records the count it saw, and the rows added after it change the count.
 */
export function unseenRowCounts(o: { rowCounts: RowCount[]; seen: ReadonlySet<string> }): {
  unseen: string[];
  ingestIds: string[];
} {
  const unseen = o.rowCounts.filter((c) => !o.seen.has(rowCountKey(c)));
  return {
    unseen: [...new Set(unseen.map(rowCountKey))].sort(),
    ingestIds: [...new Set(unseen.map((c) => c.ingest_id))].sort(),
  };
}

export type RefreshPlan =
  | { mode: 'full'; reason: string }
  | { mode: 'refresh'; previousMonthEnd: string; monthEnd: string; monthClosed: boolean };

/**
 * Full rebuild or refresh of the touched loans. Full: asked for, no run yet, a run from before
 * fingerprints (or a full run outside refreshSnapshots), another fingerprint (settings, snapshot SQL
 * or schema changed), or an as-of month-end before the last run's (rows after it would have to go).
 */
export function planRefresh(o: {
  last: Pick<LastRun, 'lastMonthEnd' | 'fingerprint'> | null;
  fingerprint: string;
  asOf: string;
  full: boolean;
}): RefreshPlan {
  const monthEnd = lastMonthEnd(o.asOf);
  if (o.full) return { mode: 'full', reason: 'asked for (--full)' };
  if (!o.last) return { mode: 'full', reason: 'first snapshot' };
  if (o.last.fingerprint === '') return { mode: 'full', reason: 'the last run recorded no fingerprint' };
  if (o.last.fingerprint !== o.fingerprint)
    return { mode: 'full', reason: 'settings, snapshot SQL or schema changed since the last run' };
  if (monthEnd < o.last.lastMonthEnd)
    return { mode: 'full', reason: `as-of month-end ${monthEnd} is before the last run's ${o.last.lastMonthEnd}` };
  return {
    mode: 'refresh',
    previousMonthEnd: o.last.lastMonthEnd,
    monthEnd,
    monthClosed: monthEnd > o.last.lastMonthEnd,
  };
}

/** The touched loans of a refresh (a scratch table: loan_id, and `recompute` 1 or 0; one row per loan). */
export const touchedTable = (wh: Pick<Warehouse, 'database'>) => tableRef(wh, 'loan_month_touched');
/** The touched loans as a subquery (no parameters: derived-facts' string statements take it too). */
export const touchedLoans = (wh: Pick<Warehouse, 'database'>): Sql =>
  trusted(`SELECT loan_id FROM ${touchedTable(wh)}`);
/** The touched loans whose loan-months (and accrual) are recomputed, as a subquery. */
export const recomputedLoans = (wh: Pick<Warehouse, 'database'>): Sql =>
  trusted(`SELECT loan_id FROM ${touchedTable(wh)} WHERE recompute = 1`);
/** The touched loans whose loan-months a refresh keeps (their derived facts alone rebuilt), as a subquery. */
export const keptLoans = (wh: Pick<Warehouse, 'database'>): Sql =>
  trusted(`SELECT loan_id FROM ${touchedTable(wh)} WHERE recompute = 0`);

/**
 * The statements that fill the touched-loans table. A loan is touched by:
 * - rows of the given ingest runs in any raw table (customers: that customer's loans);
 * - unseen overrides (`recomputeLoans`) and outcomes recorded in the console (`loans`);
 * - a month closing: every loan active at the previous month-end (it gains rows), every loan
 *   written off and not yet settled or sold then or paid off and still owing charges or left behind
 *   by a charges-first order (it gains an accrual row) and every loan originated after it up to the
 *   new one;
 * - being a non-retail loan of a borrower with a loan recomputed (contagion couples them: the
 *   pre-pass needs all of a borrower's non-retail loans to find its contagious months).
 *
 * Every touched loan has its derived facts rebuilt (they read payments and actions of any date:
 * cash after default, promises kept). Its loan-months and accrual are recomputed (`recompute` 1)
 * unless all it gained is of a kind and date that cannot change them: a collection action, a
 * payment dated after the month-end (unless it changes whether the loan's payments split principal
 * explicitly, which is read over all of them), an event dated after it other than a restructure
 * (whose credit the balance reads at every month-end). On an ordinary day that is most touched
 * loans: the day's payments and actions are dated after the last month-end. The rule leans on the
 * month-end rows reading nothing dated after their month-end but for those two exceptions
 * (docs/operations.md, "What it recomputes"); incremental-refresh-property.test.ts checks it.
 */
export function createTouchedStatements(
  wh: Pick<Warehouse, 'database'>,
  o: {
    ingestIds: string[];
    /** loans touched with an outcome recorded in the console */
    loans: string[];
    /** loans touched with a classification override */
    recomputeLoans: string[];
    plan: Extract<RefreshPlan, { mode: 'refresh' }>;
    settings: SnapshotParams;
  },
): Sql[] {
  const t = (name: string) => trusted(tableRef(wh, name));
  const touched = trusted(touchedTable(wh));
  const base = trusted(`${touchedTable(wh)}_base`);
  const ids = param(o.ingestIds, 'Array(String)');
  // IN, not has(): the engine evaluates has() of a constant array row by row (10.7M payments: 350 ms, IN 15 ms)
  const unseen = sql`(ingest_id IN ${ids})`;
  const prev = param(o.plan.previousMonthEnd, 'Date');
  const now = param(o.plan.monthEnd, 'Date');
  const anyRow = (['loans', 'schedule', 'performance'] as const).map(
    (e) => sql`SELECT loan_id, toUInt8(1) AS recompute FROM ${t(e)} WHERE ${unseen}`,
  );
  const withNewPayments = sql`SELECT loan_id FROM ${t('payments')} WHERE ${unseen}`;
  const parts = [
    ...anyRow,
    sql`SELECT loan_id, toUInt8(1) FROM ${t('loans')} WHERE customer_id IN (SELECT customer_id FROM ${t('customers')} WHERE ${unseen})`,
    sql`SELECT loan_id, toUInt8(paid_date <= ${now}) FROM ${t('payments')} WHERE ${unseen}`,
    // explicit_split (schedule-path-sql.ts) is 1 when every payment of the loan gives principal_paid:
    // unchanged when all are without it, or all with it and one of them was read before
    sql`SELECT loan_id, toUInt8(countIf(isNull(principal_paid)) > 0 OR countIf(NOT ${unseen}) = 0) FROM ${t('payments')}
      WHERE loan_id IN (${withNewPayments}) AND loan_id IN (SELECT loan_id FROM ${t('payments')} WHERE isNotNull(principal_paid))
      GROUP BY loan_id`,
    sql`SELECT loan_id, toUInt8(event_date <= ${now} OR type = 'restructure') FROM ${t('loan_events')} WHERE ${unseen}`,
    sql`SELECT loan_id, toUInt8(0) FROM ${t('collection_actions')} WHERE ${unseen}`,
    sql`SELECT arrayJoin(${param(o.loans, 'Array(String)')}) AS loan_id, toUInt8(0)`,
    sql`SELECT arrayJoin(${param(o.recomputeLoans, 'Array(String)')}) AS loan_id, toUInt8(1)`,
    ...(o.plan.monthClosed
      ? [
          sql`SELECT loan_id, toUInt8(1) FROM ${t('loan_month')} WHERE month_end = ${prev} AND status = 'active'`,
          // a written-off loan not settled or sold, and a paid-off one still owing charges, gains an
          // accrual row at every month-end (fill-accrual.ts)
          sql`SELECT loan_id, toUInt8(1) FROM ${t('loan_month_accrual')}
            WHERE month_end = ${prev} AND (accrual_status = 'charged_off' OR amount_to_cure > 0)`,
          // ... and one paid off whose accrual a charges-first order left behind: its installments fall due later
          sql`SELECT loan_id, toUInt8(1) FROM ${t('loan_month_accrual')}
            WHERE accrual_status IN ('accruing', 'non_accrual') AND (loan_id, month_end) IN (
              SELECT loan_id, month_end FROM ${t('loan_month')} WHERE status = 'paid_off' AND next_month_end = ${param(noNextMonthEnd, 'Date')})`,
          // their month-end state moves to the new month-end (month-end-state.ts), as every active loan's does
          sql`SELECT loan_id, toUInt8(0) FROM ${t('loans')} WHERE origination_date > ${now}`,
        ]
      : []),
    sql`SELECT loan_id, toUInt8(1) FROM ${t('loans')} WHERE origination_date > ${prev} AND origination_date <= ${now}`,
  ];
  const recomputedCustomers = sql`SELECT customer_id FROM ${t('loans')} WHERE loan_id IN (SELECT loan_id FROM ${base} WHERE recompute = 1)`;
  return [
    sql`DROP TABLE IF EXISTS ${base}`,
    sql`CREATE TABLE ${base} ENGINE = Memory AS
      SELECT loan_id, max(recompute) AS recompute FROM (${parts.reduce((a, b) => sql`${a} UNION ALL ${b}`)}) GROUP BY loan_id`,
    sql`CREATE TABLE ${touched} ENGINE = Memory AS
      SELECT loan_id, max(recompute) AS recompute FROM (
        SELECT loan_id, recompute FROM ${base}
        UNION ALL
        SELECT loan_id, toUInt8(1) FROM (${nonRetailLoansSql(wh, o.settings, recomputedCustomers)}))
      GROUP BY loan_id`,
    sql`DROP TABLE IF EXISTS ${base}`,
  ];
}
