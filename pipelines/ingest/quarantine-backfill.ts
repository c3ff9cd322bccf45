import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { csvRecords, splitHeader } from '../../lib/csv-records.ts';
import { sniffEncoding } from '../../lib/sniff-encoding.ts';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { rawEntities, type RawEntity } from '../../warehouse/tables.ts';
import { formatOfFile, readFirstLine, type InputFile } from './discover.ts';
import { entitySpecs } from './entity-specs.ts';
import { streamLanding } from './landing.ts';
import { stagedQuery, stagedSelect } from './validation-sql.ts';

/**
 * The reasons of a record the stage found broken as a whole (its `structural`: landing.ts's blank,
 * shape and JSON reasons, csv-records' quoting ones). The stage gives such a record no key, and its
 * reason starts with one of these (alone, or before its fields' messages). The raw text of such a
 * record cannot always show it: in a file with personal data it is the row formatted back, every
 * value masked, which parses as a whole row.
 */
const structuralReasons = [
  'blank line',
  'row has fewer fields than the header',
  'row has more fields than the header',
  'a quote inside a quoted field is not doubled',
  'a quote opened on this line is never closed',
  'malformed JSON line',
  'not valid UTF-8 text (bytes of another encoding)',
  'JSON line names "',
] as const;

const brokenAsWhole = (reason: string) => structuralReasons.some((s) => reason.startsWith(s));

/** The rows still to derive: written before migration 38 (row_key NULL), not yet found underivable, not yet copied keyed. */
const pendingWhere = (quarantine: string) =>
  `isNull(row_key) AND row_key_unknown = 0 AND (entity, file_sha256, line) NOT IN (
    SELECT entity, file_sha256, line FROM ${quarantine} WHERE isNotNull(row_key) OR row_key_unknown = 1)`;

/** A derivation's outcome for one row: its key ('' none), or null when its raw text cannot give it. */
interface Derived {
  line: number;
  row_key: string | null;
}

interface Pending {
  line: string;
  raw: string;
  reason: string;
  retract: number;
}

