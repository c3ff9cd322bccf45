import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
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
 * The ingest runs whose rows a refresh must treat as new. Raw tables only grow (keys are idempotent:
 * nothing is updated or deleted), so an ingest run's rows in a table are the same rows as long as
 * their count is the same: a count a completed snapshot run saw at its start means rows that run
 * read. Any other count — a file loaded since, a file being loaded now, rows of a run killed half
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

/** The touched loans of a refresh (a scratch table, one row per loan id). */
export const touchedTable = (wh: Pick<Warehouse, 'database'>) => tableRef(wh, 'loan_month_touched');
/** The touched loans as a subquery (no parameters: derived-facts' string statements take it too). */
export const touchedLoans = (wh: Pick<Warehouse, 'database'>): Sql =>
  trusted(`SELECT loan_id FROM ${touchedTable(wh)}`);

/**
 * Fills the touched-loans table:
 * - loans with rows of the given ingest runs in any raw table (customers: that customer's loans);
 * - the loans of unseen overrides and recorded actions (`loans`);
 * - when a month closed: every loan active at the previous month-end (it gains rows) and every
 *   loan originated after it up to the new one;
 * - then every non-retail loan of a borrower with a loan above (contagion couples them: the
 *   pre-pass needs all of a borrower's non-retail loans to find its contagious months).
 */
export function createTouchedSql(
  wh: Pick<Warehouse, 'database'>,
  o: {
    ingestIds: string[];
    loans: string[];
    plan: Extract<RefreshPlan, { mode: 'refresh' }>;
    settings: SnapshotParams;
  },
): Sql {
  const t = (name: string) => trusted(tableRef(wh, name));
  const ids = param(o.ingestIds, 'Array(String)');
  const prev = param(o.plan.previousMonthEnd, 'Date');
  const now = param(o.plan.monthEnd, 'Date');
  const byIngest = (['loans', 'schedule', 'payments', 'performance', 'collection_actions', 'loan_events'] as const).map(
    (e) => sql`SELECT loan_id FROM ${t(e)} WHERE has(${ids}, ingest_id)`,
  );
  const base = sql`${byIngest.reduce((a, b) => sql`${a} UNION ALL ${b}`)}
    UNION ALL SELECT loan_id FROM ${t('loans')} WHERE customer_id IN (SELECT customer_id FROM ${t('customers')} WHERE has(${ids}, ingest_id))
    UNION ALL SELECT arrayJoin(${param(o.loans, 'Array(String)')}) AS loan_id
    UNION ALL SELECT loan_id FROM ${t('loan_month')} WHERE ${param(o.plan.monthClosed ? 1 : 0, 'UInt8')} = 1 AND month_end = ${prev} AND status = 'active'
    UNION ALL SELECT loan_id FROM ${t('loans')} WHERE origination_date > ${prev} AND origination_date <= ${now}`;
  return sql`CREATE TABLE ${trusted(touchedTable(wh))} ENGINE = Memory AS
    WITH lwq_base AS (${base})
    SELECT DISTINCT loan_id FROM (
      SELECT loan_id FROM lwq_base
      UNION ALL
      SELECT loan_id FROM (${nonRetailLoansSql(wh, o.settings)})
      WHERE customer_id IN (SELECT customer_id FROM ${t('loans')} WHERE loan_id IN (SELECT loan_id FROM lwq_base)))`;
}
