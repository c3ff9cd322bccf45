import { inputPath, isoDate, list, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';
import { assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { defaultDisposalTerms, parseDisposalTerms } from '../../warehouse/workout/disposal-terms.ts';
import {
  disposalColumns,
  disposalMoneyColumns,
  disposalList,
  disposalRow,
  type DisposalRow,
} from '../../pipelines/collections/disposal/disposal-list.ts';

const disposalFlags = {
  'as-of': flag(isoDate, 'the day (valued at the month-end on or before it)', 'YYYY-MM-DD'),
  terms: flag(inputPath.optional(), 'disposal assumptions (JSON; default: docs/collections.md)', 'FILE'),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  product: flag(list.optional(), 'only these products', 'a,b'),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 50 loans), or every loan as csv/json with each option and the basis of its estimates',
    'table|csv|json',
  ),
};
export type DisposalFlags = FlagValues<typeof disposalFlags>;

export const disposalCommand = defineCommand({
  name: 'disposal',
  summary:
    'disposal options of late and defaulted loans: the value and time of each, the recommended one and its margin',
  description:
    "Every loan past the stage (default DPD > 90, or charged off with the workout open) valued five ways — collection as usual, restructuring, collateral sale, debt sale, write-off — from the book's recovery curves, restructure outcomes and realised sales (or the terms' fallbacks), discounted; the option with the highest expected net recovery and its margin over the next. A day before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS) is refused (exit 2), not answered empty.",
  flags: disposalFlags,
  examples: [
    'loanwatch disposal --as-of 2024-06-30',
    'loanwatch disposal --as-of 2024-06-30 --terms pipelines/collections/disposal/default-disposal-terms.json --format csv > disposal.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runDisposal(wh, out, f),
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export async function runDisposal(wh: Warehouse, out: Output, f: DisposalFlags) {
  await assertKnownFilterValues(wh, { region: f.region, product: f.product });
  const terms = f.terms ? readConfigFile(f.terms, 'disposal terms', parseDisposalTerms) : defaultDisposalTerms;
  // a day outside the data is valued at no month-end with loans in it: refused, not an empty list
  await assertWithinData(wh, f['as-of'], '--as-of');
  const { monthEnd, loans } = await disposalList(wh, f['as-of'], terms, { region: f.region, product: f.product });
  const rows = loans.map(disposalRow);
  if (f.format === 'json') await writeJson(out, rows);
  else if (f.format === 'csv') await writeCsv<DisposalRow>(out, disposalColumns, rows, { money: disposalMoneyColumns });
  else {
    const first = loans[0];
    console.error(
      `disposal options at ${monthEnd}: ${loans.length} loans past the stage (DPD > ${terms.stage.min_dpd}${terms.stage.include_charged_off ? ' or charged off, workout open' : ''}), discounted at ${pct(terms.discount_rate)} a year`,
    );
    if (first) {
      const e = first.options;
      for (const o of e) console.error(`  ${o.option.padEnd(16)} e.g. ${first.loan.loan_id}: ${o.basis}`);
    }
    printTable(out, rows, [
      { header: 'loan', value: (r) => r.loan_id },
      { header: 'product', value: (r) => r.product },
      { header: 'status', value: (r) => r.status },
      { header: 'dpd', value: (r) => r.dpd, format: 'int' },
      { header: 'balance', value: (r) => r.balance, format: 'money' },
      { header: 'collection', value: (r) => r.collection_value, format: 'money' },
      { header: 'restructure', value: (r) => r.restructure_value, format: 'money' },
      { header: 'collateral', value: (r) => r.collateral_sale_value, format: 'money' },
      { header: 'debt sale', value: (r) => r.debt_sale_value, format: 'money' },
      { header: 'recommended', value: (r) => r.recommended },
      { header: 'margin', value: (r) => r.margin, format: 'money' },
    ]);
  }
  return rows;
}
