/*
 * The accrual without a fold over every event, for a scheduled-first allocation order (the default).
 * Under it the amount applied to the schedule never depends on the charges, so each event's state
 * has a closed form over the loan's event array:
 * - what is left of the schedule after each event is a running sum floored at zero
 *   (arrayCumSumNonNegative of the amounts, negated), so the amount applied P is known everywhere;
 * - the oldest installment not fully paid at each P comes from one sort of P against the schedule's
 *   cumulative amounts, forward-filled (an as-of join inside the arrays);
 * - penalty and compound interest over each stretch between events are days × the day's rounded
 *   amount on what is overdue then, summed; fees are min(installments missed × fee, cap).
 * Only the events that pay or waive charges (a servicer's penalty part, cash beyond the schedule,
 * waivers, a restructure that waives) need their order: a fold over those alone.
 *
 * No lambda here reads a per-loan array it is not mapping over: ClickHouse copies a captured array
 * once per element (per step of a fold), which is what made the fold over every event slow.
 */

/** Item codes in the allocation order: 1 penalty interest, 2 compound interest, 3 fee. */
const charges = [1, 2, 3] as const;

/**
 * One step of the fold over charge events: `lwa_x` = (position, penalty accrued, compound accrued,
 * fees charged, amount, kind) with kind 0 pay (what is left is unapplied), 1 waive (what is left is
 * dropped), 2 waive everything owed; the state `lwa_s` = (penalty paid, compound paid, fees paid,
 * penalty waived, compound waived, fees waived, unapplied, the state after each step).
 */
export function chargeStepSql(): string {
  const owed = (i: number) => `greatest(lwa_x.${i + 1} - lwa_s.${i} - lwa_s.${i + 3}, 0.)`;
  // an item takes what the amount leaves after the items before it in the order (CHARGE_POS_i)
  const ahead = (i: number) =>
    charges
      .filter((j) => j !== i)
      .map((j) => `if(CHARGE_POS_${j} < CHARGE_POS_${i}, ${owed(j)}, 0.)`)
      .join(' + ');
  const take = (i: number) => `if(lwa_x.6 = 2, ${owed(i)}, least(${owed(i)}, greatest(lwa_x.5 - (${ahead(i)}), 0.)))`;
  const paid = (i: number) => `lwa_s.${i} + if(lwa_x.6 = 0, ${take(i)}, 0.)`;
  const waived = (i: number) => `lwa_s.${i + 3} + if(lwa_x.6 >= 1, ${take(i)}, 0.)`;
  const unapplied = `lwa_s.7 + if(lwa_x.6 = 0, lwa_x.5 - (${charges.map(take).join(') - (')}), 0.)`;
  const next = [...charges.map(paid), ...charges.map(waived), unapplied];
  return `(${next.join(',\n      ')},
      arrayPushBack(lwa_s.8, (lwa_x.1, ${next.join(', ')})))`;
}

/**
 * An installment or a P in the lookup of the oldest unpaid installment: (key, 0 installment / 1 P,
 * position, C, CPR, CI, interest, principal, due day).
 */
const mergedType = 'Array(Tuple(Float64, UInt8, UInt64, Float64, Float64, Float64, Float64, Float64, Int64))';
export const chargeStateType = 'Array(Tuple(UInt64, Float64, Float64, Float64, Float64, Float64, Float64, Float64))';

/**
 * The columns that compute the closed forms, in layers (to put over the accrual's inputs: REPORTED,
 * the schedule's arrays C, CPR, CI, f_pr, f_int, s_due, sched_keep, its totals, and the loan's rules), and the name of the
 * one holding each evaluation date's state as the accrual's common tuple (accrualOutType).
 * Each layer is its own SELECT over the one before and reads only columns of earlier layers: the
 * engine expands an alias used in the SELECT that defines it into its whole expression, so with
 * all of them in one SELECT the chains below multiplied into a query tree of hundreds of megabytes,
 * analysed on every statement whatever the number of loans. (The plan still names each column by
 * its whole expression through the layers: BENCHMARKS.md, accrual in layers.)
 */
