/**
 * bench/ingest-snapshot: generate a book (default 1M loans × 36 months), load the same
 * files raw with chDB (INSERT … SELECT FROM file(), all-String tables, no validation),
 * ingest them with loanwatch (validation, quarantine, idempotency), build the month-end
 * snapshots, and time a pandas reference of the same DPD definition on the same rows. Beside them,
 * in the same run: the SPEC §4 month-end computation in DuckDB (bench/duckdb/snapshot.ts) on the
 * same rows, and the engine's own copy of the finished loan_month (`INSERT … SELECT *`, the floor).
 * Ingest, the raw loads, the copy and DuckDB's computation are timed --runs times (default 3;
 * medians reported, every run and the worst in the JSON).
 * Writes bench/results/ingest-snapshot.json. Usage: tsx bench/ingest-snapshot.ts [--loans N] [--months M] [--runs R]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { delinquencySettings, loadConfig } from '../warehouse/config.ts';
import { exec, openWarehouse, queryRows } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { generateBook } from '../pipelines/generate/generate-book.ts';
import { ingest } from '../pipelines/ingest/ingest.ts';
import { splitHeader } from '../lib/csv-records.ts';
import { readFirstLine } from '../pipelines/ingest/discover.ts';
import { buildMonthEndSnapshots } from '../pipelines/snapshot/build-snapshots.ts';
import { passesFor } from '../warehouse/loan-part.ts';
import { defaultSnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import { rawTables } from '../warehouse/tables.ts';
import { duckdbSnapshot, exportSnapshotPeerInputs } from './duckdb/snapshot.ts';
import { benchBook, benchBookDir, reusableBenchBook } from './lib/bench-book.ts';
import { waitForMerges } from './lib/bench-warehouse.ts';
import { median } from './lib/median.ts';
import { exportSnapshotReferenceInputs } from './lib/snapshot-inputs.ts';
import { benchMachine, writeBenchResult } from './lib/results.ts';

const { values } = parseArgs({
  options: {
    loans: { type: 'string' },
    months: { type: 'string' },
    work: { type: 'string' },
    runs: { type: 'string' },
  },
});
const loans = Number(values.loans ?? 1_000_000);
const months = Number(values.months ?? 36);
// ingest and the raw loads are timed this many times (the median is reported): single runs on this
// 2-core machine vary by ±1.5 s
const runs = Math.max(1, Number(values.runs ?? 3));
const work = resolve(values.work ?? 'bench/work');
const { asOf, seed } = benchBook;
const secs = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(2));
const step = (s: string) => {
  console.error(`[bench ingest-snapshot] ${s}`);
};

const book = benchBookDir(work, loans, months);
let generateS: number | null = null;
if (!reusableBenchBook(book, loans, months)) {
  step(`generating ${loans} loans × ${months} months into ${book}`);
  rmSync(book, { recursive: true, force: true });
  const t0 = performance.now();
  await generateBook({
    loans,
    months,
    asOf,
    seed,
    badRows: benchBook.badRows,
    outDir: book,
    format: 'csv',
    workers: availableParallelism(),
    onProgress: (d, n) => {
      if (d % 100_000 === 0) step(`generated ${d}/${n}`);
    },
  });
  generateS = secs(t0);
} else step(`reusing ${book}`);
const files = readdirSync(book)
  .filter((f) => f.endsWith('.csv') && f !== 'truth.csv')
  .map((f) => join(book, f));
for (const f of files) await finished(createReadStream(f, { highWaterMark: 1 << 22 }).resume()); // warm the page cache for both loaders alike

const dbDir = join(work, 'db');
rmSync(dbDir, { recursive: true, force: true });
const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: dbDir });
const wh = openWarehouse(config, { database: 'bench' });
await migrate(wh);

step('loanwatch ingest');
const tIngest = performance.now();
const result = await ingest(wh, [book], { piiSecret: config.LOANWATCH_PII_SECRET, log: step });
const ingestRuns = [secs(tIngest)];
const rowsRead = result.receipts.reduce((s, r) => s + r.rows_read, 0);
const ingestRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

step('snapshot');
const settings = defaultSnapshotSettings(delinquencySettings(config));
const tSnap = performance.now();
const snap = await buildMonthEndSnapshots(wh, {
  asOf,
  settings,
  buckets: passesFor(loans, config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS),
  loansPerPass: config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS,
  log: step,
});
const snapshotS = secs(tSnap);
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);

step('copy floor: INSERT INTO a table like loan_month SELECT * FROM loan_month');
// what merely writing the finished table costs this engine on this machine, timed in the same run as
// the snapshot: no computation can write loan_month faster than this
const copyRuns: number[] = [];
for (let i = 0; i < runs; i++) {
  await exec(wh, 'DROP TABLE IF EXISTS bench.loan_month_copy');
  await exec(wh, 'CREATE TABLE bench.loan_month_copy AS bench.loan_month');
  await waitForMerges(wh);
  const t0 = performance.now();
  await exec(wh, 'INSERT INTO bench.loan_month_copy SELECT * FROM bench.loan_month');
  copyRuns.push(secs(t0));
  await exec(wh, 'DROP TABLE bench.loan_month_copy');
}
const copyFloorS = median(copyRuns);

step('raw engine loads (no validation)');
// (a) typed: the same files into tables of loanwatch's schema and sort order, unparseable rows
//     skipped by the engine (what a plain INSERT … SELECT FROM file() load would do);
// (b) strings: every column String, unsorted (parsing and writing only).
async function rawLoads() {
  await exec(wh, 'DROP DATABASE IF EXISTS bench_raw');
  await exec(wh, 'CREATE DATABASE bench_raw');
  let rows = 0;
  let typedS = 0;
  let stringS = 0;
  for (const f of files) {
    const cols = splitHeader(readFirstLine(f, 'utf8', (b) => b.toString()));
    const entity = f.split('/').pop()!.replace('.csv', '') as keyof typeof rawTables;
    const def = rawTables[entity];
    const types = new Map<string, string>(def.columns.map(([n, t]) => [n, t]));
    const typedCols = cols.filter((c) => types.has(c));
    await exec(wh, `CREATE TABLE bench_raw.${entity} AS bench.${entity}`);
    const t0 = performance.now();
    await exec(
      wh,
      `INSERT INTO bench_raw.${entity} (${typedCols.join(', ')}) SELECT ${typedCols.join(', ')} FROM file({p:String}, 'CSVWithNames', {s:String})`,
      { p: f, s: cols.map((c) => `${c} ${types.get(c) ?? 'String'}`).join(', ') },
      {
        input_format_allow_errors_ratio: 1,
        input_format_allow_errors_num: 1_000_000_000,
        input_format_csv_allow_variable_number_of_columns: 1,
        max_insert_threads: 2,
      },
    );
    typedS += (performance.now() - t0) / 1000;
    const strings = cols.map((c) => `${c} String`).join(', ');
    await exec(wh, `CREATE TABLE bench_raw.${entity}_s (${strings}) ENGINE = MergeTree ORDER BY tuple()`);
    const t1 = performance.now();
    await exec(
      wh,
      `INSERT INTO bench_raw.${entity}_s SELECT * FROM file({p:String}, 'CSVWithNames', {s:String})`,
      { p: f, s: strings },
      { input_format_csv_allow_variable_number_of_columns: 1, max_insert_threads: 2 },
    );
    stringS += (performance.now() - t1) / 1000;
    const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM bench_raw.${entity}_s`);
    rows += Number(r!.n);
  }
  await exec(wh, 'DROP DATABASE bench_raw');
  return { rows, typedS: Number(typedS.toFixed(2)), stringS: Number(stringS.toFixed(2)) };
}
const rawRuns: Awaited<ReturnType<typeof rawLoads>>[] = [];
for (let i = 0; i < runs; i++) {
  // every timed run starts with no background merge of an earlier one running
  await waitForMerges(wh);
  rawRuns.push(await rawLoads());
}
const rawRows = rawRuns[0]!.rows;
const rawS = median(rawRuns.map((r) => r.typedS));
const rawStringS = median(rawRuns.map((r) => r.stringS));

for (let i = 1; i < runs; i++) {
  step(`loanwatch ingest, run ${i + 1} of ${runs} (a fresh database, dropped after)`);
  const repeat = Object.assign(Object.create(wh), { database: 'bench_ingest_repeat' }) as typeof wh;
  await exec(wh, 'DROP DATABASE IF EXISTS bench_ingest_repeat');
  await migrate(repeat);
  await waitForMerges(wh);
  const t0 = performance.now();
  await ingest(repeat, [book], { piiSecret: config.LOANWATCH_PII_SECRET });
  ingestRuns.push(secs(t0));
  await exec(wh, 'DROP DATABASE bench_ingest_repeat');
}
const ingestS = median(ingestRuns);

step('exporting the same rows for the pandas reference');
const pd = join(work, 'pandas');
mkdirSync(pd, { recursive: true });
await exportSnapshotReferenceInputs(wh, pd, asOf);
step('exporting the same rows for the DuckDB peer');
await exportSnapshotPeerInputs(wh, pd, asOf);
const [lm] = await queryRows<{ n: string }>(wh, 'SELECT count() AS n FROM bench.loan_month');
await wh.close();

step('pandas reference');
/** bench/pandas/snapshot_dpd.py's one line of JSON */
interface PandasSnapshot {
  load_s: number;
  compute_s: number;
  rows: number;
  mismatches: number;
}
const pandas = JSON.parse(
  execFileSync('/usr/bin/python3', [resolve('bench/pandas/snapshot_dpd.py'), pd, String(settings.graceDays)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  }),
) as PandasSnapshot;

