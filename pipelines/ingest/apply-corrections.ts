import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import type { EntitySpec } from './entity-specs.ts';
import { targetKeyExpr } from './validation-sql.ts';

/**
 * The latest audit row of each key of the entity `{entity:String}` among `keys` (a subquery of key
 * texts), as a subquery: akey, a_action, a_new (the content it replaced the row with, 0 for a
 * retraction), a_old, a_old_ingest (the row it replaced or removed), a_file and a_at (the file it
 * was audited from, and when).
 */
export const latestCorrections = (wh: Pick<Warehouse, 'database'>, keys: string) =>
  `(SELECT key AS akey, argMax(action, at) AS a_action, argMax(new_hash, at) AS a_new, argMax(old_hash, at) AS a_old,
      argMax(old_ingest_id, at) AS a_old_ingest, argMax(file, at) AS a_file, max(at) AS a_at
    FROM ${tableRef(wh, 'row_corrections')} WHERE entity = {entity:String} AND key IN (${keys}) GROUP BY key)`;

/** Who corrected, retracted or rolled back rows, and why (row_corrections.actor, .reason). */
export interface CorrectionOrigin {
  actor: string;
  reason: string;
}

/** the origin of a change made without one (a pipeline called directly, as the tests do) */
export const unknownOrigin: CorrectionOrigin = { actor: '', reason: '' };

export interface AuditInput {
  spec: EntitySpec;
  action: 'correct' | 'retract';
  /**
   * scratch table of the rows to audit: line, key, old_hash, new_hash, old_ingest_id, old_loan_id,
   * new_loan_id, old_row, new_row
   */
  rows: string;
  meta: { ingest_id: string; file: string };
  origin: CorrectionOrigin;
  onStep?: (step: string) => void;
}

/**
 * Audits, then deletes, the loaded rows a correction replaces or a retraction removes. The audit
 * row is written first: it is what the next snapshot refreshes the row's loans by (run-ledger.ts)
 * and what a re-run after a kill between the delete and the insert finishes the correction from
 * (ingestFile's `finishing`). A re-run does not audit a change twice: a row whose key's latest
 * audit row is the same change of the same loaded row (its hash and the run that loaded it) was
 * audited by a killed run. The delete is a lightweight DELETE by key (docs/data-contract.md,
 * "Corrections and retractions").
 */
export async function auditAndDelete(wh: Warehouse, o: AuditInput): Promise<void> {
  const entity = o.spec.entity;
  await exec(
    wh,
    `INSERT INTO ${tableRef(wh, 'row_corrections')}
      (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line, actor, reason)
    SELECT now64(3), {ingest_id:String}, {entity:String}, key, {action:String}, old_row, new_row, old_hash, new_hash,
      old_ingest_id, old_loan_id, new_loan_id, {file:String}, line, {actor:String}, {reason:String}
    FROM ${o.rows} AS lwq_c
    LEFT JOIN ${latestCorrections(wh, `SELECT key FROM ${o.rows}`)} AS lwq_a ON lwq_a.akey = lwq_c.key
    WHERE NOT (lwq_a.a_action = {action:String} AND lwq_a.a_new = lwq_c.new_hash AND lwq_a.a_old = lwq_c.old_hash
      AND lwq_a.a_old_ingest = lwq_c.old_ingest_id)`,
    { ingest_id: o.meta.ingest_id, entity, action: o.action, file: o.meta.file, ...o.origin },
  );
  o.onStep?.('audited');
  // a reinstated key (no old row) has nothing loaded to delete
  const keys = (await queryRows<{ key: string }>(wh, `SELECT DISTINCT key FROM ${o.rows} WHERE old_row != ''`)).map(
    (r) => r.key,
  );
  if (keys.length > 0) await deleteRows(wh, entity, `${targetKeyExpr(o.spec)} IN {keys:Array(String)}`, { keys });
}

/**
 * The corrected rows of a file (status `corrected` with a loaded row to replace): audited, their
 * loaded rows deleted; and the retracted keys it reinstates, audited as corrections of no old row.
 */
export async function applyCorrections(
  wh: Warehouse,
  o: {
    spec: EntitySpec;
    /** keyConflictsSelect's rows of the file */
    conflicts: string;
    /** the file's status table */
    status: string;
    /** reinstatedRows of the file, or null when none of the entity's keys stands retracted */
    reinstated: string | null;
    meta: { ingest_id: string; file: string };
    origin: CorrectionOrigin;
    onStep?: (step: string) => void;
  },
): Promise<void> {
  const cols = 'line, key, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, old_row, new_row';
  const replaced = `SELECT ${cols} FROM ${o.conflicts} WHERE line IN (SELECT line FROM ${o.status} WHERE status = 'corrected')`;
  const rows = `(${o.reinstated ? `${replaced} UNION ALL ${o.reinstated}` : replaced})`;
  await auditAndDelete(wh, { spec: o.spec, action: 'correct', rows, meta: o.meta, origin: o.origin, onStep: o.onStep });
  o.onStep?.('corrected rows replaced');
}
