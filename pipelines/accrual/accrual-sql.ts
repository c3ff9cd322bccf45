import { tableRef } from '../../warehouse/ddl.ts';
import { noNextMonthEnd } from '../../warehouse/tables.ts';
import { param, sql, trusted, underLayers, type Param, type Sql } from '../../warehouse/sql.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { effectiveSchedule } from '../snapshot/schedule-path-sql.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { allocationItems, type AccrualRule, type AccrualRules } from './accrual-rules.ts';
import { closedOutsSql } from './accrual-closed-sql.ts';
import { foldOutsSql } from './accrual-fold-sql.ts';
import { accrualMoneyColumns } from './accrual-row.ts';
import { closingEventTypes } from '../bureau/bureau-sql.ts';

interface Db {
  database: string;
}

/**
 * The dates a loan is evaluated at: the month-ends loan_month holds for it (the snapshot's rows, so
 * the accrual has a row per schedule loan-month) and, for a loan written off, every month-end after
 * its charge-off month through `through` (the snapshot's last month-end) until the month it is
 * settled or sold: its 表外欠息 stays owed after the snapshot's rows end (SPEC §4: none after the
 * closure month). Or the month-ends before `date` and `date` itself (non-accrual depends on the
 * earlier month-ends: it holds until DPD returns to 0).
 */
export type AccrualDates =
  | {
      kind: 'loan_month';
      through: Param;
      /**
       * only the rows after the loans' last snapshot row that still owe something: a paid-off loan's
       * month-ends after its payoff month through `through` while charges are owed, and the one of the
       * month they are paid off (its charges collected count in penalty income; fill-accrual.ts runs it
       * over the paid-off loans whose payoff row owes, and those a charges-first order left behind).
       * `from_payoff`: the month-ends before
       * the payoff are not evaluated — for loans at DPD 0 on it, whose non-accrual status later
       * depends on no earlier month-end (a loan's events are still all folded)
       */
      afterPayoff?: 'from_payoff' | 'whole_history' | undefined;
    }
  | { kind: 'as_of'; date: Param };

/** The rules as bound per-product lookups: transform(product, names, values, default). */
export function ruleLookup(rules: AccrualRules) {
  const names = Object.keys(rules.products).sort();
  const pick = (f: (r: AccrualRule) => number, type: string) => {
    const values = param(
      names.map((n) => f(rules.products[n]!)),
      `Array(${type})`,
    );
    return sql`transform(lwq_l.product, ${param(names, 'Array(String)')}, ${values}, ${param(f(rules.default), type)})`;
  };
  // the order as digits (item codes 0 scheduled, 1 penalty, 2 compound, 3 fee): transform takes no arrays
  const orderCode = pick((r) => Number(r.allocation_order.map((i) => allocationItems.indexOf(i)).join('')), 'Int64');
  return {
    basis: pick((r) => (r.day_count === 'actual/360' ? 360 : 365), 'Float64'),
    markup: pick((r) => r.penalty_markup, 'Float64'),
    compound: pick((r) => (r.compound_interest ? 1 : 0), 'Float64'),
    lateFee: pick((r) => Math.round(r.late_fee * 100), 'Float64'),
    feeCap: pick((r) => (r.late_fee_cap === null ? 1e15 : Math.round(r.late_fee_cap * 100)), 'Float64'),
    nonAccrualDpd: pick((r) => r.non_accrual_dpd, 'Int64'),
    waiveOnRestructure: pick((r) => (r.waive_on_restructure ? 1 : 0), 'UInt8'),
    orderCode,
  };
}

/**
 * Each evaluation date's state, as one tuple per date: (day, oldest unpaid installment or 0, its due
 * day, overdue principal, overdue interest, penalty, compound, fees, penalty paid, compound paid, fees
 * paid, penalty waived, compound waived, fees waived, unapplied) — cents, cumulative from origination.
 * Closed forms where the loan's order pays the schedule first; the fold over every event otherwise.
 */
function accrualOutsSql(rules: AccrualRules): { layers: string[]; outs: string } {
  const orders = [rules.default, ...Object.values(rules.products)].map((r) => r.allocation_order[0] === 'scheduled');
  const closed = closedOutsSql();
  if (orders.every(Boolean)) return closed;
  if (!orders.some(Boolean)) return { layers: [], outs: foldOutsSql() };
  return { layers: closed.layers, outs: `if(ORDER[1] = 0, ${closed.outs}, ${foldOutsSql()})` };
}

