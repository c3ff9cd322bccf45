import { join } from 'node:path';
import type { TableSinks } from '../files/table-sink.ts';
import { AdapterReceipt, monthShift, readCsvObjects } from './source-csv.ts';

/**
 * UCI "default of credit card clients" (Taiwan, 2005) → customers, loans and six
 * monthly performance tapes (PAY_6 = April … PAY_0 = September, mapped so that
 * September is `lastMonth`). Repayment status −2/−1/0 is current (DPD 0); k ≥ 1
 * months of delay is DPD 30k − 15 (the middle of bucket Mk). Balance is the bill
 * amount; a negative bill (a credit balance) is an exposure of 0.00, counted in
 * the receipt. Credit limit is the nominal principal.
 */
const months = [
  ['PAY_6', 'BILL_AMT6'],
  ['PAY_5', 'BILL_AMT5'],
  ['PAY_4', 'BILL_AMT4'],
  ['PAY_3', 'BILL_AMT3'],
  ['PAY_2', 'BILL_AMT2'],
  ['PAY_0', 'BILL_AMT1'],
] as const;

export async function adaptTaiwanCreditDefault(
  inputDir: string,
  outDir: string,
  o: { lastMonth: string },
  sinks: TableSinks,
) {
  const receipt = new AdapterReceipt('taiwan_credit_default');
  const first = monthShift(o.lastMonth, -5);
  const customers = sinks.open(join(outDir, 'customers.csv'), ['customer_id', 'birth_year', 'gender'], 'csv');
  const loans = sinks.open(
    join(outDir, 'loans.csv'),
    [
      'loan_id',
      'customer_id',
      'product',
      'origination_date',
      'principal',
      'annual_rate',
      'term_months',
      'repayment_method',
      'currency',
    ],
    'csv',
  );
  const perf = sinks.open(
    join(outDir, 'performance.csv'),
    ['loan_id', 'as_of_month', 'dpd', 'principal_balance'],
    'csv',
  );
  for await (const { row } of readCsvObjects(join(inputDir, 'UCI_Credit_Card.csv'))) {
    receipt.countRead('UCI_Credit_Card.csv');
    const id = `TW${row.ID}`;
    customers.write([
      id,
      Number(o.lastMonth.slice(0, 4)) - Number(row.AGE),
      row.SEX === '1' ? 'M' : row.SEX === '2' ? 'F' : 'U',
    ]);
    loans.write([id, id, 'credit_card', `${first}-01`, Number(row.LIMIT_BAL).toFixed(2), '0', 6, 'bullet', 'TWD']);
    months.forEach(([pay, bill], k) => {
      const status = Number(row[pay]);
      const amount = Number(row[bill]);
      if (amount < 0) receipt.aside('negative bill amount reported as balance 0.00');
      perf.write([
        id,
        monthShift(first, k),
        Number.isFinite(status) ? (status >= 1 ? 30 * status - 15 : 0) : row[pay]!,
        Number.isFinite(amount) ? Math.max(0, amount).toFixed(2) : row[bill]!,
      ]);
    });
    receipt.countWritten('customers');
    receipt.countWritten('loans');
    receipt.countWritten('performance', 6);
    await perf.flushIfFull();
  }
  return receipt;
}
