import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { UserError } from '../../lib/user-error.ts';
import { fileCondition } from './quarantine-list.ts';

/** One file of one ingest run, from its stored receipt (ingest-file.ts writes one per file it finished). */
export interface IngestRunFile {
  ingest_id: string;
  /** the run's first file's start and last file's finish, 'YYYY-MM-DD hh:mm:ss.sss' (UTC) */
  run_started_at: string;
  run_finished_at: string;
  /** files the run finished (a run stopped half-way stored receipts for the files before) */
  run_files: number;
  entity: string;
  file: string;
  /** the first 12 hex digits of the file's SHA-256: enough to tell two versions of a file apart */
  sha256: string;
  format: string;
  /** `load`, `correct` (ingest --correct) or `retract` (ingest --retract) */
  mode: string;
  rows_read: number;
  rows_accepted: number;
  rows_inserted: number;
  rows_already_present: number;
  rows_quarantined: number;
  /** rows that replaced a loaded row (--correct) and loaded rows removed (--retract): both accepted */
  rows_corrected: number;
  rows_retracted: number;
  started_at: string;
  finished_at: string;
}

export interface IngestRunFilter {
  /** runs that loaded this file (as given to ingest, its absolute path, or a bare file name) */
  file?: string;
  /** the newest this many runs (default: every run) */
  limit?: number;
}

const counts = [
  'rows_read',
  'rows_accepted',
  'rows_inserted',
  'rows_already_present',
  'rows_quarantined',
  'rows_corrected',
  'rows_retracted',
] as const;
type Row = Omit<IngestRunFile, 'run_files' | (typeof counts)[number]> &
  Record<'run_files' | (typeof counts)[number], string>;

/** A stored receipt's row counts as numbers (UInt64 columns arrive as text). */
export function receiptCounts(row: Record<(typeof counts)[number], unknown>): Record<(typeof counts)[number], number> {
  return Object.fromEntries(counts.map((c) => [c, Number(row[c])])) as Record<(typeof counts)[number], number>;
}

/**
 * The stored receipts, newest run first, each run's files in the order they were loaded. A run is
 * its receipts: the times are its files', and a run that stopped before its first file stored
 * nothing. With `file`, the runs that loaded such a file, and only those files of them.
 */
export async function listIngestRuns(wh: Warehouse, f: IngestRunFilter = {}): Promise<IngestRunFile[]> {
  if (f.limit !== undefined && (!Number.isSafeInteger(f.limit) || f.limit < 1))
    throw new UserError(`limit must be a whole number ≥ 1, not ${f.limit}`);
  const receipts = tableRef(wh, 'ingest_receipts');
  const file = f.file === undefined ? undefined : fileCondition(f.file);
  const where = file ? `WHERE ${file.sql}` : '';
  const params = { ...file?.params, limit: f.limit };
  const runs = `SELECT ingest_id, min(started_at) AS run_started, max(finished_at) AS run_finished, count() AS run_files
    FROM ${receipts} GROUP BY ingest_id`;
  const chosen = `SELECT ingest_id FROM ${receipts} ${where} GROUP BY ingest_id
    ORDER BY min(started_at) DESC, ingest_id DESC${f.limit === undefined ? '' : ' LIMIT {limit:UInt64}'}`;
  const rows = await queryRows<Row>(
    wh,
    `SELECT r.ingest_id AS ingest_id, toString(u.run_started) AS run_started_at, toString(u.run_finished) AS run_finished_at,
      u.run_files AS run_files, r.entity AS entity, r.file AS file, substring(r.file_sha256, 1, 12) AS sha256,
      r.format AS format, r.mode AS mode, ${counts.map((c) => `r.${c} AS ${c}`).join(', ')},
      toString(r.started_at) AS started_at, toString(r.finished_at) AS finished_at
    FROM ${receipts} AS r INNER JOIN (${runs}) AS u ON u.ingest_id = r.ingest_id
    WHERE r.ingest_id IN (${chosen})${file ? ` AND ${file.sql}` : ''}
    ORDER BY u.run_started DESC, r.ingest_id DESC, r.started_at, r.file`,
    params,
  );
  return rows.map((r) => ({
    ...r,
    run_files: Number(r.run_files),
    ...receiptCounts(r),
  }));
}