/**
 * What each schedule loan owes beyond its schedule at each evaluation date, per docs/accrual.md:
 * one row per loan and date with the columns of AccrualRow (money as Decimal(18, 2)), from the
 * loan's events in date order (installments passing their grace, payments, restructure credits,
 * waivers, evaluations): between two events nothing changes what is overdue, so a stretch of days
 * accrues at once (days × the day's penalty, rounded to the cent per day). `loans` narrows to a
 * subquery of loan ids.
 */
export function accrualSql(
  db: Db,
  o: {
    dates: AccrualDates;
    settings: SnapshotSettings;
    rules: AccrualRules;
    loans?: Sql | undefined;
    /** a pass of a whole rebuild: only the loans of this part */
    part?: LoanPart | undefined;
    /** every installment of every schedule (the reference the prefix is tested against) */
    wholeSchedules?: boolean;
  },
): Sql {
  const t = (name: string) => trusted(tableRef(db, name));
  const r = ruleLookup(o.rules);
  const grace = param(o.settings.graceDays, 'Int64');
  const graceEnd = param(o.settings.dpdConvention === 'grace_end' ? 1 : 0, 'UInt8');
  // a pass's part is a hash of the id on every table read: an IN set of its loans took longer than the inputs' joins
  const inPart = (col: string) => (o.part ? inLoanPart(col, o.part) : trusted('1'));
  const inLoans = (col: string) => (o.loans ? sql`${inPart(col)} AND ${trusted(col)} IN (${o.loans})` : inPart(col));
  const schedule = effectiveSchedule(db, {
    loans: 'lwq_l',
    as: 'lwq_sf',
    filter: inLoans('loan_id'),
    // P never exceeds the positive payments', restructures' and waivers' sum
    reach: o.wholeSchedules
      ? undefined
      : {
          through: trusted("addDays(toDate('1970-01-01'), arrayMax(EVAL_DAYS))"),
          credits: trusted('ifNull(lwq_pay.credit_bound, 0) + ifNull(lwq_ev.credit_bound, 0)'),
        },
    interestTotal: true,
  });
  // a prefix's totals are the whole schedule's (the principal from the terms, the interest summed);
  // they are read only where P covers every installment, which a prefix never lets it (its bound)
  const totals = o.wholeSchedules
    ? 'CPR[n] AS pr_total, CI[n] AS int_total, C[n] AS sched_total'
    : `if(s_prefix, toFloat64(s_principal_cents), CPR[n]) AS pr_total, if(s_prefix, toFloat64(s_interest_total), CI[n]) AS int_total,
        if(s_prefix, pr_total + int_total, C[n]) AS sched_total`;
  // a schedule loan's rows are every month-end from its cohort month to its last row (the one without a
  // next month-end), so they come from that row alone: grouping every loan-month by loan took longer
  // a written-off loan's last row is its charge-off month's: its month-ends run on to the snapshot's last
  // (and a paid-off loan's, its payoff month's, in the pass after the payoff)
  const dates =
    o.dates.kind === 'loan_month'
      ? sql`INNER JOIN (SELECT loan_id, toInt64(toUInt16(month_end)) AS last_row_day,
              arrayMap(lwa_k -> toInt64(toUInt16(toLastDayOfMonth(addMonths(cohort_month, lwa_k)))),
                range(toUInt32(if(status IN ${trusted(o.dates.afterPayoff ? "('charged_off', 'paid_off')" : "('charged_off')")},
                  greatest(toInt64(mob), dateDiff('month', toStartOfMonth(cohort_month), toStartOfMonth(${o.dates.through}))),
                  toInt64(mob))) + 1)) AS E
            FROM ${t('loan_month')}
            WHERE next_month_end = ${param(noNextMonthEnd, 'Date')} AND source = 'schedule' AND ${inLoans('loan_id')}) AS lwq_e
          ON lwq_e.loan_id = lwq_l.loan_id`
      : sql`CROSS JOIN (SELECT 1) AS lwq_e`;
  // ... through the month-end of its first settlement or debt sale (its closed row), where there is one
  const evalDays =
    o.dates.kind === 'loan_month'
      ? sql`arrayFilter(lwa_d -> lwa_d <= greatest(lwq_e.last_row_day,
            if(lwq_ev.has_close, toInt64(toUInt16(toLastDayOfMonth(lwq_ev.close_raw))), toInt64(99999)))
            ${trusted(o.dates.afterPayoff === 'from_payoff' ? 'AND lwa_d >= lwq_e.last_row_day' : '')}, lwq_e.E)`
      : sql`arrayConcat(arrayFilter(lwa_d -> lwa_d < toInt64(toUInt16(${o.dates.date})),
            arrayMap(lwa_k -> toInt64(toUInt16(toLastDayOfMonth(addMonths(toStartOfMonth(lwq_l.origination_date), lwa_k)))),
              range(toUInt32(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), toStartOfMonth(${o.dates.date})) + 1))))),
            [toInt64(toUInt16(${o.dates.date}))])`;
  const whereDate = o.dates.kind === 'as_of' ? sql`AND origination_date <= ${o.dates.date}` : trusted('');
  const outs = accrualOutsSql(o.rules);
  const closingTypes = param(closingEventTypes, 'Array(String)');
  // whole cents into Decimal(18, 2) by its representation (an Int64 of hundredths): no decimal division per value
  const cents = (x: string) => `reinterpret(toInt64(round(${x})), 'Decimal(18, 2)')`;
  const inputs = sql`
      SELECT *,
        arrayMap(lwa_v -> toFloat64(lwa_v), s_pr) AS f_pr, arrayMap(lwa_v -> toFloat64(lwa_v), s_int) AS f_int,
        arrayCumSum(arrayMap((lwa_a, lwa_b) -> lwa_a + lwa_b, f_pr, f_int)) AS C,
        arrayCumSum(f_pr) AS CPR, arrayCumSum(f_int) AS CI, length(s_due) AS n, ${trusted(totals)},
        -- nothing after the last evaluation date is reported, nor a charge or payment from the charge-off
        -- on: they are dropped before the sort (a loan's later schedule was most of what it sorted). An
        -- installment passing its grace after the charge-off still falls overdue (no fee, no accrual):
        -- on a date after it the overdue amounts are the loan's on that date, as SPEC §4 and dpd count them
        arrayMax(EVAL_DAYS) AS last_eval_day, least(co_day, last_eval_day + 1) AS event_end,
        -- the installments the closed forms look up: through the last whose grace ends by then, and one more
        least(n, arrayLastIndex(lwa_d -> toInt64(toUInt16(lwa_d)) + ${grace} + 1 <= last_eval_day, s_due) + 1) AS sched_keep,
        -- events in date order; on one day: grace ends, payments, restructures, waivers, then the evaluation
        -- (a lambda reads no other array of the loan: ClickHouse would copy it once per element)
        arraySort(lwa_x -> (lwa_x.1, lwa_x.2, lwa_x.3, lwa_x.4), arrayConcat(
          arrayFilter(lwa_x -> lwa_x.1 <= last_eval_day, arrayMap((lwa_d, lwa_i, lwa_p, lwa_n, lwa_c) -> (toInt64(toUInt16(lwa_d)) + ${grace} + 1, toUInt8(0), toFloat64(lwa_i), toFloat64(0), lwa_p, lwa_n, lwa_c),
            s_due, arrayEnumerate(s_due), f_pr, f_int, C)),
          arrayFilter(lwa_x -> lwa_x.1 < event_end, arrayMap((lwa_d, lwa_a, lwa_b) -> (toInt64(toUInt16(lwa_d)), toUInt8(1), toFloat64(lwa_a), toFloat64(lwa_b), 0., 0., 0.), pd, pa, pb)),
          arrayFilter(lwa_x -> lwa_x.1 <= last_eval_day, arrayMap((lwa_d, lwa_a) -> (toInt64(toUInt16(lwa_d)), toUInt8(2), toFloat64(lwa_a), toFloat64(0), 0., 0., 0.), rd, ra)),
          arrayFilter(lwa_x -> lwa_x.1 < event_end, arrayMap((lwa_d, lwa_a) -> (toInt64(toUInt16(lwa_d)), toUInt8(3), toFloat64(lwa_a), toFloat64(0), 0., 0., 0.), wd, wa)),
          arrayMap(lwa_d -> (lwa_d, toUInt8(4), toFloat64(0), toFloat64(0), 0., 0., 0.), EVAL_DAYS))) AS REPORTED,
        -- the pieces end at each evaluation (kind 4)
        arraySplit((lwa_x, lwa_cut) -> lwa_cut, REPORTED,
          arrayPushFront(arrayPopBack(arrayMap(lwa_x -> lwa_x.2 = 4, REPORTED)), 0)) AS PIECES
      FROM (
        SELECT lwq_l.loan_id AS loan_id, lwq_l.origination_date AS origination_date,
          ${evalDays} AS EVAL_DAYS, ${o.dates.kind === 'loan_month' ? trusted('lwq_e.last_row_day') : trusted('toInt64(99999)')} AS last_row_day,
          ${schedule.columns},
          toFloat64(lwq_l.annual_rate) * (1 + ${r.markup}) / ${r.basis} AS daily_rate,
          ${r.compound} AS compound, ${r.lateFee} AS late_fee, ${r.feeCap} AS fee_cap,
          ${r.nonAccrualDpd} AS non_accrual_dpd, ${r.waiveOnRestructure} AS waive_on_restructure,
          arrayMap(lwa_i -> toUInt8(intDiv(${r.orderCode}, toInt64(pow(10, 3 - lwa_i))) % 10), range(4)) AS ORDER,
          arrayFilter(lwa_i -> lwa_i != 0, ORDER) AS CHARGE_ORDER,
          lwq_pay.pd AS pd, lwq_pay.pa AS pa, lwq_pay.pb AS pb,
          if(lwq_ev.has_co, toInt64(toUInt16(lwq_ev.co_raw)), toInt64(99999)) AS co_day,
          if(lwq_ev.has_close, toInt64(toUInt16(lwq_ev.close_raw)), toInt64(99999)) AS close_day,
          lwq_ev.rd AS rd, lwq_ev.ra AS ra, lwq_ev.wd AS wd, lwq_ev.wa AS wa
        -- the loans kept before the joins: a filter on the joined rows probed every loan of the book against them
        FROM (SELECT * FROM ${t('loans')}
              WHERE ${inLoans('loan_id')} AND loan_id NOT IN (SELECT loan_id FROM ${t('performance')}) ${whereDate}) AS lwq_l
        ${schedule.join}
        ${dates}
        LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64(amount * 100)) AS pa,
                     groupArray(if(isNull(penalty_paid), toInt64(-1), toInt64(assumeNotNull(penalty_paid) * 100))) AS pb,
                     sum(greatest(toInt64(amount * 100), 0)) AS credit_bound
                   FROM ${t('payments')} WHERE ${inLoans('loan_id')} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
        LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                     countIf(has(${closingTypes}, type)) > 0 AS has_close, minIf(event_date, has(${closingTypes}, type)) AS close_raw,
                     groupArrayIf(event_date, type = 'restructure') AS rd, groupArrayIf(toInt64(amount * 100), type = 'restructure') AS ra,
                     groupArrayIf(event_date, type = 'waiver') AS wd, groupArrayIf(toInt64(amount * 100), type = 'waiver') AS wa,
                     sumIf(greatest(toInt64(amount * 100), 0), type IN ('restructure', 'waiver')) AS credit_bound
                   FROM ${t('loan_events')} WHERE ${inLoans('loan_id')} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
      )`;
  // overdue scheduled interest and the penalty and compound interest outstanding: on or off balance sheet
  const arrears = 'lwr_e.5 + (lwr_o.6 - lwr_o.9 - lwr_o.12) + (lwr_o.7 - lwr_o.10 - lwr_o.13)';
  const offBalance = "lwr_na OR lwr_e.2 = 'charged_off'";
  // a written-off account settled or sold (its first settlement or debt sale on or before the date): nothing
  // is owed to the lender any more, as the bureau reports it closed; what accrued, was paid and waived stays
  const owed = (x: string) => `if(lwr_e.2 = 'charged_off' AND lwr_e.1 >= close_day, 0., ${x})`;
  const money: Record<(typeof accrualMoneyColumns)[number], string> = {
    penalty_interest: 'lwr_o.6',
    compound_interest: 'lwr_o.7',
    fees: 'lwr_o.8',
    penalty_paid: 'lwr_o.9',
    compound_paid: 'lwr_o.10',
    fees_paid: 'lwr_o.11',
    penalty_waived: 'lwr_o.12',
    compound_waived: 'lwr_o.13',
    fees_waived: 'lwr_o.14',
    unapplied: 'lwr_o.15',
    overdue_principal: owed('lwr_e.4'),
    overdue_interest: owed('lwr_e.5'),
    interest_arrears_on_bs: owed(`if(${offBalance}, 0., ${arrears})`),
    interest_arrears_off_bs: owed(`if(${offBalance}, ${arrears}, 0.)`),
    amount_to_cure: owed(`lwr_e.4 + ${arrears} + (lwr_o.8 - lwr_o.11 - lwr_o.14)`),
    charges_accrued_in_month: 'lwr_c - lwr_c0',
    charges_paid_in_month: 'lwr_pc - lwr_pc0',
  };
  // each evaluation date's row: its state (lwr_e), charges (lwr_o), non-accrual flag (lwr_na), and the
  // charges accrued and paid to date at it and at the date before (lwr_c, lwr_pc; lwr_c0, lwr_pc0),
  // the per-date arrays joined out side by side: no array of whole-row tuples is built first
  return sql`
SELECT loan_id, toDate(lwr_e.1) AS date, lwr_e.2 AS status, toUInt32(lwr_e.3) AS dpd,
  multiIf(lwr_e.2 = 'charged_off' AND lwr_e.1 >= close_day, 'closed', lwr_e.2 = 'charged_off', 'charged_off', lwr_e.2 = 'paid_off', 'paid_off', lwr_na, 'non_accrual', 'accruing') AS accrual_status,
  ${trusted(accrualMoneyColumns.map((name) => `${cents(money[name])} AS ${name}`).join(',\n  '))}${trusted(
    // the loan_month row whose segment and bucket the row reads (the metrics' join): past the last, the last
    o.dates.kind === 'loan_month' ? ',\n  toDate(least(lwr_e.1, last_row_day)) AS snapshot_month_end' : '',
  )}
  FROM (${underLayers(
    sql`SELECT loan_id, co_day, close_day, last_row_day, non_accrual_dpd, ${trusted(outs.outs)} AS OUTS
    FROM (${underLayers(inputs, outs.layers)})`,
    [
      sql`arrayMap(lwa_o -> (lwa_o.1,
        multiIf(lwa_o.1 >= co_day, 'charged_off', lwa_o.2 = 0, 'paid_off', 'active'),
        if(lwa_o.2 > 0 AND lwa_o.3 + ${grace} < lwa_o.1, lwa_o.1 - lwa_o.3 - if(${graceEnd} = 1, ${grace}, 0), 0),
        lwa_o.4, lwa_o.5), OUTS) AS EV,
      arrayMap(lwa_o -> lwa_o.6 + lwa_o.7, OUTS) AS CHARGES,
      arrayMap(lwa_o -> lwa_o.9 + lwa_o.10 + lwa_o.11, OUTS) AS PAID_CHARGES`,
      `arrayMap(lwa_v -> lwa_v.3, EV) AS DPD`,
      // non-accrual from the threshold until DPD is back to 0: the last date at the threshold is later than the last at 0
      `arrayFill(lwa_i -> lwa_i > 0, arrayMap((lwa_d, lwa_i) -> if(lwa_d >= non_accrual_dpd, lwa_i, 0), DPD, arrayEnumerate(DPD))) AS LAST_HIT,
      arrayFill(lwa_i -> lwa_i > 0, arrayMap((lwa_d, lwa_i) -> if(lwa_d = 0, lwa_i, 0), DPD, arrayEnumerate(DPD))) AS LAST_ZERO`,
      `arrayMap((lwa_h, lwa_z) -> lwa_h > lwa_z, LAST_HIT, LAST_ZERO) AS NA`,
    ],
  )})
${o.dates.kind === 'as_of' ? lastDateOnly : everyDate}${trusted(
    o.dates.kind === 'loan_month' && o.dates.afterPayoff
      ? '\nWHERE lwr_e.1 > last_row_day AND (amount_to_cure > 0 OR charges_paid_in_month > 0)'
      : '',
  )}`;
}

