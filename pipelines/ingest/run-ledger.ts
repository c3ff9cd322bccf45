import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { nowDateTime64Text } from '../../lib/dates.ts';

/** How a run is recorded: its id, what it does (load, correct, retract, rollback) and how many files it will read. */
export interface LedgerRun {
  ingestId: string;
  mode: string;
  files: number;
}

/** The detail kept of a failed run: the error's first line, as the user was told it. */
const detailOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 1000);

async function write(wh: Warehouse, run: LedgerRun, event: 'start' | 'end', outcome: string, detail: string) {
  await wh.client.insert({
    table: tableRef(wh, 'ingest_run_log'),
    values: [
      { ingest_id: run.ingestId, event, mode: run.mode, files: run.files, outcome, detail, at: nowDateTime64Text() },
    ],
    format: 'JSONEachRow',
  });
}

/**
 * Runs an ingest run's work between a start and an end record (ingest_run_log): `complete`, or
 * `failed` with the error's first line. A run killed (or stopped by Ctrl-C, whose guard refuses every
 * later statement) leaves its start alone, which ingest-runs shows as unfinished. The end record is
 * best-effort on failure: the error the user must see is the run's, not the record's.
 */
export async function inRunLedger<T>(wh: Warehouse, run: LedgerRun, work: () => Promise<T>): Promise<T> {
  await write(wh, run, 'start', '', '');
  let result: T;
  try {
    result = await work();
  } catch (e) {
    await write(wh, run, 'end', 'failed', detailOf(e)).catch(() => undefined);
    throw e;
  }
  await write(wh, run, 'end', 'complete', '');
  return result;
}
