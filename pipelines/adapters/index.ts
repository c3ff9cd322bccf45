import { join } from 'node:path';
import { adaptCreditCardMonthlyStatus } from './credit-card-monthly-status.ts';
import { adaptHomeCredit } from './home-credit.ts';
import { adaptTaiwanCreditDefault } from './taiwan-credit-default.ts';
import { TableSinks } from '../files/table-sink.ts';
import type { AdapterReceipt } from './source-csv.ts';
import { makeDirectory } from '../../lib/make-directory.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';

export interface AdapterOptions {
  /** month that MONTHS_BALANCE 0 / the last tape month maps to (YYYY-MM) */
  asOfMonth?: string;
  /** date that day 0 maps to (YYYY-MM-DD) */
  asOf?: string;
}

export const adapters = {
  credit_card_monthly_status: (i: string, out: string, o: AdapterOptions, sinks: TableSinks) =>
    adaptCreditCardMonthlyStatus(i, out, { asOfMonth: o.asOfMonth ?? '2024-06' }, sinks),
  home_credit_subset: (i: string, out: string, o: AdapterOptions, sinks: TableSinks) =>
    adaptHomeCredit(i, out, { asOf: o.asOf ?? '2024-06-30' }, sinks),
  taiwan_credit_default: (i: string, out: string, o: AdapterOptions, sinks: TableSinks) =>
    adaptTaiwanCreditDefault(i, out, { lastMonth: o.asOfMonth ?? '2005-09' }, sinks),
} as const satisfies Record<
  string,
  (i: string, out: string, o: AdapterOptions, sinks: TableSinks) => Promise<AdapterReceipt>
>;

export type AdapterName = keyof typeof adapters;
export const adapterNames = Object.keys(adapters) as AdapterName[];

/**
 * Converts a public dataset into SPEC §3 files in outDir (then ingest outDir) and writes
 * adapter_receipt.json. When the conversion fails, every file it opened is closed before the
 * error is thrown, so the caller may remove outDir at once.
 */
export async function runAdapter(name: AdapterName, inputDir: string, outDir: string, o: AdapterOptions = {}) {
  makeDirectory(outDir);
  const sinks = new TableSinks();
  const receipt = await sinks.run(() => adapters[name](inputDir, outDir, o, sinks));
  writeFileAtomic(join(outDir, 'adapter_receipt.json'), JSON.stringify(receipt, null, 2));
  return receipt;
}
