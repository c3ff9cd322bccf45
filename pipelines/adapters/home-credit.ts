import { join } from 'node:path';
import type { TableSinks } from '../files/table-sink.ts';
import { furtherPaymentReason, InstallmentCollector, scheduleAsideReasons } from './installment-schedules.ts';
import { AdapterReceipt, dayShift, readCsvObjects, round2 } from './source-csv.ts';

/**
 * Kaggle "Home Credit Default Risk" subset → customers (application.csv), loans
 * (approved previous applications of known applicants), schedule + payments
 * (installments_payments.csv). Day 0 of the DAYS_* columns is `asOf`. Amounts
 * are rounded to cents; installments carry no principal/interest split, so the
 * whole instalment is principal_due. Every installment row is written as a
 * payment, and as a schedule row where the loan's installments make a schedule
 * ingest accepts (installment-schedules.ts; the others are set aside with the
 * reason, the loan evaluated on its generated schedule). Rows of loans not
 * written (refused, or an applicant missing from application.csv — the
 * subset's orphans) reference unknown loans and are quarantined by ingest.
 * installments_payments.csv is read twice: once to judge each loan's
 * installments, once to write. A loan without a term (a revolving line) is set aside with its
 * installments. The source gives no rate for most loans: annual_rate is 0.
 */
const products: Record<string, string> = {
  'Cash loans': 'cash_loan',
  'Consumer loans': 'consumer',
  'Revolving loans': 'revolving',
};

const termAsideReason = 'loan without a term (CNT_PAYMENT 0 or empty: a revolving line): not a term loan';
const termlessInstallmentReason = 'installment of a loan set aside without a term (schedule and payment)';

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
  const principalCents = new Map<string, number>();
  const termless = new Set<string>();
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
    // a revolving line (CNT_PAYMENT 0) has no term: ingest would quarantine it, and its installments as
    // rows of no loan, where no later file could resolve them (the converted files are temporary)
    const term = Math.round(Number(row.CNT_PAYMENT));
    if (row.CNT_PAYMENT === '' || !(term >= 1)) {
      receipt.aside(termAsideReason);
      termless.add(`HC${row.SK_ID_PREV}`);
      continue;
    }
    const credit = round2(row.AMT_CREDIT!);
    if (/^-?\d+\.\d\d$/u.test(credit)) principalCents.set(`HC${row.SK_ID_PREV}`, Math.round(Number(credit) * 100));
    loans.write([
      `HC${row.SK_ID_PREV}`,
      `HC${row.SK_ID_CURR}`,
      products[row.NAME_CONTRACT_TYPE!] ?? row.NAME_CONTRACT_TYPE!,
      dayShift(o.asOf, Number(row.DAYS_DECISION)),
      credit,
      '0',
      String(term),
      'annuity',
      row.CHANNEL_TYPE ?? '',
      'CNY',
    ]);
    receipt.countWritten('loans');
  }
  await loans.close();
  const installments = join(inputDir, 'installments_payments.csv');
  const collector = new InstallmentCollector();
  for await (const { row } of readCsvObjects(installments)) {
    const loan = `HC${row.SK_ID_PREV}`;
    if (principalCents.has(loan))
      collector.add(
        loan,
        row.NUM_INSTALMENT_NUMBER!,
        Math.floor(Number(row.DAYS_INSTALMENT)),
        round2(row.AMT_INSTALMENT!),
      );
  }
  const verdicts = collector.verdicts(principalCents);
  const writtenInstallments = new Map<string, Set<number>>();
  const schedule = sinks.open(
    join(outDir, 'schedule.csv'),
    ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'],
    'csv',
  );
  const payments = sinks.open(join(outDir, 'payments.csv'), ['payment_id', 'loan_id', 'paid_date', 'amount'], 'csv');
  for await (const { line, row } of readCsvObjects(installments)) {
    receipt.countRead('installments_payments.csv');
    const loan = `HC${row.SK_ID_PREV}`;
    if (termless.has(loan)) {
      receipt.aside(termlessInstallmentReason);
      continue;
    }
    const verdict = verdicts.get(loan);
    let written = writtenInstallments.get(loan);
    if (verdict === 'complete' && written === undefined) writtenInstallments.set(loan, (written = new Set()));
    if (verdict !== undefined && verdict !== 'complete') receipt.aside(scheduleAsideReasons[verdict]);
    else if (written?.has(Number(row.NUM_INSTALMENT_NUMBER))) receipt.aside(furtherPaymentReason);
    else {
      written?.add(Number(row.NUM_INSTALMENT_NUMBER));
      schedule.write([
        loan,
        row.NUM_INSTALMENT_NUMBER!,
        dayShift(o.asOf, Number(row.DAYS_INSTALMENT)),
        round2(row.AMT_INSTALMENT!),
        '0.00',
      ]);
      receipt.countWritten('schedule');
    }
    payments.write([
      `${loan}-${row.NUM_INSTALMENT_NUMBER}-L${line}`,
      loan,
      row.DAYS_ENTRY_PAYMENT === '' ? '' : dayShift(o.asOf, Number(row.DAYS_ENTRY_PAYMENT)),
      round2(row.AMT_PAYMENT!),
    ]);
    receipt.countWritten('payments');
  }
  await schedule.close();
  await payments.close();
  return receipt;
}
