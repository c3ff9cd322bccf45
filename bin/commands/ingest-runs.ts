import { z } from 'zod';
import { count, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { listIngestRuns, type IngestRunFile } from '../../pipelines/ingest/ingest-runs.ts';
import { assertKnownSources } from '../../pipelines/ingest/quarantine-list.ts';

const ingestRunsFlags = {
  file: flag(
    z.string().min(1).optional(),
    'runs that loaded this file (as given to ingest, its absolute path, or a bare file name), and only that file of them',
    'PATH',
  ),
  limit: flag(count(1, 1_000_000).optional(), 'the newest N runs (table default 20; csv/json: every run)', 'N'),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table, or a row per file as csv/json',
    'table|csv|json',
  ),
};
export type IngestRunsFlags = FlagValues<typeof ingestRunsFlags>;

export const ingestRunsCommand = defineCommand({
  name: 'ingest-runs',
  summary: 'what each ingest run loaded, newest first: its files, their rows read, accepted and quarantined',
  description:
    "The receipts every ingest stores, one row per file, newest run first: the run's ingest_id and times, the file, the first 12 hex digits of its SHA-256, rows read = accepted (new + already present, + corrected or retracted by ingest --correct/--retract) + quarantined, and the run's mode (load, correct, retract, rollback: `ingest --rollback ID` stores a receipt per table it removed rows from, its file `rollback of ID`, the rows removed as retracted). Each run's status: complete; failed (the reason it stopped, as it was told, and how many of its files it finished); unfinished (started and never ended: killed, Ctrl-C, the machine down — on a ClickHouse server maybe still running; its finished files are listed, and ingesting the same files again loads the rest); not recorded (a run from before loanwatch kept run records). A run that finished no file is listed without one. `loanwatch quarantine --ingest ID` lists a run's quarantined rows.",
  flags: ingestRunsFlags,
  examples: [
    'loanwatch ingest-runs --limit 3',
    'loanwatch ingest-runs --file payments.csv --format csv > payments-loads.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runIngestRuns(wh, out, f),
});

const columns = [
  'ingest_id',
  'run_status',
  'run_started_at',
  'run_finished_at',
  'run_files_planned',
  'run_files',
  'run_detail',
  'rolled_back_by',
  'entity',
  'file',
  'sha256',
  'format',
  'mode',
  'rows_read',
  'rows_accepted',
  'rows_inserted',
  'rows_already_present',
  'rows_quarantined',
  'rows_corrected',
  'rows_retracted',
  'started_at',
  'finished_at',
] as const satisfies readonly (keyof IngestRunFile)[];

/** '2024-06-28 02:00:01.234' as a person reads it in a table: to the second */
const toSecond = (t: string) => t.slice(0, 19);

export async function runIngestRuns(wh: Warehouse, out: Output, f: IngestRunsFlags) {
  await assertKnownSources(wh, { file: f.file });
  const limit = f.limit ?? (f.format === 'table' ? 20 : undefined);
  const rows = await listIngestRuns(wh, { file: f.file, limit });
  if (f.format === 'csv') return writeCsv<IngestRunFile>(out, columns, rows);
  if (f.format === 'json') return writeJson(out, rows);
  if (rows.length === 0) {
    out.line('(no ingest run is recorded)');
    return;
  }
  // the run's own columns on its first file only: a run reads as one block
  const indexed = rows.map((r, i) => ({ ...r, lead: i === 0 || rows[i - 1]!.ingest_id !== r.ingest_id }));
  printTable(
    out,
    indexed,
    [
      { header: 'ingest_id', value: (r) => (r.lead ? r.ingest_id : '') },
      { header: 'started (UTC)', value: (r) => (r.lead ? toSecond(r.run_started_at) : '') },
      { header: 'finished (UTC)', value: (r) => (r.lead ? toSecond(r.run_finished_at) : '') },
      { header: 'mode', value: (r) => (r.lead ? r.mode : '') },
      { header: 'status', value: (r) => (r.lead ? r.run_status : '') },
      // a rollback's rows name no file of their own: the table each is for tells them apart
      { header: 'entity', value: (r) => r.entity },
      { header: 'file', value: (r) => (r.file === '' ? '(no file finished)' : r.file) },
      { header: 'sha256', value: (r) => r.sha256 },
      { header: 'read', value: (r) => r.rows_read, format: 'int' },
      { header: 'accepted', value: (r) => r.rows_accepted, format: 'int' },
      // a file loaded again is accepted whole and inserts nothing: the rows it added
      { header: 'new', value: (r) => r.rows_inserted, format: 'int' },
      { header: 'quarantined', value: (r) => r.rows_quarantined, format: 'int' },
      // a correction's or retraction's rows; a plain load has none
      {
        header: 'corrected/retracted',
        value: (r) =>
          r.mode === 'correct'
            ? r.rows_corrected
            : r.mode === 'retract' || r.mode === 'rollback'
              ? r.rows_retracted
              : '',
        format: 'int',
      },
    ],
    { limit: indexed.length },
  );
  for (const r of indexed.filter((x) => x.lead)) {
    if (r.rolled_back_by)
      out.line(`run ${r.ingest_id} was rolled back by run ${r.rolled_back_by}: its rows are no longer loaded`);
    const files = r.run_files_planned ? ` (${r.run_files} of ${r.run_files_planned} files finished)` : '';
    if (r.run_status === 'failed') out.line(`run ${r.ingest_id} failed${files}: ${r.run_detail}`);
    if (r.run_status === 'unfinished')
      out.line(
        `run ${r.ingest_id} did not finish${files}: killed or stopped (on a ClickHouse server, maybe still running); its finished files are loaded, and the same files ingested again load the rest`,
      );
  }
  const runs = new Set(rows.map((r) => r.ingest_id)).size;
  if (f.limit === undefined && runs === 20)
    out.line('the newest 20 runs; --limit N for more, --format csv (or json) for all');
}