/** SHA-256 of a file, or null when it cannot be read (gone, a folder now, no permission). */
function fileSha256(path: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(8 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    return h.digest('hex');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** A CSV file's header line as written, or null when it cannot be read. */
function headerLine(path: string): string | null {
  try {
    return readFirstLine(path, sniffEncoding(path), (b) => iconv.decode(b, 'gb18030'));
  } catch {
    return null;
  }
}

/**
 * Each row's key by the stage's own rules: the rows' raw texts (under the header for a CSV) are
 * written to a file the stream loader lands, and the stage's SELECT (stagedSelect) gives each record
 * the key ingest stores, `if(reason != '', bad_key, key)`. A record the landing finds broken as a
 * whole while its stored reason does not say so cannot be the record ingest read (a masked value
 * that broke a JSON line): no key can be told (null).
 */
async function stageRecords(
  wh: Warehouse,
  entity: RawEntity,
  format: 'csv' | 'jsonl',
  header: string | null,
  rows: readonly Pending[],
  tmp: string,
): Promise<Derived[]> {
  const path = join(tmp, `${entity}.${format}`);
  writeFileSync(path, [...(header === null ? [] : [header]), ...rows.map((r) => r.raw)].join('\n') + '\n');
  const file: InputFile = { path, entity, format, encoding: 'utf8' };
  const tag = `qkey_${entity}_${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
  const landing = await streamLanding(wh, file, tag);
  try {
    const spec = entitySpecs[entity];
    const staged = stagedSelect(spec, 'structural', tableRef(wh, 'loans'));
    const key = staged.derived.find((d) => d.name === 'key')!.expr;
    // the PII columns are not read here; their hash still needs a secret to be well-formed SQL
    const params = { ...landing.params, pii_secret: '' };
    const got = await queryRows<{ line: string; row_key: string; structural: string }>(
      wh,
      `SELECT lwq_s.line AS line, lwq_s.row_key AS row_key, lwq_l.structural AS structural
      FROM (SELECT line, if(reason != '', bad_key, ${key}) AS row_key FROM (${stagedQuery(staged, landing.subquery)})) AS lwq_s
      INNER JOIN (SELECT line, structural FROM (${landing.subquery})) AS lwq_l ON lwq_l.line = lwq_s.line
      ORDER BY line`,
      params,
      landing.settings,
    );
    // each raw text is one record (checked by the caller for a CSV; a JSON line is one line), so the
    // k-th record landed is the k-th row written
    if (got.length !== rows.length) return rows.map((r) => ({ line: Number(r.line), row_key: null }));
    return got.map((g, i) => ({ line: Number(rows[i]!.line), row_key: g.structural === '' ? g.row_key : null }));
  } finally {
    await landing.dispose();
  }
}

/** Whether a raw text is one CSV record of the header's width, read whole (what the stage read, if its reason says it was whole). */
async function oneWholeRecord(raw: string, width: number): Promise<boolean> {
  let n = 0;
  for await (const r of csvRecords([raw])) {
    if (++n > 1 || r.malformed || r.fields.length !== width) return false;
  }
  return n === 1;
}

/**
 * The keys of one batch of a file's rows still to derive (one file content, one entity, as written
 * under one path). A row broken as a whole has none (''); a line of a retraction is not derived
 * (null). A CSV row is read under `header`, its file's (null when the file at its path no longer
 * holds the content the row came from: no key can be told); a JSON line or Parquet row (stored as a
 * JSON object) needs no file.
 */
async function deriveBatch(
  wh: Warehouse,
  entity: RawEntity,
  format: 'csv' | 'jsonl',
  header: string | null,
  rows: readonly Pending[],
  tmp: string,
): Promise<Derived[]> {
  const out: Derived[] = [];
  const toStage: Pending[] = [];
  const width = header === null ? 0 : splitHeader(header).length;
  for (const r of rows) {
    const line = Number(r.line);
    if (r.retract === 1) out.push({ line, row_key: null });
    else if (brokenAsWhole(r.reason)) out.push({ line, row_key: '' });
    else if (format === 'csv' && (header === null || !(await oneWholeRecord(r.raw, width))))
      out.push({ line, row_key: null });
    else toStage.push(r);
  }
  if (toStage.length === 0) return out;
  return [...out, ...(await stageRecords(wh, entity, format, header, toStage, tmp))];
}

/**
 * One-off: stores quarantine.row_key for the rows quarantined before ingest stored it (migration 38),
 * derived from their raw text by the stage's own rules (stageRecords), so that the quarantine's status
 * is read from stored keys alone. A row whose key cannot be derived (its CSV file gone, or changed
 * since — the header its fields are named by may have changed with it; a line of a retraction, whose
 * keys --retract reads by rules of its own) is marked row_key_unknown: its status is unknown, never
 * resolved.
 *
 * Kill-safe and idempotent: a row is never changed in place. Each file's rows are copied with their
 * key (or the unknown mark) in one INSERT … SELECT from the table itself (raw text and times as
 * stored), and only once all are copied are the originals — the NULL rows that now have a copy —
 * deleted. A run killed anywhere leaves originals with or without copies; the next run derives only
 * the rows without one, copies them and deletes the originals, so it ends where one run would have.
 * Runs before the quarantine is listed (bin/commands/quarantine.ts); with nothing pending it costs one
 * LIMIT 1 query.
 */
export async function deriveMissingRowKeys(
  wh: Warehouse,
  o: { batchSize?: number; onStep?: (step: 'copied' | 'deleting') => Promise<void> } = {},
): Promise<{ derived: number; unknown: number }> {
  const quarantine = tableRef(wh, 'quarantine');
  const stale = `isNull(row_key) AND row_key_unknown = 0`;
  const [any] = await queryRows<{ one: number }>(wh, `SELECT 1 AS one FROM ${quarantine} WHERE ${stale} LIMIT 1`);
  if (!any) return { derived: 0, unknown: 0 };
  const batchSize = o.batchSize ?? 50_000;
  const retractions = `SELECT ingest_id FROM ${tableRef(wh, 'ingest_receipts')} WHERE mode = 'retract'`;
  const groups = await queryRows<{ entity: string; file: string; file_sha256: string }>(
    wh,
    `SELECT toString(entity) AS entity, file, file_sha256 FROM ${quarantine} WHERE ${pendingWhere(quarantine)}
    GROUP BY entity, file, file_sha256 ORDER BY entity, file, file_sha256`,
  );
  const keys = tableRef(wh, `stg_qkey_backfill_${createHash('sha256').update(wh.database).digest('hex').slice(0, 16)}`);
  const tmp = mkdtempSync(join(tmpdir(), 'lw-qkey-'));
  // each path hashed once, whatever versions of it have rows
  const shas = new Map<string, string | null>();
  let derivedRows = 0;
  let unknownRows = 0;
  try {
    for (const g of groups) {
      const known = (rawEntities as readonly string[]).includes(g.entity);
      const format = (formatOfFile(g.file) ?? 'csv') === 'csv' ? 'csv' : 'jsonl';
      // a CSV record's fields are named by its file's header, which the row does not keep: read from
      // the file at its path while that file holds the content the rows came from (a file changed
      // since — fixed in place, or written under other columns — may have another header)
      if (format === 'csv' && !shas.has(g.file)) shas.set(g.file, fileSha256(g.file));
      const header = format === 'csv' && shas.get(g.file) === g.file_sha256 ? headerLine(g.file) : null;
      await exec(wh, `DROP TABLE IF EXISTS ${keys}`);
      await exec(wh, `CREATE TABLE ${keys} (line UInt64, row_key Nullable(String)) ENGINE = Memory`);
      const where = `${pendingWhere(quarantine)} AND entity = {entity:String} AND file = {file:String} AND file_sha256 = {sha:String}`;
      const params = { entity: g.entity, file: g.file, sha: g.file_sha256 };
      // a file's rows in batches, each continuing after the last line of the one before
      for (let after = -1; ;) {
        const rows = await queryRows<Pending>(
          wh,
          `SELECT line, raw, reason, ingest_id IN (${retractions}) AS retract FROM ${quarantine}
          WHERE ${where} AND line > {after:Int64} ORDER BY line LIMIT {batch:UInt64}`,
          { ...params, after, batch: batchSize },
        );
        if (rows.length === 0) break;
        const derived = known
          ? await deriveBatch(wh, g.entity as RawEntity, format, header, rows, tmp)
          : rows.map((r) => ({ line: Number(r.line), row_key: null }));
        await wh.client.insert({ table: keys, values: derived, format: 'JSONEachRow' });
        if (rows.length < batchSize) break;
        after = Number(rows[rows.length - 1]!.line);
      }
      await exec(
        wh,
        `INSERT INTO ${quarantine} (ingest_id, entity, file, file_sha256, line, raw, reason, quarantined_at, row_key, row_key_unknown)
        SELECT lwq_q.ingest_id, lwq_q.entity, lwq_q.file, lwq_q.file_sha256, lwq_q.line, lwq_q.raw, lwq_q.reason,
          lwq_q.quarantined_at, lwq_k.row_key, isNull(lwq_k.row_key)
        FROM (SELECT * FROM ${quarantine} WHERE ${where}) AS lwq_q
        INNER JOIN ${keys} AS lwq_k ON lwq_k.line = lwq_q.line`,
        params,
      );
      const [c] = await queryRows<{ derived: string; unknown: string }>(
        wh,
        `SELECT countIf(isNotNull(row_key)) AS derived, countIf(isNull(row_key)) AS unknown FROM ${keys}`,
      );
      derivedRows += Number(c!.derived);
      unknownRows += Number(c!.unknown);
      await o.onStep?.('copied');
    }
    await o.onStep?.('deleting');
    await deleteRows(
      wh,
      'quarantine',
      `${stale} AND (entity, file_sha256, line) IN (SELECT entity, file_sha256, line FROM ${quarantine} WHERE isNotNull(row_key) OR row_key_unknown = 1)`,
      {},
    );
  } finally {
    await exec(wh, `DROP TABLE IF EXISTS ${keys}`);
    rmSync(tmp, { recursive: true, force: true });
  }
  return { derived: derivedRows, unknown: unknownRows };
}
