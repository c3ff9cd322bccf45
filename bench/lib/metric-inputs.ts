import { join } from 'node:path';
import { exec, type Warehouse } from '../../warehouse/connection.ts';

/**
 * The rows bench/metrics hands to its peers (bench/pandas/metrics.py, bench/duckdb/metrics.ts), as
 * CSV in `dir`: ids, days and month indexes (year·12 + month − 1) as integers, money as decimals.
 * loan_month.csv (month-ends up to the as-of), loans.csv (originated by then), cash.csv (payments
 * and post-default cash events), actions.csv (collection actions up to the as-of).
 */
export async function exportMetricInputs(wh: Warehouse, dir: string, asOf: string): Promise<void> {
  const db = wh.database;
  const monthIdx = (col: string) => `(toYear(${col}) * 12 + toMonth(${col}) - 1)`;
  const id = (col: string) => `toUInt64(substring(${col}, 2))`;
  const write = (sql: string, f: string) =>
    exec(
      wh,
      `INSERT INTO FUNCTION file({f:String}, 'CSVWithNames') ${sql} SETTINGS engine_file_truncate_on_insert = 1`,
      {
        f: join(dir, f),
        as_of: asOf,
      },
    );
  await write(
    `SELECT ${id('loan_id')} AS loan, toInt32(month_end) AS me, ${monthIdx('month_end')} AS month, ${monthIdx('cohort_month')} AS cohort, mob, dpd, bucket, status, five_class,
  toFloat64(principal_balance) AS bal FROM ${db}.loan_month WHERE month_end <= {as_of:Date}`,
    'loan_month.csv',
  );
  await write(
    `SELECT ${id('loan_id')} AS loan, ${monthIdx('origination_date')} AS orig_month, toFloat64(principal) AS principal FROM ${db}.loans WHERE origination_date <= {as_of:Date}`,
    'loans.csv',
  );
  await write(
    `SELECT ${id('loan_id')} AS loan, toInt32(paid_date) AS date, ${monthIdx('paid_date')} AS month, toFloat64(amount) AS amount, 'payment' AS kind FROM ${db}.payments
  UNION ALL SELECT ${id('loan_id')}, toInt32(event_date), ${monthIdx('event_date')}, toFloat64(amount), type FROM ${db}.loan_events WHERE type IN ('recovery', 'collateral_sale', 'debt_sale', 'settlement')`,
    'cash.csv',
  );
  await write(
    `SELECT action_id, ${id('loan_id')} AS loan, toInt32(action_date) AS date, ${monthIdx('action_date')} AS month, channel, outcome,
  toFloat64(promised_amount) AS promised_amount, toInt32(promised_date) AS promised_date FROM ${db}.collection_actions WHERE action_date <= {as_of:Date}`,
    'actions.csv',
  );
}
