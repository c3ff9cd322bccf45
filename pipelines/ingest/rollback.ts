import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/user-error.ts';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { rawEntities, rawTables, type RawEntity } from '../../warehouse/tables.ts';
import { entitySpecs } from './entity-specs.ts';
import { receiptCounts } from './ingest-runs.ts';
import type { Receipt } from './ingest-file.ts';
import { rowJsonExpr } from './key-conflicts.ts';
import { targetKeyExpr } from './validation-sql.ts';
import { nowDateTime64Text } from '../../lib/dates.ts';
import { inRunLedger } from './run-ledger.ts';
import { unknownOrigin, type CorrectionOrigin } from './apply-corrections.ts';

/** The raw tables whose rows name a loan: rows of another run in them keep a loan of the run from going. */
const loanRowTables = ['schedule', 'payments', 'performance', 'collection_actions', 'loan_events'] as const;

/** What a rollback (or a second rollback of the same run) did. */
export interface RollbackResult {
  /** this rollback's own id (its receipts' ingest_id); the earlier rollback's when it was done already */
  ingestId: string;
  /** the run rolled back */
  rolledBack: string;
  /** false: the run had been rolled back already, nothing changed */
  changed: boolean;
  /** one per entity the run had rows of: rows_retracted = rows removed (a killed attempt's included) */
  receipts: Receipt[];
}

/** A run id that cannot be rolled back, or rows of other runs that build on it: nothing was removed. */
export class RollbackRefused extends UserError {}

/** the `file` of a rollback's receipts: what ingest-runs shows in place of a file */
export const rollbackLabel = (runId: string) => `rollback of ${runId}`;

/**
 * Removes every row an ingest run loaded, in every raw table (`ingest --rollback ID`), audited in
 * row_corrections as a retraction is (action `rollback`, old_ingest_id the run), so the next
 * snapshot refreshes the loans the rows named.
 *
 * Refused (RollbackRefused, nothing removed) when the id names no run; when the run was itself a
 * correction, retraction or rollback (deleting a correction's rows would not bring the replaced rows
 * back); and when rows of other runs build on the run's rows — rows naming one of its loans, loans
 * naming one of its customers, a later correction that replaced one of its rows (the replacement
 * carries the correcting run's id, and would stay, a row of the run changed): those are rolled back
 * or retracted first, so what a rollback removes is always exactly its run's rows.
 *
 * Kill-safe and idempotent: per table, the audit is written (rows already audited by a killed
 * attempt are not audited again), then the rows are deleted by ingest_id; the receipts are written
 * last, from the audit (so a re-run after a kill counts what the killed attempt removed too). A run
 * with rollback receipts is rolled back already: a second rollback changes nothing and says so.
 */
