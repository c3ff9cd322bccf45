/**
 * bench/metrics: on the warehouse left by bench/ingest-snapshot (default 1M loans × 36 months),
 * each metric's median of 5 runs, next to a pandas implementation of the same definition on the
 * same rows (compute only, after loading; also the median of 5). A check value per metric shows
 * both computed the same thing. Writes bench/results/metrics.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exec, queryRows } from '../warehouse/connection.ts';
import { runMetric, type MetricResult } from '../warehouse/metrics/run.ts';
import { openBuiltBenchWarehouse, waitForMerges } from './lib/bench-warehouse.ts';
import { median } from './lib/median.ts';

const { values } = parseArgs({
  options: { work: { type: 'string' }, loans: { type: 'string' }, months: { type: 'string' } },
});
const work = resolve(values.work ?? 'bench/work');
const { wh } = await openBuiltBenchWarehouse(work, 'bench/metrics');
// the snapshot was written by the previous process: time the metrics on merged parts, as a warehouse serves them
await waitForMerges(wh);
const runs = 5;
// pandas takes minutes per metric at 1M loans: its median is over 3 runs
const pandasRuns = 3;
const asOf = (await queryRows<{ me: string }>(wh, 'SELECT toString(max(month_end)) AS me FROM bench.loan_month'))[0]!
  .me;
const pFrom = `${Number(asOf.slice(0, 4)) - 1}${asOf.slice(4, 8)}${asOf.slice(8)}`.replace(/-02-29$/, '-02-28');
const requests: Record<string, Record<string, unknown>> = {
  overdue: {},
  vintage: {},
  roll_rate: {},
  recovery: {},
  migration: { from: pFrom, to: asOf },
  collections: {},
};
const checks: Record<string, (r: MetricResult) => number> = {
  overdue: (r) => r.rows.reduce((s, x) => s + Number(x.outstanding), 0),
  vintage: (r) => r.rows.reduce((s, x) => s + Number(x.ever30_rate), 0),
  roll_rate: (r) => r.rows.reduce((s, x) => s + Number(x.flow_share), 0),
  recovery: (r) =>
    r.rows.filter((x) => Number(x.months_since_default) === 0).reduce((s, x) => s + Number(x.loans_over_100pct), 0),
  migration: (r) => r.rows.reduce((s, x) => s + Number(x.migration_rate ?? 0), 0),
  collections: (r) => r.rows.reduce((s, x) => s + Number(x.collected), 0),
};
const ours: Record<string, { median_s: number; check: number }> = {};
for (const [name, req] of Object.entries(requests)) {
  const times: number[] = [];
  let last: MetricResult | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await runMetric(wh, name, req);
    times.push((performance.now() - t0) / 1000);
  }
  ours[name] = { median_s: Number(median(times).toFixed(3)), check: checks[name]!(last!) };
  console.error(`[bench metrics] ${name}: median ${ours[name].median_s} s`);
}

const pd = join(work, 'pandas-metrics');
mkdirSync(pd, { recursive: true });
const out = (f: string) => ({ f: join(pd, f) });
const monthIdx = (col: string) => `(toYear(${col}) * 12 + toMonth(${col}) - 1)`;
const id = (col: string) => `toUInt64(substring(${col}, 2))`;
const write = (sql: string, f: string) =>
  exec(wh, `INSERT INTO FUNCTION file({f:String}, 'CSVWithNames') ${sql} SETTINGS engine_file_truncate_on_insert = 1`, {
    ...out(f),
    as_of: asOf,
  });
console.error('[bench metrics] exporting the same rows for pandas');
await write(
  `SELECT ${id('loan_id')} AS loan, toInt32(month_end) AS me, ${monthIdx('month_end')} AS month, ${monthIdx('cohort_month')} AS cohort, mob, dpd, bucket, status, five_class,
  toFloat64(principal_balance) AS bal FROM bench.loan_month WHERE month_end <= {as_of:Date}`,
  'loan_month.csv',
);
await write(
  `SELECT ${id('loan_id')} AS loan, ${monthIdx('origination_date')} AS orig_month, toFloat64(principal) AS principal FROM bench.loans WHERE origination_date <= {as_of:Date}`,
  'loans.csv',
);
await write(
  `SELECT ${id('loan_id')} AS loan, toInt32(paid_date) AS date, ${monthIdx('paid_date')} AS month, toFloat64(amount) AS amount, 'payment' AS kind FROM bench.payments
  UNION ALL SELECT ${id('loan_id')}, toInt32(event_date), ${monthIdx('event_date')}, toFloat64(amount), type FROM bench.loan_events WHERE type IN ('recovery', 'collateral_sale', 'debt_sale', 'settlement')`,
  'cash.csv',
);
await write(
  `SELECT action_id, ${id('loan_id')} AS loan, toInt32(action_date) AS date, ${monthIdx('action_date')} AS month, channel, outcome,
  toFloat64(promised_amount) AS promised_amount, toInt32(promised_date) AS promised_date FROM bench.collection_actions WHERE action_date <= {as_of:Date}`,
  'actions.csv',
);
const [{ n }] = (await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM bench.loan_month`)) as [{ n: string }];
await wh.close();

console.error('[bench metrics] pandas');
const toDays = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
/** bench/pandas/metrics.py's one line of JSON: per metric, its median time and check value */
const pandas = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    [
      resolve('bench/pandas/metrics.py'),
      pd,
      String(pandasRuns),
      String(toDays(asOf)),
      String(toDays(pFrom)),
      String(Number(asOf.slice(0, 4)) * 12 + Number(asOf.slice(5, 7)) - 1),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 22, stdio: ['ignore', 'pipe', 'inherit'] },
  ),
) as Record<string, { median_s: number; check: number }>;
const results: Record<string, unknown> = {
  benchmark: 'metrics',
  date: new Date().toISOString(),
  as_of: asOf,
  loan_months: Number(n),
  runs,
  pandas_runs: pandasRuns,
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
};
for (const name of Object.keys(requests)) {
  const p = pandas[name]!;
  const o = ours[name]!;
  results[name] = {
    median_s: o.median_s,
    pandas_s: p.median_s,
    speedup: Number((p.median_s / o.median_s).toFixed(2)),
    check: o.check,
    pandas_check: p.check,
    checks_agree: Math.abs(o.check - p.check) <= 1e-6 * Math.max(1, Math.abs(o.check)),
  };
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/metrics.json', JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
