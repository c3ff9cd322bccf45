import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, underLayers, type Sql } from '../../warehouse/sql.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import type { AccrualRules } from './accrual-rules.ts';
import { chargeStateType, chargeStepSql } from './accrual-closed-sql.ts';
import { ruleLookup } from './accrual-sql.ts';

/**
 * What a case owes on a day after a month-end, from that month-end on: the snapshot's accrual row
 * of the month-end (charges accrued, paid and waived through it) carried forward over the loan's
 * kept state (month_end_state: its window of installments, the payments, restructure credits and
 * waivers after the month-end) with the accrual's closed forms (accrual-closed-sql.ts) restarted
 * there: penalty and compound interest over each stretch between events are days × the day's
 * rounded amount on what is overdue then; a fee when an installment of the window passes its
 * grace not fully paid (the cap applies to the running total: min(fees then + k × fee, cap) is
 * the total's min((k₀ + k) × fee, cap)); the charge steps after the month-end folded from the
 * month-end's paid and waived amounts. Overdue principal and interest before each event come from
 * the window as in delinquencyFromMonthEndStateSql (an installment before the window is paid).
 *
 * Only for the scheduled-first allocation order (the amount applied to the schedule never depends
 * on the charges) and loans whose amount applied never falls (no payment with a penalty part above
 * its cash): then no payment is cash beyond the schedule while the loan is active. The caller folds
 * the others from their history. Columns: loan_id, amount_to_cure, overdue_principal,
 * overdue_interest (Decimal(18, 2)), for the loans of `loans` the state holds.
 */
