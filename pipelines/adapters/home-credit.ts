import { join } from 'node:path';
import type { TableSinks } from '../files/table-sink.ts';
import { AdapterReceipt, dayShift, readCsvObjects, round2 } from './source-csv.ts';

/**
 * Kaggle "Home Credit Default Risk" subset → customers (application.csv), loans
 * (approved previous applications of known applicants), schedule + payments
 * (installments_payments.csv). Day 0 of the DAYS_* columns is `asOf`. Amounts
 * are rounded to cents; installments carry no principal/interest split, so the
 * whole instalment is principal_due. Every installment row is written: those of
 * loans not written (refused, or an applicant missing from application.csv —
 * the subset's orphans) reference unknown loans and are quarantined by ingest.
 */
const products: Record<string, string> = {
  'Cash loans': 'cash_loan',
  'Consumer loans': 'consumer',
  'Revolving loans': 'revolving',
};

export async function adaptHomeCredit(inputDir: string, outDir: string, o: { asOf: string }, sinks: TableSinks) {
  const receipt = new AdapterReceipt('home_credit_subset');
  const applicants = new Set<string>();
  const customers = sinks.open(
    join(outDir, 'customers.csv'),
    ['customer_id', 'birth_year', 'gender', 'income_band'],
    'csv',
  );
  const year = Number(o.asOf.slice(0, 4));
  for await (const { row } of readCsvObjects(join(inputDir, 'application.csv'))) {
    receipt.countRead('application.csv');
    applicants.add(row.SK_ID_CURR!);
    const income = Number(row.AMT_INCOME_TOTAL);
    customers.write([
      `HC${row.SK_ID_CURR}`,
      year + Math.floor(Number(row.DAYS_BIRTH) / 365.25),
      row.CODE_GENDER === 'XNA' ? 'U' : row.CODE_GENDER!,
      income < 100_000 ? 'low' : income < 200_000 ? 'mid' : income < 400_000 ? 'high' : 'very_high',
    ]);
    receipt.countWritten('customers');
  }
  await customers.close();
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
      'channel',
      'currency',
    ],
    'csv',
  );
  for await (const { row } of readCsvObjects(join(inputDir, 'previous_application.csv'))) {
    receipt.countRead('previous_application.csv');
    if (row.NAME_CONTRACT_STATUS !== 'Approved') {
      receipt.aside(`previous application not approved (${row.NAME_CONTRACT_STATUS})`);
      continue;
    }
    if (!applicants.has(row.SK_ID_CURR!)) {
      receipt.aside('applicant not in application.csv');
      continue;
    }
    loans.write([
      `HC${row.SK_ID_PREV}`,
      `HC${row.SK_ID_CURR}`,
      products[row.NAME_CONTRACT_TYPE!] ?? row.NAME_CONTRACT_TYPE!,
      dayShift(o.asOf, Number(row.DAYS_DECISION)),
      round2(row.AMT_CREDIT!),
      '0',
      row.CNT_PAYMENT === '' ? '' : String(Math.round(Number(row.CNT_PAYMENT))),
      'annuity',
      row.CHANNEL_TYPE ?? '',
      'CNY',
    ]);
    receipt.countWritten('loans');
  }
  await loans.close();
  const schedule = sinks.open(
    join(outDir, 'schedule.csv'),
    ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'],
    'csv',
  );
  const payments = sinks.open(join(outDir, 'payments.csv'), ['payment_id', 'loan_id', 'paid_date', 'amount'], 'csv');
  for await (const { line, row } of readCsvObjects(join(inputDir, 'installments_payments.csv'))) {
    receipt.countRead('installments_payments.csv');
    const loan = `HC${row.SK_ID_PREV}`;
    schedule.write([
      loan,
      row.NUM_INSTALMENT_NUMBER!,
      dayShift(o.asOf, Number(row.DAYS_INSTALMENT)),
      round2(row.AMT_INSTALMENT!),
      '0.00',
    ]);
    payments.write([
      `${loan}-${row.NUM_INSTALMENT_NUMBER}-L${line}`,
      loan,
      row.DAYS_ENTRY_PAYMENT === '' ? '' : dayShift(o.asOf, Number(row.DAYS_ENTRY_PAYMENT)),
      round2(row.AMT_PAYMENT!),
    ]);
    receipt.countWritten('schedule');
    receipt.countWritten('payments');
  }
  await schedule.close();
  await payments.close();
  return receipt;
}
