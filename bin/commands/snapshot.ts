import { isoDate } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings, settingsLabel } from '../../pipelines/snapshot/snapshot-settings.ts';
import { log } from '../progress.ts';

const snapshotFlags = { 'as-of': flag(isoDate, 'build every month-end on or before this date', 'YYYY-MM-DD') };
export type SnapshotFlags = FlagValues<typeof snapshotFlags>;

export const snapshotCommand = defineCommand({
  name: 'snapshot',
  summary: 'month-end snapshots (DPD, bucket, balances, five-category class, IFRS 9 stage)',
  description:
    "Rebuilds loan_month for every month-end from each loan's origination up to the date, and the facts derived from it. Grace days and the DPD convention come from the environment (README, Configuration).",
  flags: snapshotFlags,
  examples: ['loanwatch snapshot --as-of 2024-06-30'],
  warehouse: true,
  run: ({ wh, config, out }, f) => runSnapshot(wh, config, out, f),
});

export async function runSnapshot(wh: Warehouse, config: Config, out: Output, f: SnapshotFlags) {
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  const [loans] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${tableRef(wh, 'loans')}`);
  const buckets = Math.max(1, Math.ceil(Number(loans?.n ?? 0) / config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS));
  const t0 = performance.now();
  const r = await buildMonthEndSnapshots(wh, { asOf: f['as-of'], settings, buckets, log });
  const overdue = await runMetric(wh, 'overdue', { from: r.lastMonthEnd, to: r.lastMonthEnd });
  const last = overdue.rows[0];
  out.line(
    JSON.stringify(
      {
        ...r,
        seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
        settings: settingsLabel(settings),
        last_month: last
          ? { month: last.month_end, outstanding: last.outstanding, overdue_ratio_m1plus: last.overdue_ratio }
          : null,
      },
      null,
      2,
    ),
  );
  return r;
}