export function owedFromMonthEndStateSql(
  wh: Pick<Warehouse, 'database'>,
  o: {
    asOf: string;
    monthEnd: string;
    /** the keeping of the state to read (heldMonthEndState) */
    fillId: string;
    settings: SnapshotSettings;
    rules: AccrualRules;
    loans: Sql;
  },
): Sql {
  const t = (name: string) => trusted(tableRef(wh, name));
  const me = param(o.monthEnd, 'Date');
  const date = param(o.asOf, 'Date');
  const grace = param(o.settings.graceDays, 'Int64');
  const r = ruleLookup(o.rules);
  const cents = (x: string) => `toFloat64(toInt64(lwq_a.${x} * 100))`;
  const inputs = sql`
    SELECT lwq_l.loan_id AS loan_id, due, principal, interest, due_before, principal_before, interest_before,
      toInt64(toUInt16(${me})) AS me_day, toInt64(toUInt16(${date})) AS d_day,
      toFloat64(applied + restructured) AS p_me,
      pay_dates, pay_amount, pay_penalty, restructure_dates, restructure_amounts, waiver_dates, waiver_amounts,
      lwq_l.annual_rate * (1 + ${r.markup}) / ${r.basis} AS daily_rate,
      ${r.compound} AS compound, ${r.lateFee} AS late_fee, ${r.feeCap} AS fee_cap, ${r.waiveOnRestructure} AS waive_on_restructure,
      arrayFilter(lwa_i -> lwa_i != 0, arrayMap(lwa_i -> toUInt8(intDiv(${r.orderCode}, toInt64(pow(10, 3 - lwa_i))) % 10), range(4))) AS CHARGE_ORDER,
      ${trusted(['penalty_interest', 'compound_interest', 'fees', 'penalty_paid', 'compound_paid', 'fees_paid', 'penalty_waived', 'compound_waived', 'fees_waived', 'unapplied'].map((c) => `${cents(c)} AS a_${c}`).join(', '))}
    FROM (SELECT * FROM ${t('month_end_state')}
          WHERE month_end = ${me} AND fill_id = ${param(o.fillId, 'String')} AND origination_date <= ${date} AND penalty_above_cash = 0 AND loan_id IN (${o.loans})) AS lwq_l
    -- a loan originated after the month-end has no row there: it starts from nothing (join_use_nulls = 0)
    LEFT JOIN (SELECT * FROM ${t('loan_month_accrual')} WHERE month_end = ${me} AND loan_id IN (${o.loans})) AS lwq_a
      ON lwq_a.loan_id = lwq_l.loan_id`;
  const layers = [
    sql`arrayMap(c -> c + due_before, arrayCumSum(arrayMap((x, y) -> toFloat64(x + y), principal, interest))) AS WC,
      arrayMap(c -> c + principal_before, arrayCumSum(arrayMap(x -> toFloat64(x), principal))) AS WCPR,
      arrayMap(c -> c + interest_before, arrayCumSum(arrayMap(x -> toFloat64(x), interest))) AS WCI,
      -- the day each installment of the window passes its grace (accrual-sql.ts: due + grace + 1)
      arrayMap(x -> toInt64(toUInt16(x)) + ${grace} + 1, due) AS GD,
      indexOf(CHARGE_ORDER, 1) AS CHARGE_POS_1, indexOf(CHARGE_ORDER, 2) AS CHARGE_POS_2, indexOf(CHARGE_ORDER, 3) AS CHARGE_POS_3`,
    // events after the month-end to the date, in the accrual's order: (day, kind, amount, penalty part or installment)
    `arrayCount(g -> g <= me_day, GD) AS k0,
      arraySort(arrayConcat(
        arrayFilter(e -> e.1 > me_day AND e.1 <= d_day, arrayMap((g, i) -> (g, toUInt8(0), 0., toFloat64(i)), GD, arrayEnumerate(GD))),
        arrayFilter(e -> e.1 <= d_day, arrayMap((x, a, b) -> (toInt64(toUInt16(x)), toUInt8(1), toFloat64(a), toFloat64(b)), pay_dates, pay_amount, pay_penalty)),
        arrayFilter(e -> e.1 <= d_day, arrayMap((x, a) -> (toInt64(toUInt16(x)), toUInt8(2), toFloat64(a), 0.), restructure_dates, restructure_amounts)),
        arrayFilter(e -> e.1 <= d_day, arrayMap((x, a) -> (toInt64(toUInt16(x)), toUInt8(3), toFloat64(a), 0.), waiver_dates, waiver_amounts)),
        [(d_day, toUInt8(4), 0., 0.)])) AS EV`,
    `arrayMap(e -> multiIf(e.2 = 1, if(e.4 < 0, e.3, e.3 - e.4), e.2 = 2, e.3, 0.), EV) AS X,
      arrayMap(c -> p_me + c, arrayPopBack(arrayPushFront(arrayCumSum(X), 0.))) AS P,
      arrayMap(c -> k0 + c, arrayPopBack(arrayPushFront(arrayCumSum(arrayMap(e -> toUInt64(e.2 = 0), EV)), toUInt64(0)))) AS KW,
      arrayPopFront(arrayDifference(arrayPushFront(arrayMap(e -> if(e.2 = 4, e.1, e.1 - 1), EV), me_day))) AS DAYS`,
    `arrayMap(p -> arrayFirstIndex(c -> c > p, WC), P) AS IO`,
    // overdue principal and interest before each event (io 0: every installment paid, nothing overdue)
    `arrayMap((p, io, kw) -> if(io = 0, (0., 0.), (
        if(kw > 0, greatest(WCPR[kw] - (if(io > 1, WCPR[io - 1], toFloat64(principal_before))
          + least(greatest(p - if(io > 1, WC[io - 1], toFloat64(due_before)) - interest[io], 0.), toFloat64(principal[io]))), 0.), 0.),
        if(kw > 0, greatest(WCI[kw] - (if(io > 1, WCI[io - 1], toFloat64(interest_before))
          + least(greatest(p - if(io > 1, WC[io - 1], toFloat64(due_before)), 0.), toFloat64(interest[io]))), 0.), 0.))), P, IO, KW) AS W`,
    `arrayMap(c -> a_penalty_interest + c, arrayCumSum(arrayMap((d, w) -> d * floor(w.1 * daily_rate + 0.5), DAYS, W))) AS PEN,
      arrayMap(c -> a_compound_interest + c, arrayCumSum(arrayMap((d, w) -> compound * d * floor(w.2 * daily_rate + 0.5), DAYS, W))) AS COMP,
      arrayMap(c -> least(a_fees + c * late_fee, fee_cap),
        arrayCumSum(arrayMap((e, p) -> toInt64(e.2 = 0 AND p < WC[toUInt32(e.4)]), EV, P))) AS FEE`,
    // the charge steps after the month-end: a payment's penalty part, a waiver, a restructure that waives
    `arrayFilter(s -> s.5 > 0 OR s.6 = 2, arrayFlatten(arrayMap((e, j, pen, comp, fee) -> [
        (toUInt64(j), pen, comp, fee, if(e.2 = 1, greatest(e.4, 0.), 0.), toUInt8(0)),
        (toUInt64(j), pen, comp, fee, if(e.2 = 3, e.3, 0.), toUInt8(1)),
        (toUInt64(j), pen, comp, fee, 0., if(e.2 = 2 AND waive_on_restructure = 1, toUInt8(2), toUInt8(1)))],
      EV, arrayEnumerate(EV), PEN, COMP, FEE))) AS STEPS`,
    `arrayFold((lwa_s, lwa_x) -> ${chargeStepSql()}, STEPS,
      (a_penalty_paid, a_compound_paid, a_fees_paid, a_penalty_waived, a_compound_waived, a_fees_waived, a_unapplied,
        CAST([] AS ${chargeStateType}))) AS CH`,
  ];
  const money = (x: string) => trusted(`reinterpret(toInt64(round(${x})), 'Decimal(18, 2)')`);
  return sql`
    SELECT loan_id,
      ${money('W[-1].1 + W[-1].2 + (PEN[-1] - CH.1 - CH.4) + (COMP[-1] - CH.2 - CH.5) + (FEE[-1] - CH.3 - CH.6)')} AS amount_to_cure,
      ${money('W[-1].1')} AS overdue_principal, ${money('W[-1].2')} AS overdue_interest
    FROM (${underLayers(inputs, layers)})`;
}
