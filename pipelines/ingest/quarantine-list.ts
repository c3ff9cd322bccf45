import { resolve } from 'node:path';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { UserError } from '../../lib/user-error.ts';

/** Which quarantined rows to list; every filter is optional and they combine with AND. */
export interface QuarantineFilter {
  /** the file as given, its absolute path, or — a bare file name — every file of that name */
  file?: string;
  /** an entity name (customers, loans, schedule, payments, performance, collection_actions, loan_events) */
  entity?: string;
  /** text the reason contains, case-insensitive; `%` and `_` are LIKE wildcards */
  reasonLike?: string;
  /** the ingest run (its receipt's ingest_id) */
  ingestId?: string;
}

export interface QuarantinePage extends QuarantineFilter {
  /** rows to return (default: all) */
  limit?: number;
  /** rows to skip first (default 0) */
  offset?: number;
}

export interface QuarantineRow {
  file: string;
  entity: string;
  /** the record's first physical line in the file (the header is line 1) */
  line: number;
  reason: string;
  /** the record as written (PII masked: then the row formatted back) */
  raw: string;
  ingest_id: string;
  file_sha256: string;
  /** 'YYYY-MM-DD hh:mm:ss' (UTC) */
  quarantined_at: string;
}

const columns = `file, entity, line, reason, raw, ingest_id, file_sha256, toString(quarantined_at) AS quarantined_at`;
/** file, line, then the file's version and run: a total order, so that pages and batches neither skip nor repeat rows */
const order = 'file, line, file_sha256, ingest_id';

type Row = Omit<QuarantineRow, 'line'> & { line: string | number };
const typed = (r: Row): QuarantineRow => ({ ...r, line: Number(r.line) });

/**
 * Rows of a file (a `file` column) as a user names it: as given to ingest, its absolute path, or — a
 * bare file name — every file of that name.
 */
export function fileCondition(file: string): { sql: string; params: Record<string, unknown> } {
  return {
    sql: file.includes('/')
      ? `file IN ({file:String}, {file_abs:String})`
      : `(file IN ({file:String}, {file_abs:String}) OR endsWith(file, concat('/', {file:String})))`,
    params: { file, file_abs: resolve(file) },
  };
}

/** The WHERE clause of a filter over the quarantine table: values only as bound parameters. */
export function quarantineWhere(wh: Warehouse, f: QuarantineFilter): { sql: string; params: Record<string, unknown> } {
  const receiptsTable = tableRef(wh, 'ingest_receipts');
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.file !== undefined) {
    const c = fileCondition(f.file);
    Object.assign(params, c.params);
    conds.push(c.sql);
  }
  if (f.entity !== undefined) {
    if (!(rawEntities as readonly string[]).includes(f.entity))
      throw new UserError(`unknown entity ${f.entity}: one of ${rawEntities.join(', ')}`);
    params.entity = f.entity;
    conds.push('entity = {entity:String}');
  }
  if (f.reasonLike !== undefined) {
    params.reason_like = f.reasonLike;
    conds.push(`reason ILIKE concat('%', {reason_like:String}, '%')`);
  }
  if (f.ingestId !== undefined) {
    params.ingest_id = f.ingestId;
    // the rows the run's receipts count: a file ingested again keeps its rows under the first run's id
    // (a row is quarantined once per file content and line), so they are found by the run's files too
    conds.push(
      `(ingest_id = {ingest_id:String} OR (entity, file_sha256) IN (SELECT entity, file_sha256 FROM ${receiptsTable} WHERE ingest_id = {ingest_id:String}))`,
    );
  }
  return { sql: conds.length ? conds.join(' AND ') : '1', params };
}

/**
 * Refuses a filter on a file or an ingest run no ingest recorded: an empty answer would read as "no
 * bad rows" where the path or the id is mistyped (a file that loaded cleanly has a receipt, and so
 * an empty answer).
 */
export async function assertKnownSources(wh: Warehouse, f: Pick<QuarantineFilter, 'file' | 'ingestId'>) {
  const receipts = tableRef(wh, 'ingest_receipts');
  if (f.file !== undefined) {
    const w = quarantineWhere(wh, { file: f.file });
    const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${receipts} WHERE ${w.sql}`, w.params);
    if (Number(r!.n) === 0)
      throw new UserError(`no ingest of ${f.file} is recorded: give the path as given to ingest, or a bare file name`);
  }
  if (f.ingestId !== undefined) {
    const w = quarantineWhere(wh, { ingestId: f.ingestId });
    const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${receipts} WHERE ${w.sql}`, w.params);
    if (Number(r!.n) === 0)
      throw new UserError(`no ingest run ${f.ingestId} is recorded (its id is in the ingest's receipt)`);
  }
}

function count(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 0) throw new UserError(`${name} must be a whole number ≥ 0, not ${v}`);
  return v;
}

/** A page of quarantined rows, ordered by file and line, and how many rows the filter matches in all. */
export async function listQuarantine(
  wh: Warehouse,
  q: QuarantinePage = {},
): Promise<{ rows: QuarantineRow[]; total: number }> {
  const limit = count('limit', q.limit);
  const offset = count('offset', q.offset) ?? 0;
  const w = quarantineWhere(wh, q);
  const quarantine = tableRef(wh, 'quarantine');
  const [t] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${quarantine} WHERE ${w.sql}`, w.params);
  const page =
    limit === undefined
      ? `LIMIT 18446744073709551615 OFFSET {offset:UInt64}`
      : `LIMIT {limit:UInt64} OFFSET {offset:UInt64}`;
  const rows = await queryRows<Row>(
    wh,
    `SELECT ${columns} FROM ${quarantine} WHERE ${w.sql} ORDER BY ${order} ${page}`,
    { ...w.params, limit, offset },
  );
  return { rows: rows.map(typed), total: Number(t!.n) };
}

/**
 * Every quarantined row the filter matches, ordered by file and line, fetched in batches so that
 * millions of rows never sit in memory at once (the embedded engine hands a result over whole).
 * Each batch continues after the last row of the one before (keyset paging on the total order),
 * so rows quarantined meanwhile do not shift the batches.
 */
export async function* iterateQuarantine(
  wh: Warehouse,
  f: QuarantineFilter = {},
  batchSize = 50_000,
): AsyncGenerator<QuarantineRow> {
  const batch = count('batch size', batchSize);
  if (!batch) throw new UserError('batch size must be at least 1');
  const w = quarantineWhere(wh, f);
  const quarantine = tableRef(wh, 'quarantine');
  let after: QuarantineRow | null = null;
  for (;;) {
    const prev: QuarantineRow | null = after;
    const cont: string = prev
      ? ` AND (file, line, file_sha256, ingest_id) > ({a_file:String}, {a_line:UInt64}, {a_sha:String}, {a_ingest:String})`
      : '';
    const params: Record<string, unknown> = prev
      ? { ...w.params, a_file: prev.file, a_line: prev.line, a_sha: prev.file_sha256, a_ingest: prev.ingest_id }
      : w.params;
    const rows: QuarantineRow[] = (
      await queryRows<Row>(
        wh,
        `SELECT ${columns} FROM ${quarantine} WHERE ${w.sql}${cont} ORDER BY ${order} LIMIT {batch:UInt64}`,
        { ...params, batch },
      )
    ).map(typed);
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!;
  }
}
