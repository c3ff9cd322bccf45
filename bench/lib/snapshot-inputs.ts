import { join } from 'node:path';
import { effectiveScheduleColumns, fileScheduleJoin } from '../../pipelines/snapshot/schedule-path-sql.ts';
import { exec, type Warehouse } from '../../warehouse/connection.ts';

/**
 * The rows bench/ingest-snapshot hands to the pandas reference (bench/pandas/snapshot_dpd.py), as
 * CSV in `dir`, integers only (days since 1970-01-01, cents): schedule.csv (installments due up to
 * the as-of month-end), credits.csv (payments less penalty before any charge-off, and restructure
 * credits; the DuckDB peer reads it too), grid.csv (every schedule-path loan-month with loanwatch's DPD).
 */
export async function exportSnapshotReferenceInputs(wh: Warehouse, dir: string, asOf: string): Promise<void> {
  const db = wh.database;
  const loanNo = (col: string) => `toUInt64(substring(${col}, 2))`;
  const write = (file: string, select: string) =>
    exec(
      wh,
      `INSERT INTO FUNCTION file({f:String}, 'CSVWithNames') ${select} SETTINGS engine_file_truncate_on_insert = 1`,
      { f: join(dir, file), me: asOf },
    );
  await write(
    'schedule.csv',
    `SELECT loan, toInt32(x.1) AS due, x.2 AS amount FROM (
    SELECT ${loanNo('lwq_l.loan_id')} AS loan, ${effectiveScheduleColumns()}, arrayJoin(arrayZip(s_due, arrayMap((a, b) -> a + b, s_pr, s_int))) AS x
    FROM ${db}.loans AS lwq_l ${fileScheduleJoin(wh)}) WHERE x.1 <= {me:Date}`,
  );
  await write(
    'credits.csv',
    `SELECT ${loanNo('p.loan_id')} AS loan, toInt32(p.paid_date) AS date, toInt64((p.amount - ifNull(p.penalty_paid, 0)) * 100) AS applied
  FROM ${db}.payments AS p LEFT JOIN (SELECT loan_id, min(event_date) AS co FROM ${db}.loan_events WHERE type = 'charge_off' GROUP BY loan_id) AS c ON c.loan_id = p.loan_id
  WHERE c.loan_id = '' OR p.paid_date < c.co
  UNION ALL SELECT ${loanNo('loan_id')}, toInt32(event_date), toInt64(amount * 100) FROM ${db}.loan_events WHERE type = 'restructure'`,
  );
  await write(
    'grid.csv',
    `SELECT ${loanNo('loan_id')} AS loan, toInt32(month_end) AS me, dpd FROM ${db}.loan_month WHERE source = 'schedule'`,
  );
}
