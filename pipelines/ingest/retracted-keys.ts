import { tableRef } from '../../warehouse/ddl.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import type { EntitySpec } from './entity-specs.ts';
import { keyLabelFromText, rowJsonExpr } from './key-conflicts.ts';
import { createAs } from './quarantine-rows.ts';

/**
 * Fills `table` (rkey, r_at, r_by, r_file) with the keys of the entity `{entity:String}` whose
 * latest audit row retracts them: a load that brings one back is quarantined, so a reversal lasts
 * as a correction does (docs/data-contract.md, "Corrections and retractions"). Retractions are few:
 * only the keys ever retracted are grouped, not every audit row (a rollback audits a whole run).
 */
export async function findRetractedKeys(wh: Warehouse, entity: string, table: string): Promise<number> {
  const audit = tableRef(wh, 'row_corrections');
  await createAs(
    wh,
    table,
    `SELECT key AS rkey, max(at) AS r_at, argMax(ingest_id, at) AS r_by, argMax(file, at) AS r_file FROM ${audit}
    WHERE entity = {entity:String} AND key IN (SELECT key FROM ${audit} WHERE entity = {entity:String} AND action = 'retract')
    GROUP BY key HAVING argMax(action, at) = 'retract'`,
    { entity },
  );
  const [c] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${table}`);
  return Number(c!.n);
}

/**
 * Why a row of a retracted key is quarantined (columns of `findRetractedKeys` and the staged key):
 * who retracted it and how to bring it back on purpose. A collection action withdrawn in the console
 * or the API has the request's source as its file, not an ingest run.
 */
export function retractedReason(spec: EntitySpec, key: string): string {
  const by = `if(match(lwq_t.r_file, '^(console|api):'), concat('request ', lwq_t.r_by, ' (', lwq_t.r_file, ')'), concat('ingest run ', lwq_t.r_by))`;
  return `concat(${keyLabelFromText(spec, key)}, ' was retracted on ', formatDateTime(lwq_t.r_at, '%Y-%m-%d'), ' by ', ${by},
    ': send the row with ingest --correct to reinstate it')`;
}

/**
 * The audit rows of the keys a correction file reinstates (status `corrected`, key retracted and
 * not loaded): a correction with no old row (old_row '', old_hash 0), the columns auditAndDelete reads.
 */
export function reinstatedRows(spec: EntitySpec, o: { stg: string; status: string; retracted: string }): string {
  const hasLoan = spec.fields.some((f) => (f.target ?? f.name) === 'loan_id');
  return `SELECT line, key, toUInt64(0) AS old_hash, row_hash AS new_hash, '' AS old_ingest_id, '' AS old_loan_id,
      ${hasLoan ? 'loan_id' : "''"} AS new_loan_id, '' AS old_row, ${rowJsonExpr(spec)} AS new_row
    FROM ${o.stg} WHERE line IN (SELECT line FROM ${o.status} WHERE status = 'corrected' AND reinstated)`;
}

/**
 * The versions of some keys (`keys`: SELECTs of key texts, any of which names one) that a correction
 * replaced or a retraction removed: (skey, shash) of each, from the audit of `{entity:String}`. A
 * rollback's rows are not among them: a load undone is loaded again when sent again.
 */
export function supersededSelect(wh: Warehouse, keys: readonly string[]): string {
  return `SELECT DISTINCT key AS skey, old_hash AS shash FROM ${tableRef(wh, 'row_corrections')}
    WHERE entity = {entity:String} AND action IN ('correct', 'retract') AND old_hash != 0
      AND (${keys.map((k) => `key IN (${k})`).join(' OR ')})`;
}