/** Every evaluation date's row (the month-ends of a snapshot). */
const everyDate =
  trusted(`ARRAY JOIN EV AS lwr_e, OUTS AS lwr_o, NA AS lwr_na, CHARGES AS lwr_c, PAID_CHARGES AS lwr_pc,
  arrayResize(arrayPushFront(CHARGES, toFloat64(0)), length(CHARGES)) AS lwr_c0,
  arrayResize(arrayPushFront(PAID_CHARGES, toFloat64(0)), length(PAID_CHARGES)) AS lwr_pc0`);

/**
 * A single date's row: the last evaluation date's (the month-ends before it are evaluated only for
 * non-accrual), taken out of the arrays instead of every date's row joined out and all but one
 * dropped — a mid-month case list's loans have up to 36 month-ends each.
 */
const lastDateOnly =
  trusted(`ARRAY JOIN [EV[-1]] AS lwr_e, [OUTS[-1]] AS lwr_o, [NA[-1]] AS lwr_na, [CHARGES[-1]] AS lwr_c,
    [PAID_CHARGES[-1]] AS lwr_pc, [if(length(CHARGES) > 1, CHARGES[-2], toFloat64(0))] AS lwr_c0,
    [if(length(PAID_CHARGES) > 1, PAID_CHARGES[-2], toFloat64(0))] AS lwr_pc0
  WHERE length(EV) > 0`);
