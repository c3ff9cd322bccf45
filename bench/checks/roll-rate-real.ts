/**
 * Check: on the real monthly data (../shared/data/credit_card_monthly_status) the roll-rate matrix
 * matches a pandas computation of the same definition within 0.1 percentage point, by count and by
 * balance. Writes bench/results/roll-rate-real.json; exits 1 when it does not match.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { delinquencySettings, loadConfig } from '../../warehouse/config.ts';
import { openWarehouse, queryRows } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { runAdapter } from '../../pipelines/adapters/index.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { metricCsv } from '../../warehouse/metrics/csv.ts';
import { writeBenchResult } from '../lib/results.ts';

const data = resolve(process.env.LOANWATCH_SHARED_DATA ?? '../shared/data', 'credit_card_monthly_status');
if (!existsSync(join(data, 'credit_record.csv')))
  throw new Error(`needs ${data}/credit_record.csv (../shared/data beside the checkout)`);
const work = resolve('bench/work/roll-rate-real');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: join(work, 'db') });
const wh = openWarehouse(config, { database: 'real' });
await migrate(wh);
await runAdapter('credit_card_monthly_status', data, join(work, 'files'), { asOfMonth: '2024-06' });
await ingest(wh, [join(work, 'files')], { piiSecret: config.LOANWATCH_PII_SECRET });
await buildMonthEndSnapshots(wh, {
  asOf: '2024-06-30',
  settings: defaultSnapshotSettings(delinquencySettings(config)),
});
// the whole history, as the pandas reference reads it: a metric's default period is the last 12
// months (warehouse/metrics/window.ts), and with it this check compared 12 months against 60
const [first] = await queryRows<{ m: string }>(wh, `SELECT toString(min(month_end)) AS m FROM real.loan_month`);
for (const basis of ['count', 'balance'] as const)
  writeFileSync(
    join(work, `ours-${basis}.csv`),
    metricCsv(await runMetric(wh, 'roll_rate', { basis, from: first!.m })),
  );
await wh.close();
/** bench/pandas/roll_rate_real.py's one line of JSON */
interface PandasRollRateCheck {
  max_abs_diff_pp_count: number;
  cells_count: number;
  max_abs_diff_pp_balance: number;
  cells_balance: number;
  pandas_s: number;
}
const check = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    [
      resolve('bench/pandas/roll_rate_real.py'),
      join(data, 'credit_record.csv'),
      join(work, 'ours-count.csv'),
      join(work, 'ours-balance.csv'),
    ],
    { encoding: 'utf8' },
  ),
) as PandasRollRateCheck;
const result = {
  check: 'roll-rate-real',
  dataset: 'credit_card_monthly_status',
  tolerance_pp: 0.1,
  ...check,
  pass: check.max_abs_diff_pp_count <= 0.1 && check.max_abs_diff_pp_balance <= 0.1,
};
writeBenchResult('roll-rate-real', result);
console.log(JSON.stringify(result, null, 2));
if (!result.pass) process.exitCode = 1;
