import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, underLayers, type Param, type Sql } from '../../warehouse/sql.ts';

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

/**
 * SPEC §4's rules in closed form on a window of each loan's schedule, for a date: `state` gives per
 * loan its window (due, principal, interest: cents), the cumulative sums before it (due_before,
 * principal_before, interest_before; 0 for a window from the first installment), the amount applied
 * P, principal_total, explicit_split with principal_paid_to_date, restructured_later (restructure
 * credits after the date) and charge_off (2149-06-06: none). The oldest installment not fully paid is
 * the window's first whose cumulative amount due exceeds P, DPD counts from its due date once grace
 * has lapsed, the waterfall (interest then principal) gives the principal paid and hence the balance
 * and overdue amounts. Active loans only, with DelinquencyAsOf's columns.
 */
export function delinquencyOnWindowSql(
  state: Sql,
  o: { date: Param; grace: Param; graceEnd: Param; bucket: (dpd: string, status: string) => Sql },
): Sql {
  const { date } = o;
  const cents = (x: string) => trusted(`toString(CAST(${x} AS Decimal(18, 2)) / 100)`);
  const evaluated = underLayers(state, [
    `arrayMap(c -> c + due_before, arrayCumSum(arrayMap((x, y) -> x + y, principal, interest))) AS C,
      arrayMap(c -> c + principal_before, arrayCumSum(principal)) AS CPR, arrayMap(c -> c + interest_before, arrayCumSum(interest)) AS CI`,
    sql`arrayFirstIndex(c -> c > P, C) AS io, arrayCount(x -> x + ${o.grace} < ${date}, due) AS k`,
    sql`if(io > 1, C[io - 1], due_before) AS c_prev,
      multiIf(${date} >= charge_off, 'charged_off', io = 0, 'paid_off', 'active') AS status,
      toUInt32(greatest(if(io > 0 AND due[io] + ${o.grace} < ${date},
        toInt64(dateDiff('day', due[io], ${date})) - if(${o.graceEnd} = 1, ${o.grace}, 0), 0), 0)) AS dpd`,
    `if(io = 0, principal_total, if(io > 1, CPR[io - 1], principal_before) + least(greatest(P - c_prev - interest[io], 0), principal[io])) AS ppaid,
      if(io = 0, 0, if(io > 1, CI[io - 1], interest_before) + least(greatest(P - c_prev, 0), interest[io])) AS ipaid`,
    // installments before the window are past due only when its first is, and then all paid: k counts the window's
    `if(k > 0, greatest(CPR[k] - ppaid, 0), 0) AS odp, if(k > 0, greatest(CI[k] - ipaid, 0), 0) AS odi,
      greatest(principal_total - if(explicit_split = 1, principal_paid_to_date, ppaid) - restructured_later, 0) AS bal`,
  ]);
  return sql`
    SELECT loan_id, toString(${date}) AS as_of, 'schedule' AS source, dpd, ${o.bucket('dpd', 'status')} AS bucket, status,
      ${cents('bal')} AS principal_balance, ${cents('odp')} AS overdue_principal, ${cents('odi')} AS overdue_interest
    FROM (${evaluated})
    WHERE status = 'active'`;
}
