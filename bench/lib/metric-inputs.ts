import { join } from 'node:path';
import { exec, type Warehouse } from '../../warehouse/connection.ts';
import { effectiveScheduleColumns, fileScheduleJoin } from '../../pipelines/snapshot/schedule-path-sql.ts';

/**
 * The rows bench/metrics hands to its peers (bench/pandas/metrics.py, bench/duckdb/metrics.ts), as
 * CSV in `dir`: ids, days and month indexes (year·12 + month − 1) as integers, money as decimals.
 * loan_month.csv (month-ends up to the as-of), loans.csv (originated by then), cash.csv (payments
 * and post-default cash events), actions.csv (collection actions up to the as-of); for the DPD on
 * each action's day, of the worked loans: action_loans.csv (origination day, tape or schedule),
 * action_dues.csv (the effective schedule's installments due by the as-of: day, cents — loanwatch's
 * schedule convention, as bench/duckdb/snapshot.ts reads it), action_credits.csv (payments less penalty
 * before any charge-off, and restructure credits: day, cents) and action_charge_offs.csv.
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
  const worked = `SELECT loan_id FROM ${db}.collection_actions WHERE action_date <= {as_of:Date}`;
  await write(
    `SELECT ${id('loan_id')} AS loan, toInt32(origination_date) AS orig, toUInt8(loan_id IN (SELECT loan_id FROM ${db}.performance)) AS tape
  FROM ${db}.loans WHERE loan_id IN (${worked})`,
    'action_loans.csv',
  );
  await write(
    `SELECT loan, toInt32(x.1) AS due, x.3 AS no, x.2 AS cents FROM (
    SELECT ${id('lwq_l.loan_id')} AS loan, ${effectiveScheduleColumns()},
      arrayJoin(arrayZip(s_due, arrayMap((a, b) -> a + b, s_pr, s_int), arrayEnumerate(s_due))) AS x
    FROM (SELECT * FROM ${db}.loans WHERE loan_id IN (${worked})) AS lwq_l ${fileScheduleJoin(wh)}) WHERE x.1 <= {as_of:Date}`,
    'action_dues.csv',
  );
  await write(
    `SELECT ${id('p.loan_id')} AS loan, toInt32(p.paid_date) AS date, toInt64((p.amount - ifNull(p.penalty_paid, 0)) * 100) AS cents
  FROM ${db}.payments AS p LEFT JOIN (SELECT loan_id, min(event_date) AS co FROM ${db}.loan_events WHERE type = 'charge_off' GROUP BY loan_id) AS c ON c.loan_id = p.loan_id
  WHERE p.loan_id IN (${worked}) AND (c.loan_id = '' OR p.paid_date < c.co)
  UNION ALL SELECT ${id('loan_id')}, toInt32(event_date), toInt64(amount * 100) FROM ${db}.loan_events WHERE type = 'restructure' AND loan_id IN (${worked})`,
    'action_credits.csv',
  );
  await write(
    `SELECT ${id('loan_id')} AS loan, toInt32(min(event_date)) AS co FROM ${db}.loan_events WHERE type = 'charge_off' AND loan_id IN (${worked}) GROUP BY loan_id`,
    'action_charge_offs.csv',
  );
}
