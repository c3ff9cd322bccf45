import { addMonthsClamped } from '../../lib/dates.ts';

/**
 * The repayment-schedule convention used when a loan arrives without a
 * schedule (SPEC §3). All amounts are integer cents; rounding is half-up via
 * floor(x + 0.5), which is the same IEEE-754 double arithmetic in V8 and in
 * ClickHouse, so buildSchedule (TypeScript) and scheduleArraysSql (ClickHouse)
 * produce the same cents. Due dates: origination date + i months, clamped to
 * the month's last day (ClickHouse addMonths semantics).
 *
 * - annuity (等额本息): A = round(P·r / (1 − (1+r)^−n)); interest_i =
 *   round(B̃_{i−1}·r) on the closed-form balance B̃_i = P(1+r)^i − A((1+r)^i − 1)/r;
 *   principal_i = A − interest_i; the last installment takes the remaining principal.
 * - equal_principal (等额本金): principal floor(P/n), the last one the remainder;
 *   interest on the balance outstanding before the installment.
 * - interest_only (先息后本): interest round(P·r) monthly, all principal at the end.
 * - bullet: one installment at month n, simple interest round(P·r·n).
 * With r = 0 an annuity is repaid as equal principal.
 */
export type RepaymentMethod = 'annuity' | 'equal_principal' | 'interest_only' | 'bullet';
export const repaymentMethods = ['annuity', 'equal_principal', 'interest_only', 'bullet'] as const;

export interface Installment {
  installmentNo: number;
  dueDate: string;
  principalCents: number;
  interestCents: number;
}

export interface ScheduleTerms {
  originationDate: string;
  principalCents: number;
  annualRate: number;
  termMonths: number;
  method: RepaymentMethod;
}

// the due dates' month arithmetic lives with the other calendar helpers; re-exported for its callers
export { addMonthsClamped };

const roundHalfUp = (x: number) => Math.floor(x + 0.5);

export function buildSchedule(t: ScheduleTerms): Installment[] {
  const P = t.principalCents;
  const n = t.termMonths;
  const r = t.annualRate / 12;
  const due = (i: number) => addMonthsClamped(t.originationDate, i);
  if (t.method === 'bullet') {
    return [{ installmentNo: 1, dueDate: due(n), principalCents: P, interestCents: roundHalfUp(P * r * n) }];
  }
  const out: Installment[] = [];
  if (t.method === 'interest_only') {
    const interest = roundHalfUp(P * r);
    for (let i = 1; i <= n; i++)
      out.push({ installmentNo: i, dueDate: due(i), principalCents: i === n ? P : 0, interestCents: interest });
    return out;
  }
  if (t.method === 'equal_principal' || r === 0) {
    const base = Math.floor(P / n);
    for (let i = 1; i <= n; i++) {
      const before = P - base * (i - 1);
      out.push({
        installmentNo: i,
        dueDate: due(i),
        principalCents: i === n ? before : base,
        interestCents: roundHalfUp(before * r),
      });
    }
    return out;
  }
  const q = 1 + r;
  const A = roundHalfUp((P * r) / (1 - Math.pow(q, -n)));
  let paid = 0;
  for (let i = 1; i <= n; i++) {
    const balanceBefore = P * Math.pow(q, i - 1) - (A * (Math.pow(q, i - 1) - 1)) / r;
    const interest = roundHalfUp(balanceBefore * r);
    const principal = i === n ? P - paid : A - interest;
    paid += principal;
    out.push({ installmentNo: i, dueDate: due(i), principalCents: principal, interestCents: interest });
  }
  return out;
}

/**
 * ClickHouse expressions for the same schedule, as parallel arrays, given
 * column expressions for the terms. Used inside the snapshot query.
 *
 * With `upTo` (an expression), only the first upTo installments (all of them when there are no
 * more): the same values as the whole schedule's first ones (the last installment's remainder is in
 * them only when they reach it), for a reader that needs the installments up to a date and not a
 * 30-year mortgage's every month.
 */