export async function rollback(
  wh: Warehouse,
  runId: string,
  o: { origin?: CorrectionOrigin; log?: (line: string) => void } = {},
): Promise<RollbackResult> {
  const log = o.log ?? (() => undefined);
  const receipts = tableRef(wh, 'ingest_receipts');
  const audit = tableRef(wh, 'row_corrections');
  const id = { run: runId, label: rollbackLabel(runId) };

  const stored = await queryRows<Record<keyof Receipt, unknown>>(
    wh,
    `SELECT * EXCEPT (started_at, finished_at), toString(started_at) AS started_at, toString(finished_at) AS finished_at
    FROM ${receipts} WHERE mode = 'rollback' AND file = {label:String}`,
    id,
  );
  const done = stored
    .map((r) => ({ ...(r as unknown as Receipt), ...receiptCounts(r), unknown_columns: [] }))
    .sort((a, b) => rawEntities.indexOf(a.entity as RawEntity) - rawEntities.indexOf(b.entity as RawEntity));
  if (done.length > 0) {
    const removed = done.reduce((s, r) => s + r.rows_retracted, 0);
    log(`run ${runId} was rolled back already (run ${done[0]!.ingest_id}, ${removed} rows removed): nothing changed`);
    return { ingestId: done[0]!.ingest_id, rolledBack: runId, changed: false, receipts: done };
  }

  const modes = await queryRows<{ mode: string; file: string }>(
    wh,
    `SELECT mode, any(file) AS file FROM ${receipts} WHERE ingest_id = {run:String} GROUP BY mode`,
    id,
  );
  const other = modes.find((m) => m.mode !== 'load');
  if (other) throw new RollbackRefused(notALoad(runId, other.mode, other.file));
  // a run killed before its receipts: its rows (or a killed rollback's audit of them) make it a run;
  // rows recorded in the console or the API carry their source as ingest_id, no run's id
  const traces = await queryRows<{ what: string }>(
    wh,
    [
      ...rawEntities.map(
        (e) =>
          `SELECT '${e}' AS what FROM ${tableRef(wh, e)} WHERE ingest_id = {run:String}${e === 'collection_actions' ? ` AND source = 'file'` : ''} LIMIT 1`,
      ),
      `SELECT concat('audit:', action) AS what FROM ${audit} WHERE ingest_id = {run:String} LIMIT 1`,
      `SELECT 'rolled back' AS what FROM ${audit} WHERE action = 'rollback' AND old_ingest_id = {run:String} LIMIT 1`,
    ].join(' UNION ALL '),
    id,
  );
  const corrector = traces.find((t) => t.what.startsWith('audit:'));
  if (corrector) throw new RollbackRefused(notALoad(runId, corrector.what.slice('audit:'.length), ''));
  if (modes.length === 0 && traces.length === 0)
    throw new RollbackRefused(`no ingest run ${runId}: \`loanwatch ingest-runs\` lists the runs and their ids`);

  await refuseDependents(wh, runId);

  // the ledger's planned "files" are the receipts it will write: one per table with rows of the run
  // (or audited by a rollback killed before its receipts), at least one
  const audited = await queryRows<{ entity: string }>(
    wh,
    `SELECT DISTINCT entity FROM ${audit} WHERE action = 'rollback' AND old_ingest_id = {run:String}`,
    id,
  );
  const tables = new Set([
    ...traces.map((t) => t.what).filter((w) => (rawEntities as readonly string[]).includes(w)),
    ...audited.map((a) => a.entity),
  ]);
  const rollbackId = randomUUID();
  return inRunLedger(wh, { ingestId: rollbackId, mode: 'rollback', files: Math.max(1, tables.size) }, () =>
    removeRun(wh, runId, rollbackId, o.origin ?? unknownOrigin, log),
  );
}

/** The rollback's work once it is allowed: every table's rows of the run audited and removed, then the receipts. */
async function removeRun(
  wh: Warehouse,
  runId: string,
  rollbackId: string,
  origin: CorrectionOrigin,
  log: (line: string) => void,
): Promise<RollbackResult> {
  const receipts = tableRef(wh, 'ingest_receipts');
  const audit = tableRef(wh, 'row_corrections');
  const id = { run: runId, label: rollbackLabel(runId) };
  const started = nowDateTime64Text();
  // dependents first: a killed rollback never leaves a loan's rows of the run without the loan
  for (const entity of [...rawEntities].reverse()) await removeRows(wh, entity, runId, rollbackId, origin, log);
  const counts = await queryRows<{ entity: RawEntity; n: string }>(
    wh,
    `SELECT entity, toString(count()) AS n FROM ${audit} WHERE action = 'rollback' AND old_ingest_id = {run:String} GROUP BY entity`,
    id,
  );
  const finished = nowDateTime64Text();
  const written = rawEntities.flatMap((entity) => {
    const n = Number(counts.find((c) => c.entity === entity)?.n ?? 0);
    if (n === 0) return [];
    const r: Omit<Receipt, 'unknown_columns'> = {
      ingest_id: rollbackId,
      entity,
      file: id.label,
      file_sha256: '',
      format: '',
      // a rollback reads no file: nothing read or accepted, the rows it removed are rows_retracted
      // (a reconciliation summing rows_accepted by day counted removed rows as loaded)
      rows_read: 0,
      rows_accepted: 0,
      rows_inserted: 0,
      rows_already_present: 0,
      rows_quarantined: 0,
      mode: 'rollback',
      rows_corrected: 0,
      rows_retracted: n,
      started_at: started,
      finished_at: finished,
    };
    return [r];
  });
  // a run that had loaded nothing (every file's rows quarantined or already present) still gets a
  // receipt, or a second rollback could not say it was done
  const values =
    written.length > 0
      ? written
      : [
          {
            ...{ ingest_id: rollbackId, entity: 'loans', file: id.label, file_sha256: '', format: '' },
            ...{ rows_read: 0, rows_accepted: 0, rows_inserted: 0, rows_already_present: 0, rows_quarantined: 0 },
            ...{ mode: 'rollback' as const, rows_corrected: 0, rows_retracted: 0, started_at: started },
            finished_at: finished,
          },
        ];
  // one insert: the receipts are there whole or not at all
  await wh.client.insert({ table: receipts, values, format: 'JSONEachRow' });
  const total = written.reduce((s, r) => s + r.rows_retracted, 0);
  log(
    `rolled back run ${runId}: removed ${total} rows${written.length > 0 ? ` (${written.map((r) => `${r.entity} ${r.rows_retracted}`).join(', ')})` : ''}`,
  );
  return {
    ingestId: rollbackId,
    rolledBack: runId,
    changed: true,
    receipts: values.map((r) => ({ ...r, unknown_columns: [] })),
  };
}

