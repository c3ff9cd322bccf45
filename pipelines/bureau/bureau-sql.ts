import { tableRef } from '../../warehouse/ddl.ts';
import { scheduleArraysSql } from '../../warehouse/schedule/build-schedule.ts';
import type { CodeTable } from './codes.ts';

interface Db {
  database: string;
}

/** Loan events that close an account otherwise than by repayment (`G`). */
export const closingEventTypes = ['settlement', 'debt_sale'];

/** Length of the history string. */
export const historyMonths = 24;

/** The code table and settings as bound parameters (values never reach the SQL text). */
export function codeParams(t: CodeTable, s: { graceDays: number; dpdConvention: string }): Record<string, unknown> {
  return {
    c_current: t.current,
    c_paid_off: t.paid_off,
    c_closed_other: t.closed_other,
    c_written_off: t.written_off,
    c_nothing_due: t.nothing_due,
    c_unknown: t.unknown,
    c_before_open: t.before_open,
    band_min: t.bands.map((b) => b.min_dpd),
    band_code: t.bands.map((b) => b.code),
    closing_types: closingEventTypes,
    grace: s.graceDays,
    grace_end: s.dpdConvention === 'grace_end' ? 1 : 0,
    history_months: historyMonths,
  };
}

/** The band code of a DPD > 0 (bands are contiguous from 1, ascending). */
const bandCode = (dpd: string) => `{band_code:Array(String)}[arrayCount(x -> x <= ${dpd}, {band_min:Array(UInt32)})]`;

/**
 * Due dates of each schedule-path loan's installments that ask for an amount (> 0): the file's
 * schedule when it has one, else the one generated from the terms (as the snapshot does).
 */
function dueDatesSql(db: Db): string {
  const gen = scheduleArraysSql({
    orig: 'lwq_l.origination_date',
    principalCents: 'toInt64(lwq_l.principal * 100)',
    rate: 'lwq_l.annual_rate',
    term: 'lwq_l.term_months',
    method: 'lwq_l.repayment_method',
  });
  return `SELECT lwq_l.loan_id AS loan_id,
      length(lwq_sf.s) > 0 AS has_file_schedule,
      if(has_file_schedule, arrayMap(x -> x.1, lwq_sf.s), ${gen.due}) AS s_due,
      if(has_file_schedule, arrayMap(x -> x.2, lwq_sf.s), arrayMap((i, p) -> i + p, ${gen.interest} AS gi, ${gen.principalFrom('gi')})) AS s_amt,
      arrayFilter((d, a) -> a > 0, s_due, s_amt) AS due
    FROM ${tableRef(db, 'loans')} AS lwq_l
    LEFT JOIN (SELECT loan_id, arrayMap(x -> (x.2, x.3), arraySort(groupArray((installment_no, due_date, toInt64((principal_due + interest_due) * 100))))) AS s
               FROM ${tableRef(db, 'schedule')} GROUP BY loan_id) AS lwq_sf ON lwq_sf.loan_id = lwq_l.loan_id
    WHERE lwq_l.loan_id NOT IN (SELECT loan_id FROM ${tableRef(db, 'performance')})`;
}

/** First settlement / debt sale of each loan: the month-end it closes the account (G). */
function closingSql(db: Db): string {
  return `SELECT loan_id, toLastDayOfMonth(min(event_date)) AS g_me, toUInt8(1) AS has_g
    FROM ${tableRef(db, 'loan_events')} WHERE has({closing_types:Array(String)}, type) GROUP BY loan_id`;
}

/**
 * A written-off account stays open with the bureau until it is settled or sold: every month-end
 * after the charge-off month up to {me} (and up to the month of the first settlement / debt sale)
 * repeats the charge-off row — status charged_off (`B`), its DPD, balance and overdue amount as
 * written off (the snapshot has no rows after it, and the bureau is told what was written off).
 * `eval_me` is the month-end the row's figures were evaluated at.
 */
function writtenOffMonthsSql(db: Db): string {
  return `SELECT lwq_w.loan_id AS loan_id, toLastDayOfMonth(addMonths(lwq_w.month_end, k)) AS month_end, lwq_w.month_end AS eval_me,
      lwq_w.dpd AS dpd, lwq_w.status AS status, lwq_w.source AS source, lwq_w.principal_balance AS principal_balance,
      lwq_w.overdue_principal AS overdue_principal, lwq_w.overdue_interest AS overdue_interest
    FROM ${tableRef(db, 'loan_month')} AS lwq_w
    LEFT JOIN (${closingSql(db)}) AS lwq_x ON lwq_x.loan_id = lwq_w.loan_id
    ARRAY JOIN range(1, toUInt32(greatest(1, dateDiff('month', toStartOfMonth(lwq_w.month_end),
      toStartOfMonth(if(lwq_x.has_g = 1 AND lwq_x.g_me < {me:Date}, lwq_x.g_me, {me:Date}))) + 1))) AS k
    WHERE lwq_w.status = 'charged_off' AND lwq_w.month_end < {me:Date}`;
}

