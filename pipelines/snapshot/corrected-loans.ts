import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';

/**
 * Corrections and retractions (row_corrections, `ingest --correct` / `--retract`) no completed
 * snapshot run had seen, and the loans they touch. The ingest-run row counts (run-ledger.ts) see
 * the corrected row's new run, but not always the loan it left: a payment moved from L1 to L2, or
 * retracted, may leave no row of its old run naming L1 (or none at all: that run's count is then
 * simply gone). The audit row names both loans, and it is written before the raw table changes.
 */
export interface UnseenCorrections {
  /** snapshot_seen keys (kind `correction`) of the audit rows not seen */
  keys: string[];
  /** the loans they touch: old and new loan; a customer's loans; a loan's old and new customer's loans */
  loans: string[];
}

const auditKey = `toString(cityHash64(entity, key, action, ingest_id, at, line))`;

export async function findUnseenCorrections(wh: Warehouse): Promise<UnseenCorrections> {
  const audit = tableRef(wh, 'row_corrections');
  const loans = tableRef(wh, 'loans');
  const unseen = `(SELECT ${auditKey} AS akey, entity, key, old_loan_id, new_loan_id, old_row, new_row FROM ${audit}
    WHERE akey NOT IN (SELECT key FROM ${tableRef(wh, 'snapshot_seen')} WHERE kind = 'correction'
      AND run_started_at IN (SELECT started_at FROM ${tableRef(wh, 'snapshot_runs')})))`;
  const rows = await queryRows<{ akey: string; loan_id: string }>(
    wh,
    `SELECT akey, loan_id FROM (
      SELECT akey, arrayJoin([old_loan_id, new_loan_id]) AS loan_id FROM ${unseen}
      UNION ALL
      -- a customer's loans (its borrower type and region are read with every loan-month); a loan's old
      -- and new customer's loans (a non-retail borrower's loans are classified together)
      SELECT lwq_u.akey AS akey, lwq_l.loan_id AS loan_id FROM (
        SELECT akey, arrayJoin(if(entity = 'customers', [key],
          if(entity = 'loans', [JSONExtractString(old_row, 'customer_id'), JSONExtractString(new_row, 'customer_id')], []))) AS customer_id
        FROM ${unseen}) AS lwq_u
      INNER JOIN (SELECT loan_id, customer_id FROM ${loans}) AS lwq_l ON lwq_l.customer_id = lwq_u.customer_id)`,
  );
  return {
    keys: [...new Set(rows.map((r) => r.akey))],
    loans: [...new Set(rows.map((r) => r.loan_id).filter((l) => l !== ''))],
  };
}

/** Records what a completed run had seen (as recordSeen does for the other kinds). */
export async function recordCorrectionsSeen(wh: Warehouse, startedAtMs: number, c: UnseenCorrections): Promise<void> {
  if (c.keys.length === 0) return;
  await wh.client.insert({
    table: tableRef(wh, 'snapshot_seen'),
    format: 'JSONEachRow',
    values: c.keys.map((key) => ({ run_started_at: startedAtMs, kind: 'correction', key, loan_id: '' })),
  });
}