function notALoad(runId: string, mode: string, file: string): string {
  if (mode === 'correct')
    return `run ${runId} is an ingest --correct run: --rollback undoes a load (deleting its rows would not bring back the rows they replaced); send the old rows (row_corrections.old_row) with --correct`;
  if (mode === 'retract')
    return `run ${runId} is an ingest --retract run: it loaded no rows to roll back; send the retracted rows (row_corrections.old_row) with --correct to reinstate them (a plain load quarantines a retracted key)`;
  return `run ${runId} is a rollback${file.startsWith('rollback of ') ? ` (${file})` : ''}: it loaded no rows to roll back; ingest that run's files again`;
}

/** Refuses the rollback when rows of other runs build on the run's rows (see rollback). */
async function refuseDependents(wh: Warehouse, runId: string): Promise<void> {
  const t = (name: string) => tableRef(wh, name);
  const ofRun = (e: RawEntity, col: string) => `SELECT ${col} FROM ${t(e)} WHERE ingest_id = {run:String}`;
  const runOf = (e: RawEntity) =>
    e === 'collection_actions'
      ? `if(source = 'file', toString(ingest_id), concat('recorded in the ', source))`
      : 'toString(ingest_id)';
  const found = await queryRows<{ what: string; by: string; n: string; example: string }>(
    wh,
    [
      ...loanRowTables.map(
        (e) => `SELECT '${e}' AS what, ${runOf(e)} AS by, toString(count()) AS n, toString(any(loan_id)) AS example
        FROM ${t(e)} WHERE loan_id IN (${ofRun('loans', 'loan_id')}) AND ingest_id != {run:String} GROUP BY by`,
      ),
      `SELECT 'loans' AS what, toString(ingest_id) AS by, toString(count()) AS n, toString(any(customer_id)) AS example
        FROM ${t('loans')} WHERE customer_id IN (${ofRun('customers', 'customer_id')}) AND ingest_id != {run:String} GROUP BY by`,
      // a row of the run replaced by a later correction (and not retracted since): its key's latest audit row corrects it
      // every corrected key named (to a bound): a correction is undone by retracting its rows, key by key
      `SELECT 'correction' AS what, by, toString(count()) AS n,
        arrayStringConcat(arraySlice(arraySort(groupArray(concat(entity, ' ', key))), 1, ${correctedKeysShown}), ', ') AS example FROM (
        SELECT entity, key, argMax(action, at) AS last, argMax(ingest_id, at) AS by FROM ${t('row_corrections')}
        WHERE (entity, key) IN (SELECT entity, key FROM ${t('row_corrections')} WHERE old_ingest_id = {run:String} AND action = 'correct')
        GROUP BY entity, key HAVING last = 'correct') GROUP BY by`,
    ].join(' UNION ALL '),
    { run: runId },
  );
  if (found.length === 0) return;
  const sorted = [...found].sort((a, b) => a.what.localeCompare(b.what) || a.by.localeCompare(b.by));
  const shown = sorted.slice(0, 3).map((f) => {
    const n = Number(f.n);
    if (f.what === 'correction')
      return `run ${f.by} corrected ${n} of its rows (${f.example}${n > correctedKeysShown ? ' …' : ''})`;
    // loans name a customer of the run; the other tables' rows, a loan
    const whose = f.what === 'loans' ? 'customer' : 'loan';
    const by = f.by.startsWith('recorded in the ') ? f.by : `of run ${f.by}`;
    return `${f.what} ${by}: ${n} row${n > 1 ? 's' : ''} naming its ${whose}s (${whose} ${f.example}${n > 1 ? ' …' : ''})`;
  });
  const more = sorted.length > 3 ? `; and ${sorted.length - 3} more` : '';
  throw new RollbackRefused(
    `run ${runId} cannot be rolled back: rows of other runs build on it — ${shown.join('; ')}${more}. First ${waysOut(sorted).join('; ')}`,
  );
}