/**
 * The code of every loan-month up to {me}: the snapshot row's status and DPD (a written-off
 * account's months after its charge-off: writtenOffMonthsSql), the loan's schedule (whether
 * anything fell due in the month) and its closing events. Rows after the month of a settlement /
 * debt sale are dropped (the account is closed).
 */
function codedMonthsSql(db: Db): string {
  return `SELECT lwq_m.loan_id AS loan_id, lwq_m.month_end AS month_end, lwq_m.dpd AS dpd, lwq_m.status AS status,
      lwq_m.source AS source,
      lwq_g.has_g = 1 AND lwq_g.g_me = lwq_m.month_end AS closed_here,
      -- a settlement or debt sale closes the account: nothing is owed to the lender at its month-end
      if(closed_here, toDecimal64(0, 2), lwq_m.principal_balance) AS principal_balance,
      if(closed_here, toDecimal64(0, 2), lwq_m.overdue_principal + lwq_m.overdue_interest) AS overdue_amount,
      arrayCount(d -> toLastDayOfMonth(d) = lwq_m.month_end, lwq_d.due) AS due_in_month,
      -- installments past due and not fully paid: due on or after the oldest unpaid one (month-end − DPD)
      multiIf(lwq_m.dpd = 0 OR closed_here, 0, lwq_m.source = 'schedule',
        arrayCount(d -> d >= subtractDays(lwq_m.eval_me, lwq_m.dpd + if({grace_end:UInt8} = 1, {grace:UInt16}, 0))
                        AND addDays(d, {grace:UInt16}) < lwq_m.eval_me, lwq_d.due),
        intDiv(lwq_m.dpd + 29, 30)) AS overdue_periods,
      multiIf(closed_here, {c_closed_other:String},
        lwq_m.status = 'charged_off', {c_written_off:String},
        lwq_m.status = 'paid_off', {c_paid_off:String},
        lwq_m.dpd > 0, ${bandCode('lwq_m.dpd')},
        lwq_m.source = 'schedule' AND due_in_month = 0, {c_nothing_due:String},
        {c_current:String}) AS code
    FROM (SELECT loan_id, month_end, month_end AS eval_me, dpd, status, source, principal_balance, overdue_principal, overdue_interest
          FROM ${tableRef(db, 'loan_month')} WHERE month_end <= {me:Date}
          UNION ALL ${writtenOffMonthsSql(db)}) AS lwq_m
    LEFT JOIN (${closingSql(db)}) AS lwq_g ON lwq_g.loan_id = lwq_m.loan_id
    LEFT JOIN (${dueDatesSql(db)}) AS lwq_d ON lwq_d.loan_id = lwq_m.loan_id
    WHERE lwq_m.month_end <= {me:Date} AND NOT (lwq_g.has_g = 1 AND lwq_m.month_end > lwq_g.g_me)`;
}

/**
 * The month's submission: one row per account open at {me} — originated on or before it, not
 * closed before it (a paid-off loan's terminal row, the month-end of a settlement / debt sale;
 * a written-off account stays open until one of those) —
 * with the code at {me} (`unknown` when the snapshot has no row then) and the 24-month history
 * string, oldest month first, padded with `before_open` before the origination month. Besides the
 * submission's columns, each row carries what the consistency check compares the code with.
 */
