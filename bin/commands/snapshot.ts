import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import { delinquencyAsOf } from '../../pipelines/snapshot/delinquency-as-of.ts';
import { defaultSnapshotSettings, settingsLabel } from '../../pipelines/snapshot/snapshot-settings.ts';
import { log } from '../progress.ts';

export const snapshotFlags = z.object({ 'as-of': isoDate });
export const dpdFlags = z.object({ 'as-of': isoDate, loan: z.string().optional(), format: z.enum(['table', 'csv', 'json']).default('table') });

export async function snapshotCommand(wh: Warehouse, config: Config, flags: z.infer<typeof snapshotFlags>) {
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  const [loans] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${wh.database}.loans`);
  const buckets = Math.max(1, Math.ceil(Number(loans!.n) / config.LOANWATCH_SNAPSHOT_LOANS_PER_PASS));
  const t0 = performance.now();
  const r = await buildMonthEndSnapshots(wh, { asOf: flags['as-of'], settings, buckets, log });
  const summary = await queryRows(wh, `SELECT toString(month_end) AS month, count() AS loans, sum(principal_balance) AS balance,
      round(sumIf(principal_balance, dpd > 0) / nullIf(sumIf(principal_balance, status = 'active'), 0), 4) AS overdue_ratio_m1plus
    FROM ${wh.database}.loan_month WHERE month_end = {me:Date} AND status = 'active' GROUP BY month_end`, { me: r.lastMonthEnd });
  console.log(JSON.stringify({ ...r, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), settings: settingsLabel(settings), last_month: summary[0] ?? null }, null, 2));
  return r;
}

export async function dpdCommand(wh: Warehouse, config: Config, flags: z.infer<typeof dpdFlags>) {
  const rows = (await delinquencyAsOf(wh, flags['as-of'], defaultSnapshotSettings(delinquencySettings(config))))
    .filter((r) => !flags.loan || r.loan_id === flags.loan);
  if (flags.format === 'json') console.log(JSON.stringify(rows));
  else if (flags.format === 'csv') {
    const cols = Object.keys(rows[0] ?? { loan_id: '' });
    console.log([cols.join(','), ...rows.map((r) => cols.map((c) => String((r as unknown as Record<string, unknown>)[c])).join(','))].join('\n'));
  } else console.table(rows.slice(0, 50));
  return rows;
}
