import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import type { LastRun } from './run-ledger.ts';
import type { SnapshotParams } from './snapshot-settings.ts';

/** An ingest receipt, as the ledger keys it, with the rows its file inserted. */
export interface ReceiptKey {
  ingest_id: string;
  entity: string;
  file: string;
  file_sha256: string;
  started_at: string;
  rows_inserted: number;
}

export const receiptKey = (r: ReceiptKey) => [r.ingest_id, r.entity, r.file, r.file_sha256, r.started_at].join('|');

/**
 * The ingest runs whose rows a refresh must treat as new. Rows do not say which file of their run
 * they came from, and a file's receipt is written after its rows, so a run's rows in a table are all
 * seen only when they are all receipted (as many rows as its receipts say they inserted) and every
 * one of those receipts was seen by a completed snapshot run:
 * - a run with a receipt not seen yet (a file finished since; its earlier files' rows come along,
 *   which only recomputes more);
 * - a run with more rows in a table than its receipts account for (a file being loaded now, or one
 *   killed before its receipt — a re-run of that file inserts nothing, the rows being present):
 *   treated as new on every refresh, since nothing says they are complete.
 */
export function unseenReceipts(o: {
  receipts: ReceiptKey[];
  seen: ReadonlySet<string>;
  rowCounts: { ingest_id: string; entity: string; rows: number }[];
}): { unseen: string[]; ingestIds: string[] } {
  const unseen = o.receipts.filter((r) => !o.seen.has(receiptKey(r)));
  const ids = new Set(unseen.map((r) => r.ingest_id));
  const receipted = new Map<string, number>();
  for (const r of o.receipts) {
    const k = `${r.ingest_id}|${r.entity}`;
    receipted.set(k, (receipted.get(k) ?? 0) + r.rows_inserted);
  }
  for (const c of o.rowCounts) if (c.rows > (receipted.get(`${c.ingest_id}|${c.entity}`) ?? 0)) ids.add(c.ingest_id);
  return { unseen: [...new Set(unseen.map(receiptKey))].sort(), ingestIds: [...ids].sort() };
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
      SELECT lwq_l.loan_id AS loan_id FROM ${t('loans')} AS lwq_l
      LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS lwq_c
        ON lwq_c.customer_id = lwq_l.customer_id
      WHERE (lwq_c.borrower_type = 'non_retail' OR has(${o.settings.nonRetailProducts}, lwq_l.product))
        AND lwq_l.customer_id IN (SELECT customer_id FROM ${t('loans')} WHERE loan_id IN (SELECT loan_id FROM lwq_base)))`;
}