/** how many corrected keys a refusal names (the rest: loanwatch corrections) */
const correctedKeysShown = 10;

/**
 * What undoes each kind of dependent row: a --correct run cannot itself be rolled back (its rows
 * replaced others), so its corrections are retracted; recorded actions are withdrawn where they were
 * recorded; other loads are rolled back or their rows retracted.
 */
function waysOut(found: readonly { what: string; by: string }[]): string[] {
  const ways: string[] = [];
  const corrections = found.filter((f) => f.what === 'correction');
  if (corrections.length)
    ways.push(
      `retract the corrected rows (ingest --retract with their keys; loanwatch corrections --entity ENTITY --since DATE lists them): a --correct run cannot be rolled back`,
    );
  if (found.some((f) => f.what !== 'correction' && f.by.startsWith('recorded in the ')))
    ways.push(
      'withdraw the recorded actions in the console or the API (POST /v1/collection-actions/{action_id}/withdraw)',
    );
  if (found.some((f) => f.what !== 'correction' && !f.by.startsWith('recorded in the ')))
    ways.push('roll those runs back, or retract those rows');
  return ways;
}

/** One table's rows of the run: audited (unless a killed attempt did), then deleted by ingest_id. */
async function removeRows(
  wh: Warehouse,
  entity: RawEntity,
  runId: string,
  rollbackId: string,
  origin: CorrectionOrigin,
  log: (line: string) => void,
): Promise<void> {
  const spec = entitySpecs[entity];
  const target = tableRef(wh, entity);
  const audit = tableRef(wh, 'row_corrections');
  const tk = targetKeyExpr(spec);
  const ofRun = `ingest_id = {run:String}${entity === 'collection_actions' ? ` AND source = 'file'` : ''}`;
  const hasLoan = rawTables[entity].columns.some(([n]) => n === 'loan_id');
  const p = { run: runId, id: rollbackId, entity, file: rollbackLabel(runId), ...origin };
  await exec(
    wh,
    `INSERT INTO ${audit}
      (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line, actor, reason)
    SELECT now64(3), {id:String}, {entity:String}, ${tk}, 'rollback', ${rowJsonExpr(spec)}, '', row_hash, toUInt64(0),
      {run:String}, ${hasLoan ? 'loan_id' : "''"}, '', {file:String}, 0, {actor:String}, {reason:String}
    FROM ${target} WHERE ${ofRun} AND (${tk}, row_hash) NOT IN (
      SELECT key, old_hash FROM ${audit} WHERE entity = {entity:String} AND action = 'rollback' AND old_ingest_id = {run:String})`,
    p,
  );
  log(`rollback ${runId}: ${entity} audited`);
  await deleteRows(wh, entity, ofRun, p);
  log(`rollback ${runId}: ${entity} removed`);
}