export function submissionSql(db: Db): string {
  const t = (name: string) => tableRef(db, name);
  return `
SELECT lwq_l.loan_id AS account,
  ifNull(lwq_c.id_number_hash, '') AS customer_hash,
  if(lwq_h.has_row = 1, lwq_h.cur_code, {c_unknown:String}) AS status_code,
  if(lwq_h.has_row = 1, toDecimalString(lwq_h.cur_balance, 2), '') AS balance,
  if(lwq_h.has_row = 1, toDecimalString(lwq_h.cur_overdue, 2), '') AS overdue_amount,
  if(lwq_h.has_row = 1, toString(lwq_h.cur_periods), '') AS overdue_periods,
  if(lwq_h.max_dpd > 0, ${bandCode('lwq_h.max_dpd')}, '') AS max_overdue,
  if(lwq_p.has_pay = 1, toString(lwq_p.last_date), '') AS last_payment_date,
  if(lwq_p.has_pay = 1, toDecimalString(lwq_p.last_amount, 2), '') AS last_payment_amount,
  arrayStringConcat(arrayMap(k -> multiIf(k < toRelativeMonthNum(lwq_l.origination_date), {c_before_open:String},
      indexOf(lwq_h.ms, k) > 0, lwq_h.cs[indexOf(lwq_h.ms, k)], {c_unknown:String}),
    range(toUInt32(toRelativeMonthNum({me:Date}) - {history_months:UInt32} + 1), toUInt32(toRelativeMonthNum({me:Date}) + 1)))) AS history_24m,
  lwq_h.has_row AS has_row, lwq_h.cur_dpd AS snap_dpd, lwq_h.cur_status AS snap_status, lwq_h.cur_closed AS closed_here
FROM ${t('loans')} AS lwq_l
-- the account closes at a payoff; a charge-off leaves it open (reported B) until a settlement or debt sale
INNER JOIN (SELECT loan_id, min(if(status = 'paid_off', month_end, toDate('2149-06-06'))) AS terminal_me
            FROM ${t('loan_month')} GROUP BY loan_id) AS lwq_s ON lwq_s.loan_id = lwq_l.loan_id
LEFT JOIN (${closingSql(db)}) AS lwq_g ON lwq_g.loan_id = lwq_l.loan_id
LEFT JOIN (SELECT customer_id, any(id_number_hash) AS id_number_hash FROM ${t('customers')} GROUP BY customer_id) AS lwq_c
  ON lwq_c.customer_id = lwq_l.customer_id
-- one pass over the coded months: the history, the largest DPD so far, and the month's own row
LEFT JOIN (SELECT loan_id, groupArray(toRelativeMonthNum(month_end)) AS ms, groupArray(code) AS cs, maxIf(dpd, NOT closed_here) AS max_dpd,
             toUInt8(countIf(month_end = {me:Date}) > 0) AS has_row,
             anyIf(code, month_end = {me:Date}) AS cur_code, anyIf(dpd, month_end = {me:Date}) AS cur_dpd, anyIf(status, month_end = {me:Date}) AS cur_status,
             anyIf(principal_balance, month_end = {me:Date}) AS cur_balance, anyIf(overdue_amount, month_end = {me:Date}) AS cur_overdue,
             anyIf(overdue_periods, month_end = {me:Date}) AS cur_periods, toUInt8(countIf(closed_here AND month_end = {me:Date}) > 0) AS cur_closed
           FROM (${codedMonthsSql(db)}) GROUP BY loan_id) AS lwq_h ON lwq_h.loan_id = lwq_l.loan_id
LEFT JOIN (SELECT loan_id, max(paid_date) AS last_date, argMax(day_amount, paid_date) AS last_amount, toUInt8(1) AS has_pay
           FROM (SELECT loan_id, paid_date, sum(amount) AS day_amount FROM ${t('payments')} WHERE paid_date <= {me:Date} GROUP BY loan_id, paid_date)
           GROUP BY loan_id) AS lwq_p ON lwq_p.loan_id = lwq_l.loan_id
WHERE toStartOfMonth(lwq_l.origination_date) <= toStartOfMonth({me:Date})
  AND lwq_s.terminal_me >= {me:Date}
  AND NOT (lwq_g.has_g = 1 AND lwq_g.g_me < {me:Date})`;
}

/** The submission with `agrees`: whether the code keeps its meaning against the snapshot ({@link codeAgreesSql}). */
export const checkedSubmissionSql = (db: Db) => `SELECT *, ${codeAgreesSql} AS agrees FROM (${submissionSql(db)})`;

/**
 * What each code means, whatever the table says (the personal credit report's letters), as a
 * predicate on a submission row: a row for which it is false contradicts the snapshot.
 */
export const codeAgreesSql = `multiIf(
  status_code IN ('N', '*'), has_row = 1 AND snap_status = 'active' AND snap_dpd = 0,
  status_code IN ('1', '2', '3', '4', '5', '6', '7'), has_row = 1 AND snap_status = 'active' AND snap_dpd > 0,
  status_code = 'C', has_row = 1 AND snap_status = 'paid_off',
  status_code = 'B', has_row = 1 AND snap_status = 'charged_off',
  status_code = 'G', has_row = 1 AND closed_here,
  status_code = '#', has_row = 0,
  0)`;
