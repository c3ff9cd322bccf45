import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { UserError } from '../../lib/user-error.ts';
import { fileCondition } from './quarantine-list.ts';
import { rollbackLabel } from './rollback.ts';

/**
 * How a run ended, from its start and end records (run-ledger.ts): `complete`; `failed` (its detail
 * says why); `unfinished` — started and never ended: killed, stopped by Ctrl-C or the machine going
 * down (on a ClickHouse server, possibly still running); `not recorded` — a run from before the
 * records (migration 40), known by its receipts alone.
 */
export type RunStatus = 'complete' | 'failed' | 'unfinished' | 'not recorded';

/**
 * One file of one ingest run, from its stored receipt (ingest-file.ts writes one per file it
 * finished); a run that finished no file is one row with an empty entity and file and zero counts.
 */
export interface IngestRunFile {
  ingest_id: string;
  /** the run's start and end, 'YYYY-MM-DD hh:mm:ss.sss' (UTC); '' for the end of an unfinished run */
  run_started_at: string;
  run_finished_at: string;
  run_status: RunStatus;
  /** a failed run's reason, as the user was told it; else '' */
  run_detail: string;
  /** the run that rolled this one back (`ingest --rollback`): its rows are gone; '' when none did */
  rolled_back_by: string;
  /** files the run was given (a rollback reads none: 0); null for a run from before the records */
  run_files_planned: number | null;
  /** files the run finished (a run stopped half-way stored receipts for the files before) */
  run_files: number;
  entity: string;
  file: string;
  /** the first 12 hex digits of the file's SHA-256: enough to tell two versions of a file apart */
  sha256: string;
  format: string;
  /** `load`, `correct` (ingest --correct), `retract` (ingest --retract) or `rollback` */
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
type ReceiptRow = Omit<
  IngestRunFile,
  | 'run_files'
  | 'run_status'
  | 'run_detail'
  | 'run_files_planned'
  | 'run_started_at'
  | 'run_finished_at'
  | 'rolled_back_by'
  | (typeof counts)[number]
> &
  Record<(typeof counts)[number], string>;
interface LogRow {
  ingest_id: string;
  mode: string;
  started: string;
  ended: string;
  outcome: string;
  detail: string;
  planned: string;
}

/** A stored receipt's row counts as numbers (UInt64 columns arrive as text). */
export function receiptCounts(row: Record<(typeof counts)[number], unknown>): Record<(typeof counts)[number], number> {
  return Object.fromEntries(counts.map((c) => [c, Number(row[c])])) as Record<(typeof counts)[number], number>;
}

/**
 * The runs, newest first, each run's files in the order they were loaded, with how the run ended
 * (RunStatus). A run that finished no file (it failed, or was killed, at its first) is listed with
 * no file. With `file`, the runs that loaded such a file, and only those files of them.
 */
export async function listIngestRuns(wh: Warehouse, f: IngestRunFilter = {}): Promise<IngestRunFile[]> {
  if (f.limit !== undefined && (!Number.isSafeInteger(f.limit) || f.limit < 1))
    throw new UserError(`limit must be a whole number ≥ 1, not ${f.limit}`);
  const receipts = tableRef(wh, 'ingest_receipts');
  const runLog = tableRef(wh, 'ingest_run_log');
  const file = f.file === undefined ? undefined : fileCondition(f.file);
  const params = { ...file?.params, limit: f.limit };
  // a run starts at its start record or, before the records, at its first receipt
  const starts = file
    ? `SELECT ingest_id, started_at AS t FROM ${receipts} WHERE ${file.sql}`
    : `SELECT ingest_id, started_at AS t FROM ${receipts}
       UNION ALL SELECT ingest_id, at AS t FROM ${runLog} WHERE event = 'start'`;
  const chosen = await queryRows<{ ingest_id: string }>(
    wh,
    `SELECT ingest_id FROM (${starts}) GROUP BY ingest_id
    ORDER BY min(t) DESC, ingest_id DESC${f.limit === undefined ? '' : ' LIMIT {limit:UInt64}'}`,
    params,
  );
  if (chosen.length === 0) return [];
  const ids = { ids: chosen.map((r) => r.ingest_id) };
  const [files, logs, rollbacks] = await Promise.all([
    queryRows<ReceiptRow>(
      wh,
      `SELECT ingest_id, entity, file, substring(file_sha256, 1, 12) AS sha256, format, mode,
        ${counts.join(', ')}, toString(started_at) AS started_at, toString(finished_at) AS finished_at
      FROM ${receipts} WHERE ingest_id IN {ids:Array(String)}${file ? ` AND ${file.sql}` : ''}
      ORDER BY started_at, file`,
      { ...params, ...ids },
    ),
    queryRows<LogRow>(
      wh,
      `SELECT ingest_id, anyIf(mode, event = 'start') AS mode,
        toString(minIf(at, event = 'start')) AS started, toString(maxIf(at, event = 'end')) AS ended,
        toString(countIf(event = 'end')) AS ends, anyIf(outcome, event = 'end') AS outcome,
        anyIf(detail, event = 'end') AS detail, toString(anyIf(files, event = 'start')) AS planned
      FROM ${runLog} WHERE ingest_id IN {ids:Array(String)} GROUP BY ingest_id HAVING countIf(event = 'start') > 0`,
      ids,
    ),
    rolledBackBy(wh, ids.ids),
  ]);
  // every finished file counts toward its run, whichever files the filter shows
  const finishedFiles = file ? await filesPerRun(wh, ids) : undefined;
  const logOf = new Map(logs.map((l) => [l.ingest_id, l]));
  const filesOf = new Map<string, ReceiptRow[]>();
  for (const r of files) {
    const list = filesOf.get(r.ingest_id);
    if (list) list.push(r);
    else filesOf.set(r.ingest_id, [r]);
  }
  return chosen.flatMap(({ ingest_id }) => {
    const own = filesOf.get(ingest_id) ?? [];
    const run = {
      ...runColumns(logOf.get(ingest_id), own, finishedFiles?.get(ingest_id) ?? own.length),
      rolled_back_by: rollbacks.get(ingest_id) ?? '',
    };
    if (own.length === 0) return [{ ingest_id, ...run, ...noFile, mode: logOf.get(ingest_id)?.mode ?? '' }];
    return own.map((r) => ({ ...r, ...run, ...receiptCounts(r) }));
  });
}

const noFile = {
  ...{ entity: '', file: '', sha256: '', format: '', started_at: '', finished_at: '' },
  ...{ rows_read: 0, rows_accepted: 0, rows_inserted: 0, rows_already_present: 0, rows_quarantined: 0 },
  ...{ rows_corrected: 0, rows_retracted: 0 },
};

/**
 * The runs among `ids` that a rollback undid, each with the (first) rollback's run: its receipts are
 * filed as `rollback of <id>` (rollback.ts), so a listing of the run's file showed it still loaded.
 */
async function rolledBackBy(wh: Warehouse, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await queryRows<{ file: string; by: string }>(
    wh,
    `SELECT file, argMin(ingest_id, started_at) AS by FROM ${tableRef(wh, 'ingest_receipts')}
    WHERE mode = 'rollback' AND file IN {labels:Array(String)} GROUP BY file`,
    { labels: ids.map(rollbackLabel) },
  );
  const runOf = new Map(ids.map((id) => [rollbackLabel(id), id]));
  return new Map(rows.map((r) => [runOf.get(r.file)!, r.by]));
}

async function filesPerRun(wh: Warehouse, ids: { ids: string[] }): Promise<Map<string, number>> {
  const rows = await queryRows<{ ingest_id: string; n: string }>(
    wh,
    `SELECT ingest_id, toString(count()) AS n FROM ${tableRef(wh, 'ingest_receipts')} WHERE ingest_id IN {ids:Array(String)} GROUP BY ingest_id`,
    ids,
  );
  return new Map(rows.map((r) => [r.ingest_id, Number(r.n)]));
}

/** The run's own columns, from its records where it has them, else from its receipts. */
function runColumns(
  log: LogRow | undefined,
  files: readonly ReceiptRow[],
  finished: number,
): Pick<
  IngestRunFile,
  'run_started_at' | 'run_finished_at' | 'run_status' | 'run_detail' | 'run_files_planned' | 'run_files'
> {
  const first = files.reduce((m, r) => (m === '' || r.started_at < m ? r.started_at : m), '');
  const last = files.reduce((m, r) => (r.finished_at > m ? r.finished_at : m), '');
  if (!log)
    return {
      ...{ run_started_at: first, run_finished_at: last, run_status: 'not recorded' },
      ...{ run_detail: '', run_files_planned: null, run_files: finished },
    };
  const ended = log.outcome === 'complete' || log.outcome === 'failed';
  return {
    run_started_at: log.started,
    run_finished_at: ended ? log.ended : '',
    run_status: ended ? (log.outcome as 'complete' | 'failed') : 'unfinished',
    run_detail: log.detail,
    run_files_planned: Number(log.planned),
    run_files: finished,
  };
}
