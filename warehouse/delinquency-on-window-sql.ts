import { sql, trusted, underLayers, type Param, type Sql } from './sql.ts';

/**
 * SPEC §4's rules in closed form on a window of each loan's schedule, for a date: `state` gives per
 * loan its window (due, principal, interest: cents), the cumulative sums before it (due_before,
 * principal_before, interest_before; 0 for a window from the first installment), the amount applied
 * P, principal_total, explicit_split with principal_paid_to_date, restructured_later (restructure
 * credits after the date) and charge_off (2149-06-06: none). The oldest installment not fully paid is
 * the window's first whose cumulative amount due exceeds P, DPD counts from its due date once grace
 * has lapsed, the waterfall (interest then principal) gives the principal paid and hence the balance
 * and overdue amounts. Active loans only, with DelinquencyAsOf's columns; with `closed`, also the loans
 * paid off or charged off by the date (bucket PO, WO), as the `dpd` command reads them.
 *
 * `date` is one date for every row (a bound parameter) or a column of `state` (each row its own
 * date: the collection facts evaluate each action's loan on the action's day); the settings are
 * bound parameters or, in a migration, expressions reading those of the stored snapshot.
 */
export function delinquencyOnWindowSql(
  state: Sql,
  o: {
    date: Param | Sql;
    grace: Param | Sql;
    graceEnd: Param | Sql;
    bucket: (dpd: string, status: string) => Sql;
    closed?: boolean;
  },
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
    ${trusted(o.closed ? '' : "WHERE status = 'active'")}`;
}
