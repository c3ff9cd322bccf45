/**
 * bench/scale (`npm run bench:scale`; issue 24, item 3): the daily commands on a 10M-loan book
 * (default 10,000,000 loans × 36 months), each in its own process as an operator runs them:
 * `loanwatch generate` → `ingest` → `snapshot --full` → the six benchmarked metrics.
 * Every command runs under /usr/bin/time: its wall time and its peak resident memory (the
 * embedded engine lives in the command's process, so this is node and chDB together).
 * `peak_rss_mb` is the largest of them (target ≤ 8192); `disk_gb` the warehouse folder after the
 * run and `book_gb` the generated files. A book generated earlier with the same loans, months,
 * seed and generator version is reused (`generate_s` is then null; its step is not run).
 * It takes an hour or more on 2 cores. Usage: tsx bench/scale.ts [--loans N] [--months M] [--work DIR]
 * Writes bench/results/scale.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBook, benchBookDir, reusableBenchBook } from './lib/bench-book.ts';
import { benchMachine, writeBenchResult } from './lib/results.ts';

const { values } = parseArgs({
  options: { loans: { type: 'string' }, months: { type: 'string' }, work: { type: 'string' } },
});
const loans = Number(values.loans ?? 10_000_000);
const months = Number(values.months ?? 36);
const work = resolve(values.work ?? 'bench/work');
// bench/ingest-snapshot's book: the 10M book is the 1M book's kind, ten times over
const { asOf, seed, badRows } = benchBook;
const book = benchBookDir(work, loans, months);
const dataDir = join(work, `scale-db-${loans}`);
const log = (s: string) => {
  console.error(`[bench scale] ${s}`);
};

interface StepResult {
  command: string;
  s: number;
  peak_rss_mb: number;
  exit_code: number;
}

/** Runs one loanwatch command in its own process; its wall time and peak RSS from /usr/bin/time. */
function run(args: string[]): StepResult {
  const timing = join(tmpdir(), `lw-scale-time-${process.pid}`);
  const command = `loanwatch ${args.join(' ')}`;
  log(command);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timing, process.execPath, 'bin/loanwatch.mjs', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TZ: 'UTC', LOANWATCH_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'scale' },
  });
  // /usr/bin/time writes "Command exited with non-zero status N" before its line when the command fails
  const last = readFileSync(timing, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(timing, { force: true });
  const [s, kb] = last.split(' ').map(Number);
  const result = { command, s: s ?? NaN, peak_rss_mb: Math.round((kb ?? NaN) / 1024), exit_code: r.status ?? -1 };
  log(`${command}: ${String(result.s)} s, peak RSS ${String(result.peak_rss_mb)} MB, exit ${String(result.exit_code)}`);
  if (result.exit_code !== 0) throw new Error(`${command} failed (exit ${String(result.exit_code)})`);
  return result;
}

const gb = (path: string) =>
  Number((Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]) / 2 ** 30).toFixed(2));

const steps: StepResult[] = [];
let generateS: number | null = null;
if (!reusableBenchBook(book, loans, months)) {
  rmSync(book, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const g = run([
    'generate',
    ...['--out', book, '--loans', String(loans), '--months', String(months)],
    ...['--as-of', asOf, '--seed', String(seed), '--bad-rows', String(badRows)],
  ]);
  steps.push(g);
  generateS = g.s;
} else log(`reusing ${book}`);

rmSync(dataDir, { recursive: true, force: true });
const ingestStep = run(['ingest', book]);
steps.push(ingestStep);
const snapshotStep = run(['snapshot', '--as-of', asOf, '--full']);
steps.push(snapshotStep);
const metricNames = ['overdue', 'vintage', 'roll_rate', 'recovery', 'migration', 'collections'] as const;
const metrics: Record<string, StepResult> = {};
for (const name of metricNames) {
  metrics[name] = run(['metrics', name, '--as-of', asOf, '--format', 'csv']);
  steps.push(metrics[name]);
}

const peakRssMb = Math.max(...steps.map((s) => s.peak_rss_mb));
const results = {
  benchmark: 'scale',
  date: new Date().toISOString(),
  loans,
  months,
  generate_s: generateS,
  // the generator writes with every core (loanwatch generate's --workers default)
  generate_workers: generateS === null ? null : availableParallelism(),
  ingest_s: ingestStep.s,
  snapshot_s: snapshotStep.s,
  metrics_s: Object.fromEntries(Object.entries(metrics).map(([n, m]) => [n, m.s])),
  peak_rss_mb: peakRssMb,
  steps,
  disk_gb: gb(dataDir),
  book_gb: gb(book),
  targets: [
    { target: 'loans ≥ 10,000,000', value: loans, limit: 10_000_000, met: loans >= 10_000_000 },
    { target: 'peak_rss_mb ≤ 8192 (every command)', value: peakRssMb, limit: 8192, met: peakRssMb <= 8192 },
  ],
  machine: benchMachine(),
};
writeBenchResult('scale', results);
console.log(JSON.stringify(results, null, 2));
