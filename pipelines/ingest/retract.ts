import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { csvRecords } from '../../lib/csv-records.ts';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { maskedPersonalNumbersSql } from '../../warehouse/personal-numbers.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { rawTables, type RawEntity } from '../../warehouse/tables.ts';
import { auditAndDelete, latestCorrections, unknownOrigin, type CorrectionOrigin } from './apply-corrections.ts';
import { discoverInputs, IngestInputError, type InputFile } from './discover.ts';
import { entitySpecs, type EntitySpec } from './entity-specs.ts';
import { dropLeftoverScratch, type Receipt } from './ingest-file.ts';
import type { IngestResult } from './ingest.ts';
import { keyLabelFromText, rowJsonExpr } from './key-conflicts.ts';
import { decodedChunks } from './landing.ts';
import { createAs } from './quarantine-rows.ts';
import { targetKeyExpr } from './validation-sql.ts';
import { nowDateTime64Text } from '../../lib/dates.ts';
import { inRunLedger } from './run-ledger.ts';
import { jsonLineProblem } from './json-line-problem.ts';

/** The raw tables whose rows name a loan (a loan with rows in any of them cannot be retracted alone). */
const loanRowTables = ['schedule', 'payments', 'performance', 'collection_actions', 'loan_events'] as const;

interface KeyRow {
  line: number;
  key: string;
  reason: string;
  raw: string;
}

/**
 * A key part as the raw table's key text has it (targetKeyExpr: toString of the column): a whole
 * number without leading zeros, a month as its first day. Returns the text or a reason.
 */
function keyPart(spec: EntitySpec, col: string, value: string): { text: string } | { reason: string } {
  const field = spec.fields.find((f) => (f.target ?? f.name) === col)!;
  const v = value.trim();
  if (v === '') return { reason: `${field.name}: missing` };
  if (field.kind === 'month')
    return /^\d{4}-(0[1-9]|1[0-2])$/u.test(v) ? { text: `${v}-01` } : { reason: `${field.name}: not a month YYYY-MM` };
  if (field.kind === 'date')
    return /^\d{4}-\d{2}-\d{2}$/u.test(v) ? { text: v } : { reason: `${field.name}: not a date YYYY-MM-DD` };
  const type = rawTables[spec.entity].columns.find(([n]) => n === col)?.[1] ?? 'String';
  if (type.startsWith('UInt'))
    return /^\d{1,9}$/u.test(v) ? { text: String(Number(v)) } : { reason: `${field.name}: not a whole number` };
  return { text: v };
}

/** The key columns' positions in a header (by name or alias), or the missing ones. */
function keyColumns(spec: EntitySpec, header: string[]): { at: number[] } | { missing: string[] } {
  const canonical = header.map((h) => {
    const t = h.trim().replace(/^\uFEFF/u, '');
    return spec.aliases[t] ?? t.toLowerCase();
  });
  const at = spec.key.map((k) => canonical.indexOf(spec.fields.find((f) => (f.target ?? f.name) === k)!.name));
  const missing = spec.key.filter((_, i) => at[i]! < 0);
  return missing.length > 0 ? { missing: [...missing] } : { at };
}

function keyRow(spec: EntitySpec, line: number, raw: string, values: (string | undefined)[]): KeyRow {
  const parts = spec.key.map((k, i) => keyPart(spec, k, values[i] ?? ''));
  const reasons = parts.flatMap((p) => ('reason' in p ? [p.reason] : []));
  return {
    line,
    raw,
    reason: reasons.join('; '),
    key: reasons.length > 0 ? '' : parts.map((p) => ('text' in p ? p.text : '')).join('\x1f'),
  };
}

/**
 * The keys of a CSV (header with the key columns; other columns ignored) or JSONL file, blank lines
 * skipped; UTF-8 or GBK, decoded as a load decodes them (a GBK header was read as mojibake).
 */
