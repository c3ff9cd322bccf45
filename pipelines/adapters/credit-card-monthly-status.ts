import { join } from 'node:path';
import type { TableSinks } from '../files/table-sink.ts';
import { AdapterReceipt, monthShift, readCsvObjects } from './source-csv.ts';

/**
 * Kaggle "Credit Card Approval Prediction" (credit_record.csv + application_record.csv)
 * → customers, loans and performance tapes. MONTHS_BALANCE 0 is mapped to `asOfMonth`.
 * STATUS 0..5 are DPD ranges (1–29, 30–59, …, 150+ or written off); each becomes the
 * middle of its range so it lands in bucket M1..M6. C (paid that month) is DPD 0;
 * X (no loan that month) is DPD 0 with zero balance. The file has no balances: an
 * open month carries a nominal balance of 1.00, so balance-weighted metrics equal
 * count-weighted ones. An unknown STATUS is passed through and quarantined by ingest. An account
 * without an application record is a customer of its id alone (no birth year, gender or income).
 */
export const cardStatusDpd: Record<string, number> = {
  C: 0,
  X: 0,
  '0': 15,
  '1': 45,
  '2': 75,
  '3': 105,
  '4': 135,
  '5': 165,
};

export async function adaptCreditCardMonthlyStatus(
  inputDir: string,
  outDir: string,
  o: { asOfMonth: string },
  sinks: TableSinks,
) {
  const receipt = new AdapterReceipt('credit_card_monthly_status');
  const records = join(inputDir, 'credit_record.csv');
  const span = new Map<string, [number, number]>();
  for await (const { row } of readCsvObjects(records)) {
    const mb = Number(row.MONTHS_BALANCE);
    const s = span.get(row.ID!);
    span.set(row.ID!, s ? [Math.min(s[0], mb), Math.max(s[1], mb)] : [mb, mb]);
  }
  const perf = sinks.open(
    join(outDir, 'performance.csv'),
    ['loan_id', 'as_of_month', 'dpd', 'principal_balance', 'overdue_amount'],
    'csv',
  );
  for await (const { row } of readCsvObjects(records)) {
    receipt.countRead('credit_record.csv');
    const dpd = cardStatusDpd[row.STATUS!];
    perf.write([
      `CC${row.ID}`,
      monthShift(o.asOfMonth, Number(row.MONTHS_BALANCE)),
      dpd ?? row.STATUS!,
      row.STATUS === 'X' ? '0.00' : '1.00',
      dpd ? '1.00' : '0.00',
    ]);
    receipt.countWritten('performance');
    await perf.flushIfFull();
  }
  await perf.close();
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
  for (const [id, [first, last]] of span) {
    loans.write([
      `CC${id}`,
      id,
      'credit_card',
      `${monthShift(o.asOfMonth, first)}-01`,
      '1.00',
      '0',
      Math.min(600, last - first + 1),
      'bullet',
      'CNY',
    ]);
    receipt.countWritten('loans');
  }
  await loans.close();
  const customers = sinks.open(
    join(outDir, 'customers.csv'),
    ['customer_id', 'birth_year', 'gender', 'income_band'],
    'csv',
  );
  const year = Number(o.asOfMonth.slice(0, 4));
  const applicants = new Set<string>();
  for await (const { row } of readCsvObjects(join(inputDir, 'application_record.csv'))) {
    receipt.countRead('application_record.csv');
    applicants.add(row.ID!);
    const income = Number(row.AMT_INCOME_TOTAL);
    customers.write([
      row.ID!,
      year + Math.floor(Number(row.DAYS_BIRTH) / 365.25),
      row.CODE_GENDER!,
      income < 100_000 ? 'low' : income < 200_000 ? 'mid' : income < 400_000 ? 'high' : 'very_high',
    ]);
    receipt.countWritten('customers');
    await customers.flushIfFull();
  }
  // a loan names its customer (ingest quarantines one naming none): an account without an
  // application record (about a fifth of the published file's) is a customer known by its id alone
  for (const id of span.keys()) {
    if (applicants.has(id)) continue;
    customers.write([id, '', '', '']);
    receipt.countWritten('customers');
    await customers.flushIfFull();
  }
  await customers.close();
  return receipt;
}
