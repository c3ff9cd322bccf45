import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adaptCreditCardMonthlyStatus } from './credit-card-monthly-status.ts';
import { adaptHomeCredit } from './home-credit.ts';
import { adaptTaiwanCreditDefault } from './taiwan-credit-default.ts';
import type { AdapterReceipt } from './source-csv.ts';

export interface AdapterOptions {
  /** month that MONTHS_BALANCE 0 / the last tape month maps to (YYYY-MM) */
  asOfMonth?: string;
  /** date that day 0 maps to (YYYY-MM-DD) */
  asOf?: string;
}

export const adapters = {
  credit_card_monthly_status: (i: string, out: string, o: AdapterOptions) =>
    adaptCreditCardMonthlyStatus(i, out, { asOfMonth: o.asOfMonth ?? '2024-06' }),
  home_credit_subset: (i: string, out: string, o: AdapterOptions) =>
    adaptHomeCredit(i, out, { asOf: o.asOf ?? '2024-06-30' }),
  taiwan_credit_default: (i: string, out: string, o: AdapterOptions) =>
    adaptTaiwanCreditDefault(i, out, { lastMonth: o.asOfMonth ?? '2005-09' }),
} as const satisfies Record<string, (i: string, out: string, o: AdapterOptions) => Promise<AdapterReceipt>>;

export type AdapterName = keyof typeof adapters;
export const adapterNames = Object.keys(adapters) as AdapterName[];

/** Converts a public dataset into SPEC §3 files in outDir (then ingest outDir) and writes adapter_receipt.json. */
export async function runAdapter(name: AdapterName, inputDir: string, outDir: string, o: AdapterOptions = {}) {
  mkdirSync(outDir, { recursive: true });
  const receipt = await adapters[name](inputDir, outDir, o);
  writeFileSync(join(outDir, 'adapter_receipt.json'), JSON.stringify(receipt, null, 2));
  return receipt;
}
