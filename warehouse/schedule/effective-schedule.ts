import { scheduleArraysSql } from './build-schedule.ts';
import { tableRef } from '../ddl.ts';
import { sql, trusted, type Param, type Sql } from '../sql.ts';

interface Db {
  database: string;
}

/**
 * How far a reader's evaluation can reach into a loan's schedule: its last date, and an amount no
 * date's amount applied to the schedule exceeds (cents; columns of the query the schedule goes into).
 */
export interface ScheduleReach {
  through: Sql | Param;
  credits: Sql;
}

/**
 * The schedule a loan is evaluated on, as arrays s_due / s_int / s_pr (cents): the file's schedule
 * when it has one, else the one generated from the loan's terms. `loans` is the alias of the loans
 * table in the query both pieces go into; `as` names the file schedule's join, which `join` defines
 * and `columns` reads, so the two cannot disagree. `filter` narrows the schedule rows read (a hash
 * bucket of loan_id).
 *
 * With `reach`, a generated schedule only as far as it can reach, not a long loan's every month: the
 * installments due by `through` (at most the months from origination to it + 1) and those `credits`
 * can cover — every installment but the last is at least a floor (build-schedule.ts), so an amount P
 * covers fewer than P / floor + 1 of them. The oldest unpaid installment and every past-due one then
 * fall in the arrays, which equal the whole schedule's start; `s_prefix` says they stop short of its
 * end, `s_principal_cents` is its whole principal (and with `interestTotal`, `s_interest_total` its
 * whole interest). A file's schedule is read whole.
 */
export function effectiveSchedule(
  db: Db,
  o: { loans: string; as: string; filter?: Sql; reach?: ScheduleReach | undefined; interestTotal?: boolean },
): { join: Sql; columns: Sql } {
  const [l, sf] = [o.loans, o.as];
  const gen = scheduleArraysSql({
    orig: `${l}.origination_date`,
    principalCents: `toInt64(${l}.principal * 100)`,
    rate: `${l}.annual_rate`,
    term: `${l}.term_months`,
    method: `${l}.repayment_method`,
    upTo: o.reach ? 's_up_to' : undefined,
  });
  const arrays = trusted(`length(${sf}.s) > 0 AS has_file_schedule,
      if(has_file_schedule, arrayMap(x -> x.2, ${sf}.s), ${gen.due}) AS s_due,
      if(has_file_schedule, arrayMap(x -> x.4, ${sf}.s), ${gen.interest}) AS s_int,
      if(has_file_schedule, arrayMap(x -> x.3, ${sf}.s), ${gen.principalFrom('s_int')}) AS s_pr`);
  const join = sql`LEFT JOIN (SELECT loan_id, arraySort(groupArray((installment_no, due_date, toInt64(principal_due * 100), toInt64(interest_due * 100)))) AS s
               FROM ${trusted(tableRef(db, 'schedule'))} WHERE ${o.filter ?? trusted('1')} GROUP BY loan_id) AS ${trusted(sf)} ON ${trusted(`${sf}.loan_id = ${l}.loan_id`)}`;
  if (!o.reach) return { join, columns: arrays };
  const term = trusted(`toInt64(${l}.term_months)`);
  const totals = o.interestTotal ? `, if(s_prefix, ${gen.interestTotal}, 0) AS s_interest_total` : '';
  const columns = sql`toInt64(${trusted(l)}.principal * 100) AS s_principal_cents, ${trusted(gen.installmentFloor)} AS s_floor,
      least(${term}, if(s_floor > 0, greatest(dateDiff('month', ${trusted(l)}.origination_date, ${o.reach.through}) + 2,
        -- never a division by zero, whether or not the engine evaluates this branch for a zero floor
        intDiv(greatest(${o.reach.credits}, 0), greatest(s_floor, 1)) + 2), ${term})) AS s_up_to,
      ${arrays}, ${trusted(`NOT has_file_schedule AND ${gen.isPrefix} AS s_prefix${totals}`)}`;
  return { join, columns };
}