step('DuckDB peer (bench/duckdb/snapshot.ts)');
const duck = await duckdbSnapshot(pd, asOf, settings, runs);
step(
  `DuckDB: load ${duck.load_s} s, compute median ${duck.compute_s} s (runs ${duck.compute_runs_s.join(', ')}), ${duck.mismatches} mismatches in ${duck.rows} loan-months`,
);
const snapshotWithoutAccrualS = Number((snapshotS - snap.phaseSeconds.accrual).toFixed(2));
const accrualOverhead = Number((snapshotS / snapshotWithoutAccrualS).toFixed(3));
const ingestVsRaw = Number((rowsRead / ingestS / (rawRows / rawS)).toFixed(3));
/** each target of issue 24 with the figures it is judged on; met is computed from them, never set by hand */
const target = (name: string, value: number, limit: number, met: boolean) => ({ target: name, value, limit, met });
const results = {
  benchmark: 'ingest-snapshot',
  date: new Date().toISOString(),
  loans,
  months,
  loan_months: Number(lm!.n),
  rows_read: rowsRead,
  rows_quarantined: result.receipts.reduce((s, r) => s + r.rows_quarantined, 0),
  generate_s: generateS,
  raw_engine_s: rawS,
  raw_engine_rows: rawRows,
  raw_engine_rows_per_s: Math.round(rawRows / rawS),
  raw_string_engine_s: rawStringS,
  raw_string_engine_rows_per_s: Math.round(rawRows / rawStringS),
  runs,
  raw_engine_runs_s: rawRuns.map((r) => r.typedS),
  raw_string_engine_runs_s: rawRuns.map((r) => r.stringS),
  ingest_runs_s: ingestRuns,
  ingest_s: ingestS,
  ingest_rows_per_s: Math.round(rowsRead / ingestS),
  ingest_vs_raw: ingestVsRaw,
  ingest_vs_raw_string: Number((rowsRead / ingestS / (rawRows / rawStringS)).toFixed(3)),
  snapshot_s: snapshotS,
  snapshot_phases_s: {
    loan_month: Number(snap.phaseSeconds.loanMonth.toFixed(2)),
    derived_facts: Number(snap.phaseSeconds.derivedFacts.toFixed(2)),
    accrual: Number(snap.phaseSeconds.accrual.toFixed(2)),
    month_end_state: Number(snap.phaseSeconds.monthEndState.toFixed(2)),
  },
  snapshot_without_accrual_s: snapshotWithoutAccrualS,
  snapshot_accrual_overhead: accrualOverhead,
  pandas_snapshot_s: pandas.compute_s,
  pandas_load_s: pandas.load_s,
  pandas_rows: pandas.rows,
  pandas_dpd_mismatches: pandas.mismatches,
  snapshot_speedup_vs_pandas: Number((pandas.compute_s / snapshotS).toFixed(2)),
  copy_floor_s: copyFloorS,
  copy_floor_worst_s: Math.max(...copyRuns),
  copy_floor_runs_s: copyRuns,
  duckdb_snapshot_s: duck.compute_s,
  duckdb_snapshot_worst_s: duck.compute_worst_s,
  duckdb_snapshot_runs_s: duck.compute_runs_s,
  duckdb_load_s: duck.load_s,
  duckdb_rows: duck.rows,
  duckdb_loanwatch_rows: duck.loanwatch_rows,
  duckdb_mismatches: duck.mismatches,
  duckdb_mismatch_examples: duck.mismatch_examples,
  snapshot_speedup_vs_duckdb: Number((duck.compute_s / snapshotS).toFixed(2)),
  snapshot_vs_copy_floor: Number((snapshotS / copyFloorS).toFixed(2)),
  targets: [
    target('snapshot_s ≤ duckdb_snapshot_s', snapshotS, duck.compute_s, snapshotS <= duck.compute_s),
    target('snapshot_s ≤ 2 × copy_floor_s', snapshotS, 2 * copyFloorS, snapshotS <= 2 * copyFloorS),
    target(
      'snapshot_s ≤ 1.15 × snapshot_without_accrual_s (issue 23)',
      snapshotS,
      Number((1.15 * snapshotWithoutAccrualS).toFixed(2)),
      accrualOverhead <= 1.15,
    ),
    target('ingest_vs_raw ≥ 0.65 (ingest rows/s ÷ typed raw load rows/s)', ingestVsRaw, 0.65, ingestVsRaw >= 0.65),
  ],
  ingest_peak_rss_mb: ingestRssMb,
  peak_rss_mb: rssMb,
  machine: benchMachine(),
  snapshot_rows: snap.rows,
};
writeBenchResult('ingest-snapshot', results);
console.log(JSON.stringify(results, null, 2));
