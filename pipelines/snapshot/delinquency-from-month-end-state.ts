import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { delinquencyOnWindowSql } from '../../warehouse/delinquency-on-window-sql.ts';

/** moved down to warehouse/ (the derived facts evaluate action days with it); re-exported for the snapshot's readers */
export { delinquencyOnWindowSql } from '../../warehouse/delinquency-on-window-sql.ts';

/**
 * Active schedule loans' delinquency on a date after `monthEnd` and before the next month-end,
 * from month_end_state alone, on its window (delinquencyOnWindowSql; the cumulative sums before it
 * added back).
 */
export function delinquencyFromMonthEndStateSql(
  wh: Pick<Warehouse, 'database'>,
  o: {
    asOf: string;
    monthEnd: string;
    /** the keeping to read (heldMonthEndState) */
    fillId: string;
    grace: Param;
    graceEnd: Param;
    bucket: (dpd: string, status: string) => Sql;
    part: LoanPart;
  },
): Sql {
  const date = param(o.asOf, 'Date');
  const toDate = (values: string, dates: string) =>
    sql`arraySum(arrayFilter((v, t) -> t <= ${date}, ${trusted(values)}, ${trusted(dates)}))`;
  const state = sql`
    SELECT loan_id, due, principal, interest, principal_total, explicit_split, charge_off, due_before, principal_before, interest_before,
      applied + restructured + ${toDate('pay_applied', 'pay_dates')} + ${toDate('restructure_amounts', 'restructure_dates')} AS P,
      principal_paid + ${toDate('pay_principal', 'pay_dates')} AS principal_paid_to_date,
      restructure_total - restructured - ${toDate('restructure_amounts', 'restructure_dates')} AS restructured_later
    FROM ${trusted(tableRef(wh, 'month_end_state'))}
    WHERE month_end = ${param(o.monthEnd, 'Date')} AND fill_id = ${param(o.fillId, 'String')} AND origination_date <= ${date}
      AND ${inLoanPart('loan_id', o.part)}`;
  return delinquencyOnWindowSql(state, { date, grace: o.grace, graceEnd: o.graceEnd, bucket: o.bucket });
}