export function closedOutsSql(): { layers: string[]; outs: string } {
  const start = 'toInt64(toUInt16(origination_date)) - 1';
  const layers = [
    `
    -- days accrued before each event: through the day before it (an evaluation: through its day),
    -- never from the charge-off date on; the end days never decrease in the event order
    arrayMap(lwa_x -> greatest(least(if(lwa_x.2 = 4, lwa_x.1, lwa_x.1 - 1), co_day - 1), ${start}), REPORTED) AS CL_CLIP`,
    `
    arrayPopFront(arrayDifference(arrayPushFront(CL_CLIP, ${start}))) AS CL_DAYS,
    -- what each event applies to the schedule, and what is left of it after each event
    arrayMap(lwa_x -> multiIf(lwa_x.2 = 1, if(lwa_x.4 < 0, lwa_x.3, lwa_x.3 - lwa_x.4), lwa_x.2 = 2, lwa_x.3, 0.), REPORTED) AS CL_X`,
    `
    arrayCumSumNonNegative(arrayPushFront(arrayMap(lwa_v -> -lwa_v, CL_X), sched_total)) AS CL_LEFT`,
    `
    arrayMap(lwa_d -> sched_total - lwa_d, arrayPopBack(CL_LEFT)) AS CL_P`,
    `
    arrayMap((lwa_x, lwa_v, lwa_a, lwa_b) -> if(lwa_x.2 = 1, lwa_v - (lwa_a - lwa_b), 0.),
      REPORTED, CL_X, arrayPopBack(CL_LEFT), arrayPopFront(CL_LEFT)) AS CL_SURPLUS,
    -- installments past their grace before each event: how many, their principal and interest
    arrayMap(lwa_x -> toInt64(lwa_x.2 = 0), REPORTED) AS CL_GRACE`,
    `
    arrayPopBack(arrayPushFront(arrayCumSum(CL_GRACE), toInt64(0))) AS CL_K,
    arrayPopBack(arrayPushFront(arrayCumSum(arrayMap(lwa_x -> if(lwa_x.2 = 0, lwa_x.5, 0.), REPORTED)), 0.)) AS CL_CPRK,
    arrayPopBack(arrayPushFront(arrayCumSum(arrayMap(lwa_x -> if(lwa_x.2 = 0, lwa_x.6, 0.), REPORTED)), 0.)) AS CL_CIK,
    -- the oldest installment not fully paid at each P: installments keyed by the amount from which
    -- they are the oldest unpaid (the first from any amount; n + 1: all paid), in order.
    -- Only the first sched_keep installments (inputs): any later one is due after every reported
    -- date, so as the oldest it gives DPD 0 and nothing overdue, as the first of them does
    arrayConcat(
      arrayMap((lwa_c, lwa_pr, lwa_in, lwa_fi, lwa_fp, lwa_d, lwa_i) ->
          (if(lwa_i = 1, -1e300, lwa_c), toUInt8(0), toUInt64(lwa_i), lwa_c, lwa_pr, lwa_in, lwa_fi, lwa_fp, toInt64(toUInt16(lwa_d))),
        arraySlice(arrayPushFront(C, 0.), 1, sched_keep), arraySlice(arrayPushFront(CPR, 0.), 1, sched_keep),
        arraySlice(arrayPushFront(CI, 0.), 1, sched_keep), arraySlice(f_int, 1, sched_keep), arraySlice(f_pr, 1, sched_keep),
        arraySlice(s_due, 1, sched_keep), range(1, sched_keep + 1)),
      [(if(n = 0, -1e300, sched_total), toUInt8(0), toUInt64(n + 1), sched_total, pr_total, int_total, 0., 0., toInt64(0))]) AS CL_INST,
    -- P never falls unless a payment's penalty part exceeds its cash (nothing validates that away)
    arrayAll(lwa_d -> lwa_d >= 0, arrayDifference(CL_P)) AS CL_P_RISES`,
    `
    -- where P can fall: the installments sorted with the P's whole, each P taking the last installment
    -- before it (evaluated only for those loans: the engine runs only the branch of if() a row takes)
    if(CL_P_RISES, CAST([] AS ${mergedType}), arraySort(lwa_m -> (lwa_m.1, lwa_m.2, lwa_m.3), arrayConcat(CL_INST,
      arrayMap((lwa_p, lwa_j) -> (lwa_p, toUInt8(1), toUInt64(lwa_j), 0., 0., 0., 0., 0., toInt64(0)), CL_P, arrayEnumerate(CL_P))))) AS CL_MERGED`,
    `
    -- where P never falls, the P's in event order are also in amount order: sorting the keys alone
    -- with them tells how many P's each installment is the oldest unpaid for, in turn
    if(CL_P_RISES,
      arrayFlatten(arrayMap((lwa_v, lwa_c) -> arrayWithConstant(lwa_c, lwa_v), CL_INST,
        arrayMap(lwa_s -> length(lwa_s) - 1, arraySplit(lwa_x -> lwa_x.2 = 0,
          arraySort(arrayConcat(arrayMap(lwa_m -> (lwa_m.1, toUInt8(0)), CL_INST), arrayMap(lwa_p -> (lwa_p, toUInt8(1)), CL_P))))))),
      arraySort((lwa_f, lwa_m) -> lwa_m.3,
        arrayFilter((lwa_f, lwa_m) -> lwa_m.2 = 1, arrayFill(lwa_m -> lwa_m.2 = 0, CL_MERGED), CL_MERGED),
        arrayFilter(lwa_m -> lwa_m.2 = 1, CL_MERGED))) AS CL_OLDEST`,
    `
    -- before each event: (oldest unpaid installment or 0, its due day, overdue principal, overdue interest)
    arrayMap((lwa_f, lwa_p, lwa_k, lwa_cp, lwa_ci) -> (
        if(lwa_f.3 = n + 1, toUInt64(0), lwa_f.3), lwa_f.9,
        if(lwa_k > 0, greatest(lwa_cp - (lwa_f.5 + least(greatest(lwa_p - lwa_f.4 - lwa_f.7, 0.), lwa_f.8)), 0.), 0.),
        if(lwa_k > 0, greatest(lwa_ci - (lwa_f.6 + least(greatest(lwa_p - lwa_f.4, 0.), lwa_f.7)), 0.), 0.)),
      CL_OLDEST, CL_P, CL_K, CL_CPRK, CL_CIK) AS CL_W`,
    `
    arrayCumSum(arrayMap((lwa_d, lwa_w) -> lwa_d * floor(lwa_w.3 * daily_rate + 0.5), CL_DAYS, CL_W)) AS CL_PEN,
    arrayCumSum(arrayMap((lwa_d, lwa_w) -> compound * lwa_d * floor(lwa_w.4 * daily_rate + 0.5), CL_DAYS, CL_W)) AS CL_COMP,
    -- a fee when an installment passes its grace not fully paid before the charge-off, up to the cap
    arrayMap(lwa_c -> least(lwa_c * late_fee, fee_cap),
      arrayCumSum(arrayMap((lwa_x, lwa_p) -> toInt64(lwa_x.2 = 0 AND lwa_x.1 < co_day AND lwa_p < lwa_x.7), REPORTED, CL_P))) AS CL_FEE,
    indexOf(CHARGE_ORDER, 1) AS CHARGE_POS_1, indexOf(CHARGE_ORDER, 2) AS CHARGE_POS_2, indexOf(CHARGE_ORDER, 3) AS CHARGE_POS_3`,
    `
    -- the events that pay or waive charges, in order: a payment's penalty part, then its cash beyond
    -- the schedule; a waiver; a restructure that waives (docs/accrual.md)
    arrayFilter(lwa_s -> lwa_s.5 > 0 OR lwa_s.6 = 2, arrayFlatten(arrayMap(
      (lwa_x, lwa_j, lwa_pen, lwa_comp, lwa_fee, lwa_sur) -> [
        (toUInt64(lwa_j), lwa_pen, lwa_comp, lwa_fee, if(lwa_x.2 = 1, greatest(lwa_x.4, 0.), 0.), toUInt8(0)),
        (toUInt64(lwa_j), lwa_pen, lwa_comp, lwa_fee, lwa_sur, toUInt8(0)),
        (toUInt64(lwa_j), lwa_pen, lwa_comp, lwa_fee, if(lwa_x.2 = 3, lwa_x.3, 0.), toUInt8(1)),
        (toUInt64(lwa_j), lwa_pen, lwa_comp, lwa_fee, 0., if(lwa_x.2 = 2 AND waive_on_restructure = 1 AND lwa_x.1 < co_day, toUInt8(2), toUInt8(1)))],
      REPORTED, arrayEnumerate(REPORTED), CL_PEN, CL_COMP, CL_FEE, CL_SURPLUS))) AS CL_CHARGE_STEPS`,
    `
    arrayFold((lwa_s, lwa_x) -> ${chargeStepSql()}, CL_CHARGE_STEPS,
      (0., 0., 0., 0., 0., 0., 0., CAST([] AS ${chargeStateType}))).8 AS CL_CHARGE_STATES`,
    `
    -- each evaluation date takes the charge state of the last charge step before it
    arraySort(lwa_m -> (lwa_m.1, lwa_m.2, lwa_m.3), arrayConcat(
      [(toUInt64(0), toUInt8(0), toUInt64(0), 0., 0., 0., 0., 0., 0., 0.)],
      arrayMap((lwa_c, lwa_i) -> (lwa_c.1, toUInt8(0), toUInt64(lwa_i), lwa_c.2, lwa_c.3, lwa_c.4, lwa_c.5, lwa_c.6, lwa_c.7, lwa_c.8),
        CL_CHARGE_STATES, arrayEnumerate(CL_CHARGE_STATES)),
      arrayFilter(lwa_m -> lwa_m.1 > 0, arrayMap((lwa_x, lwa_j) -> (if(lwa_x.2 = 4, toUInt64(lwa_j), toUInt64(0)), toUInt8(1), toUInt64(0), 0., 0., 0., 0., 0., 0., 0.),
        REPORTED, arrayEnumerate(REPORTED))))) AS CL_CHARGE_MERGED`,
    `
    arrayFilter((lwa_f, lwa_m) -> lwa_m.2 = 1, arrayFill(lwa_m -> lwa_m.2 = 0, CL_CHARGE_MERGED), CL_CHARGE_MERGED) AS CL_CHARGES_AT,
    arrayFilter((lwa_v, lwa_x) -> lwa_x.2 = 4,
      arrayMap((lwa_x, lwa_w, lwa_pen, lwa_comp, lwa_fee) -> (lwa_x.1, lwa_w.1, lwa_w.2, lwa_w.3, lwa_w.4, lwa_pen, lwa_comp, lwa_fee),
        REPORTED, CL_W, CL_PEN, CL_COMP, CL_FEE), REPORTED) AS CL_AT`,
    `
    arrayMap((lwa_a, lwa_c) -> (lwa_a.1, lwa_a.2, lwa_a.3, lwa_a.4, lwa_a.5, lwa_a.6, lwa_a.7, lwa_a.8,
        lwa_c.4, lwa_c.5, lwa_c.6, lwa_c.7, lwa_c.8, lwa_c.9, lwa_c.10), CL_AT, CL_CHARGES_AT) AS CL_OUTS`,
  ];
  return { layers, outs: 'CL_OUTS' };
}
