/**
 * bench/accrual: the accrual alone (issue 23) on the warehouse bench/ingest-snapshot built (1M
 * loans): `fillAccrual` in the snapshot's passes, --runs times (default 3), every run, the median
 * and the worst reported, and a hash of every column of the rows written, so two commits can be
 * compared for speed and for equal output by running this on each (alternated, in one window).
 * Writes bench/results/accrual.json. Usage: tsx bench/accrual.ts [--runs R] [--work DIR]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { delinquencySettings } from '../warehouse/config.ts';
import { queryRows } from '../warehouse/connection.ts';
import { passesFor } from '../warehouse/loan-part.ts';
import { fillAccrual } from '../pipelines/accrual/fill-accrual.ts';
import { accrualMoneyColumns } from '../pipelines/accrual/accrual-row.ts';
import { defaultSnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import { openBuiltBenchWarehouse, waitForMerges } from './lib/bench-warehouse.ts';
import { median } from './lib/median.ts';
import { benchMachine, writeBenchResult } from './lib/results.ts';

const { values } = parseArgs({ options: { work: { type: 'string' }, runs: { type: 'string' } } });
const work = resolve(values.work ?? 'bench/work');
const runs = Number(values.runs ?? 3);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
const log = (s: string) => {
  console.error(`[bench/accrual] ${s}`);
};
const { wh, config } = await openBuiltBenchWarehouse(work, 'bench/accrual');
const settings = defaultSnapshotSettings(delinquencySettings(config));
const [n] = await queryRows<{ n: string }>(wh, 'SELECT count() AS n FROM bench.loans');
const loans = Number(n!.n);
const [last] = await queryRows<{ d: string }>(wh, 'SELECT toString(max(month_end)) AS d FROM bench.loan_month');
const passes = passesFor(loans, config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS);
const columns = ['loan_id', 'month_end', 'status', 'dpd', 'accrual_status', ...accrualMoneyColumns].join(', ');

const secs: number[] = [];
for (let i = 0; i < runs; i++) {
  await waitForMerges(wh);
  const t0 = performance.now();
  await fillAccrual(wh, { settings, through: last!.d, passes });
  secs.push(Number(((performance.now() - t0) / 1000).toFixed(2)));
  log(`run ${i + 1} of ${runs}: ${secs.at(-1)!} s (${passes} passes)`);
}
const [out] = await queryRows<{ rows: string; hash: string }>(
  wh,
  `SELECT toString(count()) AS rows, toString(sum(cityHash64(${columns}))) AS hash FROM bench.loan_month_accrual`,
);
const result = {
  benchmark: 'accrual',
  date: new Date().toISOString(),
  loans,
  passes,
  rows: Number(out!.rows),
  rows_hash: out!.hash,
  runs_s: secs,
  accrual_s: median(secs),
  accrual_worst_s: Math.max(...secs),
  machine: benchMachine(),
};
writeBenchResult('accrual', result);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