async function readKeys(file: InputFile, spec: EntitySpec): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  if (file.format === 'jsonl') {
    let text = '';
    for await (const chunk of decodedChunks(file)) text += chunk;
    const lines = text.split(/\r?\n/u);
    for (const [i, text] of lines.entries()) {
      if (text.trim() === '') continue;
      const parsed = jsonLineProblem(text, i + 1);
      if ('problem' in parsed) {
        rows.push({ line: i + 1, raw: text, reason: parsed.problem, key: '' });
        continue;
      }
      const rec = parsed.value;
      const value = (col: string) => {
        const name = spec.fields.find((f) => (f.target ?? f.name) === col)!.name;
        const found = Object.entries(rec).find(([k]) => (spec.aliases[k] ?? k) === name)?.[1];
        return typeof found === 'string' || typeof found === 'number' ? String(found) : '';
      };
      rows.push(keyRow(spec, i + 1, text, spec.key.map(value)));
    }
    return rows;
  }
  let at: number[] | null = null;
  let width = 0;
  for await (const rec of csvRecords(decodedChunks(file))) {
    if (at === null) {
      const cols = keyColumns(spec, rec.fields);
      if ('missing' in cols)
        throw new IngestInputError(
          `${file.path}: the header lacks the key column ${cols.missing.join(', ')} of ${spec.entity} to retract (found ${rec.fields.join(', ')})`,
        );
      at = cols.at;
      width = rec.fields.length;
      continue;
    }
    if (rec.raw === '' && rec.fields.length === 1) continue;
    if (rec.malformed) rows.push({ line: rec.line, raw: rec.raw, reason: rec.malformed, key: '' });
    else if (rec.fields.length !== width)
      rows.push({
        line: rec.line,
        raw: rec.raw,
        reason: `row has ${rec.fields.length} fields, the header ${width}`,
        key: '',
      });
    else
      rows.push(
        keyRow(
          spec,
          rec.line,
          rec.raw,
          at.map((i) => rec.fields[i]),
        ),
      );
  }
  if (at === null) throw new IngestInputError(`${file.path}: an empty file (no header row)`);
  return rows;
}

/**
 * Removes loaded rows by key (`ingest --retract`), audited as corrections are (auditAndDelete):
 * every key is read first, then per file:
 *  - a key loaded is retracted (audit row, then a lightweight DELETE) unless rows of other tables
 *    still name it (a loan's payments, schedule … ; a customer's loans): quarantined, retract those first;
 *  - a key not loaded whose latest audit row retracted it is already retracted (already present: a
 *    retraction run again changes nothing and says so) — unless that audit row is this file's and
 *    newer than the file's last retraction receipt: a run killed after its DELETE, before its receipt,
 *    which this run finishes and counts as retracted (audited once);
 *  - any other key is quarantined (`no such key to retract`), as is a line without a valid key; the
 *    other keys are retracted all the same.
 * Receipt: rows_read = rows_accepted (retracted + already present) + rows_quarantined.
 */
export async function retract(
  wh: Warehouse,
  paths: string[],
  o: { entity?: RawEntity; origin?: CorrectionOrigin; log?: (line: string) => void },
): Promise<IngestResult> {
  const log = o.log ?? (() => undefined);
  const { files, skipped } = discoverInputs(paths, o.entity);
  for (const s of skipped) log(`skip ${s.path}: ${s.why}`);
  const parquet = files.find((f) => f.format === 'parquet');
  if (parquet)
    throw new IngestInputError(`${parquet.path}: --retract reads keys from a CSV or JSONL file, not Parquet`);
  // every file is read before anything is removed: a file that cannot be read stops the run first
  const keyed: { file: InputFile; rows: KeyRow[] }[] = [];
  for (const file of files) keyed.push({ file, rows: await readKeys(file, entitySpecs[file.entity]) });
  await dropLeftoverScratch(wh);
  const ingestId = randomUUID();
  const receipts: Receipt[] = [];
  // dependents first: a loan's payments retracted in the same run as the loan go before it
  await inRunLedger(wh, { ingestId, mode: 'retract', files: files.length }, async () => {
    for (const { file, rows } of [...keyed].reverse())
      receipts.unshift(await retractFile(wh, file, rows, ingestId, o.origin ?? unknownOrigin, log));
  });
  return { ingestId, receipts, skipped };
}

