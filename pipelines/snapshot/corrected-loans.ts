import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { entitySpecs } from '../ingest/entity-specs.ts';
import { targetKeyExpr } from '../ingest/validation-sql.ts';
import { seenKeysSql } from './run-ledger.ts';

/**
 * Corrections and retractions (row_corrections, `ingest --correct` / `--retract`) no completed
 * snapshot run had seen, and the loans they touch. The ingest-run row counts (run-ledger.ts) see
 * the corrected row's new run, but not always the loan it left: a payment moved from L1 to L2, or
 * retracted, may leave no row of its old run naming L1 (or none at all: that run's count is then
 * simply gone). The audit row names both loans, and it is written before the raw table changes.
 */
export interface UnseenCorrections {
  /**
   * snapshot_seen keys (kind `correction`) of the audit rows not seen whose change is done (an
   * audit row is written before its DELETE: one whose old row is still loaded is not recorded, so
   * the refresh after the DELETE still touches its loans)
   */
  keys: string[];
  /**
   * snapshot_seen keys (kind `rows_net`) not seen: each ingest run's rows in a raw table plus the rows
   * corrections and retractions removed from it (`id|entity|count`)
   */
  netKeys: string[];
  /**
   * ingest runs whose net count a completed run has seen in every table: their raw count changed
   * only by removals, whose loans `loans` holds — the refresh need not read every loan of the run
   */
  settledRuns: Set<string>;
  /** the loans they touch whose loan-months are recomputed: old and new loan (but of a collection action: actionLoans); a customer's loans; a loan's old and new customer's loans */
  loans: string[];
  /**
   * the loans touched by changed collection actions: no loan-month reads an action
   * (touched-loans.ts), so their derived facts alone are rebuilt — a collector's correction of a
   * promise (api/routes/action-corrections.ts) does not recompute the loan's history
   */
  actionLoans: string[];
}

/** a row_corrections row's key in snapshot_seen (kind `correction`) */
export const correctionAuditKey = `toString(cityHash64(entity, key, action, ingest_id, at, line))`;

export async function findUnseenCorrections(wh: Warehouse): Promise<UnseenCorrections> {
  const audit = tableRef(wh, 'row_corrections');
  const loans = tableRef(wh, 'loans');
  const seen = (kind: 'correction' | 'rows_net') => seenKeysSql(wh, kind);
  const unseen = `(SELECT ${correctionAuditKey} AS akey, entity, key, old_loan_id, new_loan_id, old_row, new_row FROM ${audit}
    WHERE akey NOT IN (${seen('correction')}))`;
  const rows = await queryRows<{ akey: string; loan_id: string; action: number }>(
    wh,
    `SELECT akey, loan_id, action FROM (
      SELECT akey, arrayJoin([old_loan_id, new_loan_id]) AS loan_id, toUInt8(entity = 'collection_actions') AS action FROM ${unseen}
      UNION ALL
      -- a customer's loans (its borrower type and region are read with every loan-month); a loan's old
      -- and new customer's loans (a non-retail borrower's loans are classified together)
      SELECT lwq_u.akey AS akey, lwq_l.loan_id AS loan_id, toUInt8(0) AS action FROM (
        SELECT akey, arrayJoin(if(entity = 'customers', [key],
          if(entity = 'loans', [JSONExtractString(old_row, 'customer_id'), JSONExtractString(new_row, 'customer_id')], []))) AS customer_id
        FROM ${unseen}) AS lwq_u
      INNER JOIN (SELECT loan_id, customer_id FROM ${loans}) AS lwq_l ON lwq_l.customer_id = lwq_u.customer_id)`,
  );
  const keys = new Set(rows.map((r) => r.akey));
  // changes not done yet: the old row (its content and its run) still loaded — for the key's latest
  // change only: an earlier one was done, or given up, before it (a recorded action corrected back to
  // what it was has its first version loaded again, under the same ingest_id, for good)
  const entities = await queryRows<{ e: string }>(
    wh,
    `SELECT DISTINCT entity AS e FROM ${audit} WHERE ${correctionAuditKey} NOT IN (${seen('correction')})`,
  );
  for (const e of rawEntities.filter((x) => entities.some((r) => r.e === x))) {
    const tk = targetKeyExpr(entitySpecs[e]);
    for (const r of await queryRows<{ akey: string }>(
      wh,
      `SELECT akey FROM (SELECT ${correctionAuditKey} AS akey, key, old_hash, old_ingest_id, at FROM ${audit}
        WHERE entity = {e:String} AND akey NOT IN (${seen('correction')}))
      WHERE (key, at) IN (SELECT key, max(at) FROM ${audit} WHERE entity = {e:String} GROUP BY key)
        AND (key, old_hash, old_ingest_id) IN (
        SELECT ${tk}, row_hash, toString(ingest_id) FROM ${tableRef(wh, e)}
        WHERE ${tk} IN (SELECT key FROM ${audit} WHERE entity = {e:String}))`,
      { e },
    ))
      keys.delete(r.akey);
  }
  const net = await netCounts(wh);
  const seenNet = new Set((await queryRows<{ key: string }>(wh, seen('rows_net'))).map((r) => r.key));
  const netKeys = net.filter((k) => !seenNet.has(k.key));
  const unsettled = new Set(netKeys.map((k) => k.id));
  return {
    keys: [...keys],
    netKeys: netKeys.map((k) => k.key),
    settledRuns: new Set(net.map((k) => k.id).filter((id) => !unsettled.has(id))),
    loans: [...new Set(rows.filter((r) => r.action === 0 && r.loan_id !== '').map((r) => r.loan_id))],
    actionLoans: [...new Set(rows.filter((r) => r.action === 1 && r.loan_id !== '').map((r) => r.loan_id))],
  };
}

/**
 * Each ingest run's rows per raw table plus the rows corrections and retractions removed from it:
 * rows of a run are only added while it runs and removed after an audit row, so an unchanged net
 * count means no row of the run changed but removed ones (as run-ledger.ts counts rows:
 * collection actions recorded in the console or the API aside).
 */
async function netCounts(wh: Warehouse): Promise<{ id: string; key: string }[]> {
  const out: { id: string; key: string }[] = [];
  for (const e of rawEntities) {
    const where = e === 'collection_actions' ? ` WHERE source = 'file'` : '';
    for (const r of await queryRows<{ id: string; n: string }>(
      wh,
      `SELECT id, toString(sum(n)) AS n FROM (
        SELECT toString(ingest_id) AS id, count() AS n FROM ${tableRef(wh, e)}${where} GROUP BY id
        UNION ALL
        SELECT old_ingest_id AS id, count() AS n FROM ${tableRef(wh, 'row_corrections')} WHERE entity = {e:String} GROUP BY id)
      GROUP BY id`,
      { e },
    ))
      out.push({ id: r.id, key: `${r.id}|${e}|${r.n}` });
  }
  return out;
}

/** Records what a completed run had seen (as recordSeen does for the other kinds). */
export async function recordCorrectionsSeen(wh: Warehouse, startedAtMs: number, c: UnseenCorrections): Promise<void> {
  const values = [
    ...c.keys.map((key) => ({ run_started_at: startedAtMs, kind: 'correction', key, loan_id: '' })),
    ...c.netKeys.map((key) => ({ run_started_at: startedAtMs, kind: 'rows_net', key, loan_id: '' })),
  ];
  if (values.length === 0) return;
  await wh.client.insert({ table: tableRef(wh, 'snapshot_seen'), format: 'JSONEachRow', values });
}