export function scheduleArraysSql(c: {
  orig: string;
  principalCents: string;
  rate: string;
  term: string;
  method: string;
  upTo?: string;
}) {
  const r = `(toFloat64(${c.rate}) / 12)`;
  const P = `toFloat64(${c.principalCents})`;
  const n = `toUInt32(${c.term})`;
  // the installments generated: all n, or the first upTo of them
  const len = c.upTo === undefined ? n : `least(${n}, toUInt32(${c.upTo}))`;
  const whole = c.upTo === undefined ? 'true' : `(${len} = ${n})`;
  const idx = `range(1, ${len} + 1)`;
  // the annuity payment; 0 where there is none (a zero rate): the engine may compute it for every row
  // before choosing the loan's method, and a 0/0 would stop the statement where it is made an integer
  const A = `if(${r} != 0 AND ${n} > 0, floor(${P} * ${r} / (1 - pow(1 + ${r}, -toFloat64(${n}))) + 0.5), 0.)`;
  const base = `intDiv(${c.principalCents}, greatest(${n}, 1))`;
  // divided by the rate only where there is one (the same floats there): see A
  const annuityInterest = (over: string) =>
    `arrayMap(i -> toInt64(floor((${P} * pow(1 + ${r}, i - 1) - (${A} * (pow(1 + ${r}, i - 1) - 1)) / if(${r} != 0, ${r}, 1.)) * ${r} + 0.5)), ${over})`;
  const epInterest = (over: string) =>
    `arrayMap(i -> toInt64(floor(toFloat64(${c.principalCents} - ${base} * (i - 1)) * ${r} + 0.5)), ${over})`;
  const isAnnuity = `(${c.method} = 'annuity' AND ${r} != 0)`;
  const isEp = `(${c.method} = 'equal_principal' OR (${c.method} = 'annuity' AND ${r} = 0))`;
  const due = `if(${c.method} = 'bullet', [addMonths(${c.orig}, ${n})], arrayMap(i -> addMonths(${c.orig}, i), ${idx}))`;
  const interestOver = (over: string) => `multiIf(${c.method} = 'bullet', [toInt64(floor(${P} * ${r} * ${n} + 0.5))],
      ${c.method} = 'interest_only', arrayMap(i -> toInt64(floor(${P} * ${r} + 0.5)), ${over}),
      ${isEp}, ${epInterest(over)}, ${annuityInterest(over)})`;
  const interest = interestOver(idx);
  // principal needs the interest array for annuities; the last element takes the remainder.
  // Built as (first n−1) + [remainder] so no lambda aggregates an array per element (O(n²)).
  // A prefix shorter than the schedule has no last installment: every element is the regular one.
  const withRemainder = (firstArr: string) =>
    `arrayPushBack(${firstArr}, toInt64(${c.principalCents}) - arraySum(${firstArr}))`;
  const regularOrLast = (allButLast: string, prefix: string) =>
    c.upTo === undefined ? withRemainder(allButLast) : `if(${whole}, ${withRemainder(allButLast)}, ${prefix})`;
  const principalFrom = (interestArr: string) => `multiIf(${c.method} = 'bullet', [toInt64(${c.principalCents})],
      ${c.method} = 'interest_only', ${regularOrLast(`arrayWithConstant(${n} - 1, toInt64(0))`, `arrayWithConstant(${len}, toInt64(0))`)},
      ${isEp}, ${regularOrLast(`arrayWithConstant(${n} - 1, toInt64(${base}))`, `arrayWithConstant(${len}, toInt64(${base}))`)},
      ${isAnnuity}, ${regularOrLast(`arrayMap(x -> toInt64(${A}) - x, arrayPopBack(${interestArr}))`, `arrayMap(x -> toInt64(${A}) - x, ${interestArr})`)},
      [toInt64(0)])`;
  // what every installment but the last is at least (the amount due up to installment i is at least
  // i times it): an annuity's payment, an interest-only loan's interest, an equal-principal loan's
  // principal part; 0 where there is no such floor (a bullet, a zero payment)
  const installmentFloor = `toInt64(multiIf(${isAnnuity}, ${A}, ${isEp}, ${base}, ${c.method} = 'interest_only', floor(${P} * ${r} + 0.5), 0))`;
  // the arrays are a prefix of a longer schedule (not all of it)
  const isPrefix = `(${c.method} != 'bullet' AND NOT ${whole})`;
  // the whole schedule's interest, for a reader of a prefix that needs the total (every installment's)
  const interestTotal = `arraySum(${interestOver(`range(1, ${n} + 1)`)})`;
  return { due, interest, principalFrom, installmentFloor, isPrefix, interestTotal };
}
