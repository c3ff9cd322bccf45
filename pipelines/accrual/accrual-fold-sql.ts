/*
 * The accrual as a sequential fold over each loan's events: needed when a payment may pay charges
 * before the schedule (a charges-first allocation order), since then the amount applied to the
 * schedule, and so what is overdue and accrues, depends on the charges owed. Under a scheduled-first
 * order accrual-closed-sql.ts computes the same rows without it.
 */

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
 * principal and interest unpaid on the first `k` installments. C/CPR/CI are cumulative arrays;
 * pr_total/int_total the whole schedule's (the arrays may be its first installments only).
 */
export const waterfall = (p: string, k: string, io: string) => {
  const cprev = `if(${io} > 1, C[${io} - 1], 0.)`;
  const ppaid = `if(${io} = 0, pr_total, if(${io} > 1, CPR[${io} - 1], 0.) + least(greatest(${p} - ${cprev} - f_int[${io}], 0.), f_pr[${io}]))`;
  const ipaid = `if(${io} = 0, int_total, if(${io} > 1, CI[${io} - 1], 0.) + least(greatest(${p} - ${cprev}, 0.), f_int[${io}]))`;
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
  // no fee for an installment passing its grace on or after the charge-off (it still falls overdue)
  const fee = `if(${S.P} < C[toUInt64(${X.a})] AND ${X.day} < co_day, least(late_fee, greatest(fee_cap - ${S.fee}, 0.)), 0.)`;
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
 * Every evaluation date's state as the accrual's common tuple (accrualOutType), from the fold over
 * the loan's PIECES (the events up to and including each evaluation date).
 */
export function foldOutsSql(): string {
  const w = waterfall('lwa_o.2', 'lwa_o.3', 'lwa_o.14');
  const folded = `arrayFold((lwa_t, lwa_p) -> (
          arrayFold((lwa_s, lwa_x) -> ${stepSql()}, ${stepsOf('lwa_p')},
            (${pieceStart})),
          arrayConcat(lwa_t.2, arrayFold((lwa_s, lwa_x) -> ${stepSql()}, ${stepsOf('lwa_p')},
            (${pieceStart})).16)),
        PIECES,
        ((toInt64(toUInt16(origination_date)) - 1, 0., toInt64(0), 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,
          CAST([] AS ${outType}), toUInt64(arrayFirstIndex(lwa_c -> lwa_c > 0, C))),
         CAST([] AS ${outType}))
      ).2`;
  // the fold runs piece by piece, a piece being the events up to and including one evaluation date:
  // the state at each date is appended once per piece. Carried inside one fold over every step, the
  // dates' states were copied at each step (ClickHouse materialises the whole state per step).
  return `arrayMap(lwa_o -> (lwa_o.1, ${w.io}, if(${w.io} > 0, toInt64(toUInt16(s_due[${w.io}])), toInt64(0)),
      ${w.op}, ${w.oi}, lwa_o.4, lwa_o.5, lwa_o.6, lwa_o.7, lwa_o.8, lwa_o.9, lwa_o.10, lwa_o.11, lwa_o.12, lwa_o.13),
    ${folded})`;
}
