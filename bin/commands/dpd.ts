import { z } from 'zod';
import { isoDate, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { dataLastDate } from '../../warehouse/data-horizon.ts';
import { delinquencyAsOf, type DelinquencyAsOf } from '../../pipelines/snapshot/delinquency-as-of.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { UserError } from '../../lib/user-error.ts';

const dpdFlags = {
  'as-of': flag(isoDate, 'the day', 'YYYY-MM-DD'),
  loan: flag(z.string().min(1).max(128).optional(), 'one loan only', 'ID'),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 50 rows), or every row as csv/json',
    'table|csv|json',
  ),
};
export type DpdFlags = FlagValues<typeof dpdFlags>;

export const dpdCommand = defineCommand({
  name: 'dpd',
  summary: 'DPD and bucket of every loan on any date',
  description:
    "Days past due, bucket, balance and overdue amounts of every loan on a date, from the payment history (tape loans: their latest month-end on or before it). The date must not be after the data's last day.",
  flags: dpdFlags,
  examples: ['loanwatch dpd --as-of 2024-06-15 --format csv > dpd-2024-06-15.csv'],
  warehouse: true,
  run: ({ wh, config, out }, f) => runDpd(wh, config, out, f),
});

const columns = [
  'loan_id',
  'as_of',
  'source',
  'dpd',
  'bucket',
  'status',
  'principal_balance',
  'overdue_principal',
  'overdue_interest',
] as const;

export async function runDpd(wh: Warehouse, config: Config, out: Output, f: DpdFlags) {
  const last = await dataLastDate(wh);
  if (!last) throw new UserError('no loans loaded yet: run `loanwatch ingest` first');
  if (f['as-of'] > last) {
    throw new UserError(
      `--as-of ${f['as-of']} is after the data's last day ${last}: installments due since would count as unpaid`,
      { hint: `use --as-of ${last} or earlier, or load the newer files first` },
    );
  }
  const rows = (await delinquencyAsOf(wh, f['as-of'], defaultSnapshotSettings(delinquencySettings(config)))).filter(
    (r) => !f.loan || r.loan_id === f.loan,
  );
  if (f.loan && rows.length === 0) throw new UserError(`no loan ${JSON.stringify(f.loan)} on ${f['as-of']}`);
  if (f.format === 'json') await writeJson(out, rows);
  else if (f.format === 'csv') await writeCsv<DelinquencyAsOf>(out, columns, rows);
  else {
    printTable(out, rows, [
      { header: 'loan', value: (r) => r.loan_id },
      { header: 'source', value: (r) => r.source },
      { header: 'dpd', value: (r) => r.dpd, format: 'int' },
      { header: 'bucket', value: (r) => r.bucket },
      { header: 'status', value: (r) => r.status },
      { header: 'balance', value: (r) => r.principal_balance, format: 'money' },
      { header: 'overdue principal', value: (r) => r.overdue_principal, format: 'money' },
      { header: 'overdue interest', value: (r) => r.overdue_interest, format: 'money' },
    ]);
  }
  return rows;
}
