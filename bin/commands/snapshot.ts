import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { refreshSnapshots } from '../../pipelines/snapshot/refresh-snapshots.ts';
import { defaultSnapshotSettings, settingsLabel } from '../../pipelines/snapshot/snapshot-settings.ts';
import { log } from '../progress.ts';
import { assertSnapshotDate } from '../../pipelines/snapshot/snapshot-date.ts';
import { assertRuleProductsLoaded } from '../../pipelines/accrual/rule-products.ts';

const snapshotFlags = {
  'as-of': flag(
    isoDate,
    "build every month-end on or before this date (from the first loan's month to the month the data ends in)",
    'YYYY-MM-DD',
  ),
  full: flag(
    z.boolean().default(false),
    "rebuild every loan (default: only the loans touched since the last run, unless a full rebuild is due); needed to rebuild to a month-end before the last snapshot's",
  ),
};
export type SnapshotFlags = FlagValues<typeof snapshotFlags>;

export const snapshotCommand = defineCommand({
  name: 'snapshot',
  summary: 'month-end snapshots (DPD, bucket, balances, five-category class, IFRS 9 stage)',
  description:
    "Brings loan_month (every month-end from each loan's origination up to the date) and the facts derived from it up to date: after a day's files only the loans touched since the last run are refreshed (their rows, their borrowers' other non-retail loans, every active loan when a month has closed): their derived facts rebuilt, their month-end rows recomputed unless all they gained cannot change them (an action; a payment or an event other than a restructure, dated after the last month-end); the result is the full rebuild's. The first run, --full, and any change of settings, snapshot SQL or schema rebuild everything. A date whose month-end is before the first loan's month or after the month the data ends in is refused, and one before the last snapshot's month-end needs --full (it drops the later month-ends). Grace days and the DPD convention come from the environment (README, Configuration; docs/operations.md, daily run).",
  flags: snapshotFlags,
  examples: ['loanwatch snapshot --as-of 2024-06-30', 'loanwatch snapshot --as-of 2024-07-01 --full'],
  warehouse: true,
  run: ({ wh, config, out }, f) => runSnapshot(wh, config, out, f),
});

export async function runSnapshot(
  wh: Warehouse,
  config: Config,
  out: Output,
  f: Omit<SnapshotFlags, 'full'> & { full?: boolean },
) {
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  await assertSnapshotDate(wh, f['as-of'], { full: f.full ?? false });
  // a lender's own rules file only: the default's card entry is for books that have cards
  const own = config.LOANWATCH_ACCRUAL_RULES;
  if (own) await assertRuleProductsLoaded(wh, own.rules, `LOANWATCH_ACCRUAL_RULES (${own.path})`);
  const t0 = performance.now();
  const r = await refreshSnapshots(wh, {
    asOf: f['as-of'],
    settings,
    full: f.full ?? false,
    loansPerPass: config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS,
    log,
  });
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