async function retractFile(
  wh: Warehouse,
  file: InputFile,
  rows: KeyRow[],
  ingestId: string,
  origin: CorrectionOrigin,
  log: (line: string) => void,
): Promise<Receipt> {
  const started = nowDateTime64Text();
  const spec = entitySpecs[file.entity];
  const tag = `${file.entity}_${createHash('sha256').update(file.path).digest('hex').slice(0, 16)}`;
  const keys = tableRef(wh, `stg_ret_${tag}`);
  const status = tableRef(wh, `stg_rets_${tag}`);
  const audited = tableRef(wh, `stg_reta_${tag}`);
  const target = tableRef(wh, spec.entity);
  const tk = targetKeyExpr(spec);
  const sha = createHash('sha256').update(readFileSync(file.path)).digest('hex');
  const drop = async () => {
    for (const t of [keys, status, audited]) await exec(wh, `DROP TABLE IF EXISTS ${t}`);
  };
  try {
    await drop();
    await exec(wh, `CREATE TABLE ${keys} (line UInt64, key String, reason String, raw String) ENGINE = Memory`);
    if (rows.length > 0) await wh.client.insert({ table: keys, values: rows, format: 'JSONEachRow' });
    // what still names the key: a loan's rows in the other tables, a customer's loans
    const dependents =
      spec.entity === 'loans'
        ? loanRowTables.map(
            (t) =>
              `if(lwq_k.key IN (SELECT loan_id FROM ${tableRef(wh, t)} WHERE loan_id IN (SELECT key FROM ${keys})), '${t}', '')`,
          )
        : spec.entity === 'customers'
          ? [
              `if(lwq_k.key IN (SELECT customer_id FROM ${tableRef(wh, 'loans')} WHERE customer_id IN (SELECT key FROM ${keys})), 'loans', '')`,
            ]
          : [];
    const heldBy =
      dependents.length > 0 ? `arrayStringConcat(arrayFilter(x -> x != '', [${dependents.join(', ')}]), ', ')` : "''";
    const label = keyLabelFromText(spec, 'lwq_k.key');
    // a receipt's times are UTC wall times read in the engine's time zone (written from Node as text):
    // read back as text and parsed as UTC they are instants again, comparable with the audit's
    const lastReceipt = `(SELECT max(toDateTime64(toString(finished_at), 3, 'UTC')) FROM ${tableRef(wh, 'ingest_receipts')}
      WHERE mode = 'retract' AND entity = {entity:String} AND file = {file:String})`;
    await createAs(
      wh,
      status,
      `SELECT line, key, raw, final_reason,
        multiIf(final_reason != '', 'quarantined', later, 'present', NOT loaded AND NOT finishing, 'present', 'retracted') AS status
      FROM (
        SELECT lwq_k.line AS line, lwq_k.key AS key, lwq_k.raw AS raw,
          lwq_k.key IN (SELECT ${tk} FROM ${target} WHERE ${tk} IN (SELECT key FROM ${keys})) AS loaded,
          lwq_k.line != lwq_f.first_line AS later,
          -- a retraction of this file a killed run audited (and removed, or it would be loaded) after this
          -- file's last receipt: no run counted it yet, so this one does, without a second audit row
          (lwq_a.a_action = 'retract' AND lwq_a.a_file = {file:String} AND lwq_a.a_at > ${lastReceipt}) AS finishing,
          ${heldBy} AS held_by,
          multiIf(lwq_k.reason != '', lwq_k.reason,
            later, '',
            loaded AND held_by != '', concat(${label}, ' is still named by rows of ', held_by, ': retract those first'),
            NOT loaded AND lwq_a.a_action != 'retract', concat(${label}, ': no such key to retract (not loaded)'),
            '') AS final_reason
        FROM ${keys} AS lwq_k
        LEFT JOIN (SELECT key AS fkey, min(line) AS first_line FROM ${keys} WHERE reason = '' GROUP BY key) AS lwq_f ON lwq_f.fkey = lwq_k.key
        LEFT JOIN ${latestCorrections(wh, `SELECT key FROM ${keys} WHERE reason = ''`)} AS lwq_a ON lwq_a.akey = lwq_k.key)`,
      { entity: spec.entity, file: file.path },
    );
    const [c] = await queryRows<{ present: string; quarantined: string; retracted: string }>(
      wh,
      `SELECT countIf(status = 'present') AS present, countIf(status = 'quarantined') AS quarantined, countIf(status = 'retracted') AS retracted FROM ${status}`,
    );
    const present = Number(c!.present);
    const quarantined = Number(c!.quarantined);
    const retracted = Number(c!.retracted);
    const meta = { ingest_id: ingestId, entity: spec.entity, file: file.path, sha };
    // a re-run does not quarantine a line of the same file twice (as a load)
    if (quarantined > 0)
      await exec(
        wh,
        `INSERT INTO ${tableRef(wh, 'quarantine')} (ingest_id, entity, file, file_sha256, line, raw, reason, quarantined_at, row_key)
        SELECT {ingest_id:String}, {entity:String}, {file:String}, {sha:String}, line, ${maskedPersonalNumbersSql('raw')}, final_reason, now(), key
        FROM ${status} WHERE status = 'quarantined' AND line NOT IN (
          SELECT line FROM ${tableRef(wh, 'quarantine')} WHERE entity = {entity:String} AND file_sha256 = {sha:String})`,
        meta,
      );
    log(`${spec.entity} ${file.path}: quarantined`);
    if (retracted > 0) {
      const cols = rawTables[spec.entity].columns.map(([n]) => n);
      await createAs(
        wh,
        audited,
        `SELECT line, key, old_hash, toUInt64(0) AS new_hash, old_ingest_id, old_loan_id, '' AS new_loan_id, old_row, '' AS new_row
        FROM (SELECT line, key FROM ${status} WHERE status = 'retracted') AS lwq_s
        INNER JOIN (SELECT ${tk} AS okey, row_hash AS old_hash, toString(ingest_id) AS old_ingest_id,
            ${cols.includes('loan_id') ? 'loan_id' : "''"} AS old_loan_id, ${rowJsonExpr(spec)} AS old_row
          FROM ${target} WHERE ${tk} IN (SELECT key FROM ${status} WHERE status = 'retracted')) AS lwq_o ON lwq_o.okey = lwq_s.key
        LIMIT 1 BY line`,
      );
      await auditAndDelete(wh, {
        spec,
        action: 'retract',
        rows: audited,
        meta,
        origin,
        onStep: (s) => {
          log(`${spec.entity} ${file.path}: ${s}`);
        },
      });
    }
    log(`${spec.entity} ${file.path}: retracted`);
    const stored: Omit<Receipt, 'unknown_columns'> = {
      ingest_id: ingestId,
      entity: spec.entity,
      file: file.path,
      file_sha256: sha,
      format: file.format,
      rows_read: rows.length,
      rows_inserted: 0,
      rows_already_present: present,
      rows_accepted: rows.length - quarantined,
      rows_quarantined: quarantined,
      mode: 'retract',
      rows_corrected: 0,
      rows_retracted: retracted,
      started_at: started,
      finished_at: nowDateTime64Text(),
    };
    await wh.client.insert({ table: tableRef(wh, 'ingest_receipts'), values: [stored], format: 'JSONEachRow' });
    log(
      `receipt ${spec.entity} ${file.path}: read ${rows.length} = accepted ${rows.length - quarantined} (retracted ${retracted}, already retracted ${present}) + quarantined ${quarantined}`,
    );
    return { ...stored, unknown_columns: [] };
  } finally {
    await drop();
  }
}
