import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { effectiveSchedule } from '../snapshot/schedule-path-sql.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { allocationItems, type AccrualRule, type AccrualRules } from './accrual-rules.ts';
import { accrualMoneyColumns } from './accrual-row.ts';

interface Db {
  database: string;
}

/**
 * The dates a loan is evaluated at: the month-ends loan_month holds for it (the snapshot's rows,
 * so the accrual has one row per schedule loan-month), or the month-ends before `date` and `date`
 * itself (non-accrual depends on the earlier month-ends: it holds until DPD returns to 0).
 */
export type AccrualDates = { kind: 'loan_month' } | { kind: 'as_of'; date: Param };

/** The rules as bound per-product lookups: transform(product, names, values, default). */
function ruleLookup(rules: AccrualRules) {
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

// The fold's state, a tuple read by position (lwa_s.N). Money is in cents, as Float64 (ClickHouse's
// least/greatest take no mix of Int64 and Float64); every amount is a whole number of cents.
const S = {
  last: 'lwa_s.1', // last day accrued (day number)
  P: 'lwa_s.2', // amount applied to the schedule
  k: 'lwa_s.3', // installments past their grace (accruing)
  pen: 'lwa_s.4',
  comp: 'lwa_s.5',
  fee: 'lwa_s.6',
  penPaid: 'lwa_s.7',
  compPaid: 'lwa_s.8',
  feePaid: 'lwa_s.9',
  penW: 'lwa_s.10',
  compW: 'lwa_s.11',
  feeW: 'lwa_s.12',
  unapplied: 'lwa_s.13',
  rem: 'lwa_s.14', // what is left of the payment (or waiver) being allocated
  remc: 'lwa_s.15', // what is left of its penalty_paid part (the servicer's split)
  outs: 'lwa_s.16', // the state at each evaluation date
  io: 'lwa_s.17', // the oldest installment not fully paid at P (0: none), kept so each step need not search
} as const;
/*
 * A step: (day, kind, a, b, item). Kinds: 10 accrue through `day`; 0 installment a passes its grace;
 * 1 load a payment (rem = a, remc = b); 2 pay `item` from rem; 3 pay `item` from remc; 5 the rest of
 * the payment is unapplied; 4 waive `item` from rem; 8 drop the rest of a waiver; 6 restructure credit a;
 * 9 evaluation. Items: 0 scheduled, 1 penalty interest, 2 compound interest, 3 fee.
 */
const X = { day: 'lwa_x.1', kind: 'lwa_x.2', a: 'lwa_x.3', b: 'lwa_x.4', item: 'lwa_x.5' } as const;

/**
 * The schedule's waterfall at an amount applied `p` (SPEC §4: oldest first, interest then principal):
 * principal and interest unpaid on the first `k` installments. C/CPR/CI are cumulative arrays.
 */
const waterfall = (p: string, k: string, io: string) => {
  const cprev = `if(${io} > 1, C[${io} - 1], 0.)`;
  const ppaid = `if(${io} = 0, CPR[n], if(${io} > 1, CPR[${io} - 1], 0.) + least(greatest(${p} - ${cprev} - f_int[${io}], 0.), f_pr[${io}]))`;
  const ipaid = `if(${io} = 0, CI[n], if(${io} > 1, CI[${io} - 1], 0.) + least(greatest(${p} - ${cprev}, 0.), f_int[${io}]))`;
  return {
    io,
    op: `if(${k} > 0, greatest(CPR[${k}] - (${ppaid}), 0.), 0.)`,
    oi: `if(${k} > 0, greatest(CI[${k}] - (${ipaid}), 0.), 0.)`,
  };
};

/** One step of the fold: each field of the state, by the step's kind. */
function stepSql(): string {
  const K = X.kind;
  const I = X.item;
  const w = waterfall(S.P, S.k, S.io);
  // accrue every day after `last` through the step's day, never on or after the charge-off date,
  // on what is overdue at the end of those days (nothing changes it between two events)
  const days = `greatest(least(${X.day}, co_day - 1) - ${S.last}, 0)`;
  const owedPen = `greatest(${S.pen} - ${S.penPaid} - ${S.penW}, 0.)`;
  const owedComp = `greatest(${S.comp} - ${S.compPaid} - ${S.compW}, 0.)`;
  const owedFee = `greatest(${S.fee} - ${S.feePaid} - ${S.feeW}, 0.)`;
  const capS = `greatest(sched_total - ${S.P}, 0.)`;
  const owed = `multiIf(${I} = 0, ${capS}, ${I} = 1, ${owedPen}, ${I} = 2, ${owedComp}, ${owedFee})`;
  // from rem: the schedule may take a negative rest (a penalty_paid above the payment, as the snapshot applies it)
  const amt = `if(${I} = 0 AND ${S.rem} < 0, ${S.rem}, least(greatest(${S.rem}, 0.), ${owed}))`;
  const amtc = `least(greatest(${S.remc}, 0.), ${owed})`;
  const paid = (item: number) =>
    `if(${K} = 2 AND ${I} = ${item}, ${amt}, 0.) + if(${K} = 3 AND ${I} = ${item}, ${amtc}, 0.)`;
  const waived = (item: number, owedItem: string) =>
    `if(${K} = 4 AND ${I} = ${item}, ${amt}, 0.) + if(${K} = 6 AND waive_on_restructure = 1 AND ${X.day} < co_day, ${owedItem}, 0.)`;
  const fee = `if(${S.P} < C[toUInt64(${X.a})], least(late_fee, greatest(fee_cap - ${S.fee}, 0.)), 0.)`;
  const newP = `${S.P} + if(${K} = 2 AND ${I} = 0, ${amt}, 0.) + if(${K} = 6, least(${X.a}, ${capS}), 0.)`;
  const fields = [
    `toInt64(if(${K} = 10, greatest(${S.last}, least(${X.day}, co_day - 1)), ${S.last}))`,
    `toFloat64(${newP})`,
    `toInt64(${S.k} + if(${K} = 0, 1, 0))`,
    `toFloat64(${S.pen} + if(${K} = 10, ${days} * floor(${w.op} * daily_rate + 0.5), 0.))`,
    `toFloat64(${S.comp} + if(${K} = 10, compound * ${days} * floor(${w.oi} * daily_rate + 0.5), 0.))`,
    `toFloat64(${S.fee} + if(${K} = 0, ${fee}, 0.))`,
    `toFloat64(${S.penPaid} + ${paid(1)})`,
    `toFloat64(${S.compPaid} + ${paid(2)})`,
    `toFloat64(${S.feePaid} + ${paid(3)})`,
    `toFloat64(${S.penW} + ${waived(1, owedPen)})`,
    `toFloat64(${S.compW} + ${waived(2, owedComp)})`,
    `toFloat64(${S.feeW} + ${waived(3, owedFee)})`,
    `toFloat64(${S.unapplied} + if(${K} = 5, ${S.rem} + ${S.remc}, 0.))`,
    `toFloat64(multiIf(${K} = 1, ${X.a}, ${K} = 2 OR ${K} = 4, ${S.rem} - ${amt}, ${K} = 5 OR ${K} = 8, 0., ${S.rem}))`,
    `toFloat64(multiIf(${K} = 1, ${X.b}, ${K} = 3, ${S.remc} - ${amtc}, ${K} = 5 OR ${K} = 8, 0., ${S.remc}))`,
    `if(${K} = 9, arrayPushBack(${S.outs}, (${X.day}, ${S.P}, ${S.k}, ${S.pen}, ${S.comp}, ${S.fee}, ${S.penPaid}, ${S.compPaid}, ${S.feePaid}, ${S.penW}, ${S.compW}, ${S.feeW}, ${S.unapplied}, ${S.io})), ${S.outs})`,
    `toUInt64(if((${K} = 2 AND ${I} = 0) OR ${K} = 6, arrayFirstIndex(lwa_c -> lwa_c > ${newP}, C), ${S.io}))`,
  ];
  return `(${fields.join(',\n      ')})`;
}

/**
 * Each event as its steps: an accrual up to it (through the day before; an evaluation through its
 * day), then the event — a payment is loaded and paid item by item in the loan's order (with the
 * servicer's split: penalty_paid to the charges, the rest to the schedule, then its surplus to the
 * charges), a waiver likewise over the charges.
 */
const stepsOf = (events: string) => `arrayFlatten(arrayMap(lwa_e -> arrayConcat(
    [(if(lwa_e.2 = 4, lwa_e.1, lwa_e.1 - 1), toUInt8(10), 0., 0., toUInt8(0))],
    multiIf(
      lwa_e.2 = 0, [(lwa_e.1, toUInt8(0), lwa_e.3, 0., toUInt8(0))],
      lwa_e.2 = 1, arrayConcat(
        [(lwa_e.1, toUInt8(1), if(lwa_e.4 < 0, lwa_e.3, lwa_e.3 - lwa_e.4), greatest(lwa_e.4, 0.), toUInt8(0))],
        if(lwa_e.4 < 0, arrayMap(lwa_i -> (lwa_e.1, toUInt8(2), 0., 0., lwa_i), ORDER),
          arrayConcat(arrayMap(lwa_i -> (lwa_e.1, toUInt8(3), 0., 0., lwa_i), CHARGE_ORDER), [(lwa_e.1, toUInt8(2), 0., 0., toUInt8(0))],
            arrayMap(lwa_i -> (lwa_e.1, toUInt8(2), 0., 0., lwa_i), CHARGE_ORDER))),
        [(lwa_e.1, toUInt8(5), 0., 0., toUInt8(0))]),
      lwa_e.2 = 2, [(lwa_e.1, toUInt8(6), lwa_e.3, 0., toUInt8(0))],
      lwa_e.2 = 3, arrayConcat([(lwa_e.1, toUInt8(1), lwa_e.3, 0., toUInt8(0))],
        arrayMap(lwa_i -> (lwa_e.1, toUInt8(4), 0., 0., lwa_i), CHARGE_ORDER), [(lwa_e.1, toUInt8(8), 0., 0., toUInt8(0))]),
      [(lwa_e.1, toUInt8(9), 0., 0., toUInt8(0))])), ${events}))`;

const outType =
  'Array(Tuple(Int64, Float64, Int64, Float64, Float64, Float64, Float64, Float64, Float64, Float64, Float64, Float64, Float64, UInt64))';

/** A piece's starting state: the state the previous piece ended in, with no dates reported yet. */
const pieceStart = [
  ...Array.from({ length: 15 }, (_, i) => `lwa_t.1.${i + 1}`),
  `CAST([] AS ${outType})`,
  'lwa_t.1.17',
].join(', ');

/**
 * What each schedule loan owes beyond its schedule at each evaluation date, per docs/accrual.md:
 * one row per loan and date with the columns of AccrualRow (money as Decimal(18, 2)). A fold over
 * the loan's events in date order (installments passing their grace, payments, restructure
 * credits, waivers, evaluations) carries the amount applied to the schedule and every charge;
 * between two events nothing changes what is overdue, so a stretch of days accrues at once
 * (days × the day's penalty, rounded to the cent per day). `loans` narrows to a subquery of loan ids.
 */
export function accrualSql(
  db: Db,
  o: { dates: AccrualDates; settings: SnapshotSettings; rules: AccrualRules; loans?: Sql | undefined },
): Sql {
  const t = (name: string) => trusted(tableRef(db, name));
  const r = ruleLookup(o.rules);
  const grace = param(o.settings.graceDays, 'Int64');
  const graceEnd = param(o.settings.dpdConvention === 'grace_end' ? 1 : 0, 'UInt8');
  const inLoans = (col: string) => (o.loans ? sql`${trusted(col)} IN (${o.loans})` : trusted('1'));
  const schedule = effectiveSchedule(db, { loans: 'lwq_l', as: 'lwq_sf', filter: inLoans('loan_id') });
  const dates =
    o.dates.kind === 'loan_month'
      ? sql`INNER JOIN (SELECT loan_id, arraySort(groupArray(toInt64(toUInt16(month_end)))) AS E FROM ${t('loan_month')}
            WHERE source = 'schedule' AND ${inLoans('loan_id')} GROUP BY loan_id) AS lwq_e ON lwq_e.loan_id = lwq_l.loan_id`
      : sql`CROSS JOIN (SELECT 1) AS lwq_e`;
  const evalDays =
    o.dates.kind === 'loan_month'
      ? sql`lwq_e.E`
      : sql`arrayConcat(arrayFilter(lwa_d -> lwa_d < toInt64(toUInt16(${o.dates.date})),
            arrayMap(lwa_k -> toInt64(toUInt16(toLastDayOfMonth(addMonths(toStartOfMonth(lwq_l.origination_date), lwa_k)))),
              range(toUInt32(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), toStartOfMonth(${o.dates.date})) + 1))))),
            [toInt64(toUInt16(${o.dates.date}))])`;
  const whereDate = o.dates.kind === 'as_of' ? sql`AND lwq_l.origination_date <= ${o.dates.date}` : trusted('');
  const w = (p: string, k: string, io: string) => waterfall(p, k, io);
  const at = (i: number) => `lwa_o.${i}`;
  const outOP = w(at(2), at(3), at(14));
  const cents = (x: string) => `CAST(${x} AS Decimal(18, 2)) / 100`;
  return sql`
SELECT loan_id, toDate(v.1) AS date, v.2 AS status, toUInt32(v.3) AS dpd, v.4 AS accrual_status,
  ${trusted(accrualMoneyColumns.map((name, i) => `${cents(`v.${i + 5}`)} AS ${name}`).join(',\n  '))}
FROM (
  SELECT loan_id,
    arrayMap(lwa_o -> (lwa_o.1,
        multiIf(lwa_o.1 >= co_day, 'charged_off', ${trusted(outOP.io)} = 0, 'paid_off', 'active'),
        if(${trusted(outOP.io)} > 0 AND toInt64(toUInt16(s_due[${trusted(outOP.io)}])) + ${grace} < lwa_o.1,
          lwa_o.1 - toInt64(toUInt16(s_due[${trusted(outOP.io)}])) - if(${graceEnd} = 1, ${grace}, 0), 0),
        ${trusted(outOP.op)}, ${trusted(outOP.oi)}), OUTS) AS EV,
    arrayMap(lwa_v -> lwa_v.3, EV) AS DPD,
    -- non-accrual from the threshold until DPD is back to 0: the last date at the threshold is later than the last at 0
    arrayFill(lwa_i -> lwa_i > 0, arrayMap((lwa_d, lwa_i) -> if(lwa_d >= non_accrual_dpd, lwa_i, 0), DPD, arrayEnumerate(DPD))) AS LAST_HIT,
    arrayFill(lwa_i -> lwa_i > 0, arrayMap((lwa_d, lwa_i) -> if(lwa_d = 0, lwa_i, 0), DPD, arrayEnumerate(DPD))) AS LAST_ZERO,
    arrayMap((lwa_h, lwa_z) -> lwa_h > lwa_z, LAST_HIT, LAST_ZERO) AS NA,
    arrayMap(lwa_o -> lwa_o.4 + lwa_o.5, OUTS) AS CHARGES,
    arrayMap(lwa_o -> lwa_o.7 + lwa_o.8 + lwa_o.9, OUTS) AS PAID_CHARGES,
    arrayMap((lwa_e, lwa_o, lwa_na, lwa_c, lwa_pc, lwa_c0, lwa_pc0) -> (
        lwa_e.1, lwa_e.2, lwa_e.3,
        multiIf(lwa_e.2 = 'charged_off', 'charged_off', lwa_e.2 = 'paid_off', 'paid_off', lwa_na, 'non_accrual', 'accruing'),
        lwa_o.4, lwa_o.5, lwa_o.6, lwa_o.7, lwa_o.8, lwa_o.9, lwa_o.10, lwa_o.11, lwa_o.12, lwa_o.13,
        lwa_e.4, lwa_e.5,
        if(lwa_na OR lwa_e.2 = 'charged_off', 0., lwa_e.5 + (lwa_o.4 - lwa_o.7 - lwa_o.10) + (lwa_o.5 - lwa_o.8 - lwa_o.11)),
        if(lwa_na OR lwa_e.2 = 'charged_off', lwa_e.5 + (lwa_o.4 - lwa_o.7 - lwa_o.10) + (lwa_o.5 - lwa_o.8 - lwa_o.11), 0.),
        lwa_e.4 + lwa_e.5 + (lwa_o.4 - lwa_o.7 - lwa_o.10) + (lwa_o.5 - lwa_o.8 - lwa_o.11) + (lwa_o.6 - lwa_o.9 - lwa_o.12),
        lwa_c - lwa_c0, lwa_pc - lwa_pc0),
      EV, OUTS, NA, CHARGES, PAID_CHARGES,
      arrayResize(arrayPushFront(CHARGES, toFloat64(0)), length(CHARGES)),
      arrayResize(arrayPushFront(PAID_CHARGES, toFloat64(0)), length(PAID_CHARGES))) AS ROWS
  FROM (
    SELECT loan_id, s_due, f_pr, f_int, C, CPR, CI, n, co_day, non_accrual_dpd,
      -- the fold runs piece by piece, a piece being the events up to and including one evaluation date:
      -- the state at each date is appended to OUTS once per piece. Carried inside one fold over every
      -- step, OUTS was copied at each step (ClickHouse materialises the whole state per step), which
      -- made the accrual ~14 times the snapshot on the 1M book.
      arrayFold((lwa_t, lwa_p) -> (
          arrayFold((lwa_s, lwa_x) -> ${trusted(stepSql())}, ${trusted(stepsOf('lwa_p'))},
            (${trusted(pieceStart)})),
          arrayConcat(lwa_t.2, arrayFold((lwa_s, lwa_x) -> ${trusted(stepSql())}, ${trusted(stepsOf('lwa_p'))},
            (${trusted(pieceStart)})).16)),
        PIECES,
        ((toInt64(toUInt16(origination_date)) - 1, 0., toInt64(0), 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,
          CAST([] AS ${trusted(outType)}), toUInt64(arrayFirstIndex(lwa_c -> lwa_c > 0, C))),
         CAST([] AS ${trusted(outType)}))
      ).2 AS OUTS
    FROM (
      SELECT *,
        arrayMap(lwa_v -> toFloat64(lwa_v), s_pr) AS f_pr, arrayMap(lwa_v -> toFloat64(lwa_v), s_int) AS f_int,
        arrayCumSum(arrayMap((lwa_a, lwa_b) -> lwa_a + lwa_b, f_pr, f_int)) AS C,
        arrayCumSum(f_pr) AS CPR, arrayCumSum(f_int) AS CI, length(s_due) AS n, C[n] AS sched_total,
        -- events in date order; on one day: grace ends, payments, restructures, waivers, then the evaluation
        arraySort(lwa_x -> (lwa_x.1, lwa_x.2, lwa_x.3, lwa_x.4), arrayConcat(
          arrayFilter(lwa_x -> lwa_x.1 < co_day, arrayMap((lwa_d, lwa_i) -> (toInt64(toUInt16(lwa_d)) + ${grace} + 1, toUInt8(0), toFloat64(lwa_i), toFloat64(0)), s_due, arrayEnumerate(s_due))),
          arrayFilter(lwa_x -> lwa_x.1 < co_day, arrayMap((lwa_d, lwa_a, lwa_b) -> (toInt64(toUInt16(lwa_d)), toUInt8(1), toFloat64(lwa_a), toFloat64(lwa_b)), pd, pa, pb)),
          arrayMap((lwa_d, lwa_a) -> (toInt64(toUInt16(lwa_d)), toUInt8(2), toFloat64(lwa_a), toFloat64(0)), rd, ra),
          arrayFilter(lwa_x -> lwa_x.1 < co_day, arrayMap((lwa_d, lwa_a) -> (toInt64(toUInt16(lwa_d)), toUInt8(3), toFloat64(lwa_a), toFloat64(0)), wd, wa)),
          arrayMap(lwa_d -> (lwa_d, toUInt8(4), toFloat64(0), toFloat64(0)), EVAL_DAYS))) AS EVENTS,
        -- nothing after the last evaluation date is reported; the pieces end at each evaluation (kind 4)
        arrayFilter(lwa_x -> lwa_x.1 <= arrayMax(EVAL_DAYS), EVENTS) AS REPORTED,
        arraySplit((lwa_x, lwa_cut) -> lwa_cut, REPORTED,
          arrayMap(lwa_i -> lwa_i > 1 AND REPORTED[lwa_i - 1].2 = 4, arrayEnumerate(REPORTED))) AS PIECES
      FROM (
        SELECT lwq_l.loan_id AS loan_id, lwq_l.origination_date AS origination_date, ${schedule.columns},
          ${evalDays} AS EVAL_DAYS,
          toFloat64(lwq_l.annual_rate) * (1 + ${r.markup}) / ${r.basis} AS daily_rate,
          ${r.compound} AS compound, ${r.lateFee} AS late_fee, ${r.feeCap} AS fee_cap,
          ${r.nonAccrualDpd} AS non_accrual_dpd, ${r.waiveOnRestructure} AS waive_on_restructure,
          arrayMap(lwa_i -> toUInt8(intDiv(${r.orderCode}, toInt64(pow(10, 3 - lwa_i))) % 10), range(4)) AS ORDER,
          arrayFilter(lwa_i -> lwa_i != 0, ORDER) AS CHARGE_ORDER,
          lwq_pay.pd AS pd, lwq_pay.pa AS pa, lwq_pay.pb AS pb,
          if(lwq_ev.has_co, toInt64(toUInt16(lwq_ev.co_raw)), toInt64(99999)) AS co_day,
          lwq_ev.rd AS rd, lwq_ev.ra AS ra, lwq_ev.wd AS wd, lwq_ev.wa AS wa
        FROM ${t('loans')} AS lwq_l
        ${schedule.join}
        ${dates}
        LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64(amount * 100)) AS pa,
                     groupArray(if(isNull(penalty_paid), toInt64(-1), toInt64(assumeNotNull(penalty_paid) * 100))) AS pb
                   FROM ${t('payments')} WHERE ${inLoans('loan_id')} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
        LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                     groupArrayIf(event_date, type = 'restructure') AS rd, groupArrayIf(toInt64(amount * 100), type = 'restructure') AS ra,
                     groupArrayIf(event_date, type = 'waiver') AS wd, groupArrayIf(toInt64(amount * 100), type = 'waiver') AS wa
                   FROM ${t('loan_events')} WHERE ${inLoans('loan_id')} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
        WHERE ${inLoans('lwq_l.loan_id')} AND lwq_l.loan_id NOT IN (SELECT loan_id FROM ${t('performance')}) ${whereDate}
      )
    )
  )
)
ARRAY JOIN ROWS AS v`;
}
