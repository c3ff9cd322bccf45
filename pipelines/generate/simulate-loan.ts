import { buildSchedule, type Installment, type RepaymentMethod } from '../../warehouse/schedule/build-schedule.ts';
import {
  closesOnPay,
  distressEntry,
  distressExit,
  monthOutcomes,
  rollProbability,
  type LoanRisk,
  type MonthContext,
  type Outcomes,
} from './behaviour.ts';
import { riskNoiseSd } from './book-params.ts';
import { LenderView } from './lender-view.ts';
import { addDays, dateInMonth, daysBetween, monthEnd, monthIndex } from './dates.ts';
import type { Rng } from '../../lib/random.ts';
import { simulateCollections, simulateWorkout } from './workout.ts';

export interface LoanTerms {
  loanId: string;
  region: string;
  originationDate: string;
  principalCents: number;
  annualRate: number;
  termMonths: number;
  method: RepaymentMethod;
  collateralValueCents: number | null;
  risk: LoanRisk;
  /** the part of risk.r0 the loan's attributes explain (the rest is the borrower's own draw, sd riskNoiseSd) */
  observedR0: number;
}

export interface Environment {
  asOfMonth: number;
  macro(monthIdx: number): number;
  season(monthIdx: number): number;
}

export interface PaymentRow {
  date: string;
  amountCents: number;
  penaltyCents: number;
  channel: string;
}
export interface EventRow {
  date: string;
  type: string;
  amountCents: number;
  note: string;
}
export interface ActionRow {
  date: string;
  channel: string;
  outcome: string;
  agentId: string;
  team: string;
  promisedCents: number | null;
  promisedDate: string | null;
  /** time of day (HH:MM), set by field-events.ts */
  time?: string;
}

export interface LoanHistory {
  payments: PaymentRow[];
  events: EventRow[];
  actions: ActionRow[];
  /** the schedule as last amended, or null when it is the one generated from the terms */
  amendedSchedule: Installment[] | null;
  /**
   * prob: the target's probability given the full state, hidden regime included (an oracle);
   * observableProb: given what a lender can know — the loan's attributes, the observed monthly
   * outcomes and collection outcomes (LenderView) — the ceiling a model can approach
   */
  truth: { monthEnd: string; prob: number; observableProb: number }[];
}

const payChannels: [string, number][] = [
  ['auto_debit', 0.55],
  ['app', 0.25],
  ['bank_transfer', 0.15],
  ['counter', 0.05],
];

/** Simulates one loan month by month from origination to the as-of month. */
export function simulateLoan(t: LoanTerms, env: Environment, rng: Rng): LoanHistory {
  const out: LoanHistory = { payments: [], events: [], actions: [], amendedSchedule: null, truth: [] };
  let schedule = buildSchedule({
    originationDate: t.originationDate,
    principalCents: t.principalCents,
    annualRate: t.annualRate,
    termMonths: t.termMonths,
    method: t.method,
  });
  let remaining = schedule.map((i) => i.principalCents + i.interestCents);
  let amended = false;
  let restructured = false;
  const origMonth = monthIndex(t.originationDate);
  const day = Number(t.originationDate.slice(8, 10));
  const dueIndexByMonth = () => new Map(schedule.map((inst, k) => [monthIndex(inst.dueDate), k]));
  let dueByMonth = dueIndexByMonth();
  const ctxFor = (m: number): MonthContext => {
    const k = dueByMonth.get(m);
    return { macro: env.macro(m), season: env.season(m), hasDue: k !== undefined, isLast: k === schedule.length - 1 };
  };
  let z = rng.chance(distressEntry(t.risk, ctxFor(origMonth)) * 0.5) ? 1 : 0;
  const view = new LenderView(
    t.observedR0,
    riskNoiseSd,
    t.risk.prepayMonthly,
    (risk) => distressEntry(risk, ctxFor(origMonth)) * 0.5,
  );
  let a = 0;
  // unpaid installments form a contiguous run starting at the oldest unpaid one
  const owedIdx = (m: number) => {
    const out: number[] = [];
    let k = 0;
    while (k < remaining.length && remaining[k] === 0) k++;
    for (; k < schedule.length && monthIndex(schedule[k]!.dueDate) <= m; k++) if (remaining[k]! > 0) out.push(k);
    return out;
  };
  const pay = (date: string, cents: number, penalty = 0) => {
    if (cents <= 0) return;
    out.payments.push({
      date,
      amountCents: cents + penalty,
      penaltyCents: penalty,
      channel: rng.weighted(payChannels),
    });
    let left = cents;
    for (let k = 0; k < remaining.length && left > 0; k++) {
      const take = Math.min(left, remaining[k]!);
      remaining[k]! -= take;
      left -= take;
    }
  };
  const truthAt = (m: number) => {
    const future = [1, 2, 3].map((j) => ctxFor(m + j));
    out.truth.push({
      monthEnd: monthEnd(m),
      prob: rollProbability(t.risk, z, a, future),
      observableProb: view.probability(a, future),
    });
  };

  truthAt(origMonth);
  for (let m = origMonth + 1; m <= env.asOfMonth; m++) {
    z = z === 0 ? (rng.chance(distressEntry(t.risk, ctxFor(m))) ? 1 : 0) : rng.chance(distressExit) ? 0 : 1;
    const ctx = ctxFor(m);
    const me = monthEnd(m);
    const dueK = dueByMonth.get(m);
    const dueDate = dueK !== undefined ? schedule[dueK]!.dueDate : dateInMonth(m, 1);
    const lateDate = () => addDays(dueDate, rng.int(0, daysBetween(dueDate, me)));
    // early payments stay inside the due month, so each month-end state is the chain's state
    const earlyDate = () => {
      const d = addDays(dueDate, -rng.int(0, 5));
      return d < dateInMonth(m, 1) ? dateInMonth(m, 1) : d;
    };
    const o = monthOutcomes(t.risk, z, a, ctx);
    const u = rng.next();
    const owedCents = () => owedIdx(m).reduce((s, k) => s + remaining[k]!, 0);
    let closed = false;
    const aBefore = a;
    const seen: keyof Outcomes =
      u < o.pay ? 'pay' : u < o.pay + o.prepay ? 'prepay' : u < o.pay + o.prepay + o.payOne ? 'payOne' : 'miss';
    if (u < o.pay) {
      const owed = owedCents();
      if (a === 0) {
        const onTime = rng.chance(0.92);
        const date = onTime ? earlyDate() : lateDate();
        if (rng.chance(0.05) && owed > 200) {
          const first = Math.floor(owed * rng.uniform(0.4, 0.6));
          pay(date, first);
          pay(addDays(date, rng.int(0, Math.max(0, daysBetween(date, me)))), owed - first);
        } else pay(date, owed);
      } else {
        const oldest = owedIdx(m)[0]!;
        const daysLate = Math.max(0, daysBetween(schedule[oldest]!.dueDate, me));
        // a cure usually lands around the due date (when promises fall due), sometimes later in the month
        const cureDate = rng.chance(0.6)
          ? addDays(dueDate, Math.min(rng.int(0, 3), daysBetween(dueDate, me)))
          : lateDate();
        pay(cureDate, owed, Math.floor(owed * 0.0005 * daysLate * rng.uniform(0.5, 1)));
      }
      a = 0;
      closed = closesOnPay(aBefore, ctx);
    } else if (u < o.pay + o.prepay) {
      const k = dueK!;
      const principalLeft = schedule.slice(k).reduce((s, i) => s + i.principalCents, 0);
      schedule = [...schedule.slice(0, k), { ...schedule[k]!, principalCents: principalLeft }];
      remaining = [...remaining.slice(0, k), principalLeft + schedule[k]!.interestCents];
      amended = true;
      pay(earlyDate(), owedCents());
      closed = true;
    } else if (u < o.pay + o.prepay + o.payOne) {
      pay(lateDate(), remaining[owedIdx(m)[0]!]!);
    } else {
      const owed = owedIdx(m);
      if (owed.length > 0 && rng.chance(0.3)) {
        const part = Math.floor(remaining[owed[0]!]! * rng.uniform(0.2, 0.8));
        if (part > 0) pay(lateDate(), part);
      }
      a += 1;
    }
    if (closed) break;
    const monthActions =
      a >= 1
        ? simulateCollections(rng, {
            a,
            z,
            region: t.region,
            from: addDays(dueDate, 1) < me ? addDays(dueDate, 1) : me,
            to: me,
            owedCents: owedCents(),
            nextDue: dateInMonth(m + 1, day),
          })
        : [];
    out.actions.push(...monthActions);
    view.observe(aBefore, ctx, seen, monthActions);
    if (a >= 3 && !restructured && rng.chance(0.1)) {
      const owed = owedIdx(m);
      const arrears = owed.reduce((s, k) => s + remaining[k]!, 0);
      const unpaidInterest = owed.reduce(
        (s, k) => s + (remaining[k]! - Math.min(schedule[k]!.principalCents, remaining[k]!)),
        0,
      );
      const principalLeft = schedule.reduce((s, inst, k) => s + Math.min(inst.principalCents, remaining[k]!), 0);
      const lastDue = owed.length > 0 ? Math.max(...owed) : schedule.length - 1;
      const newTerm = Math.max(6, schedule.length - 1 - lastDue + 6);
      const fresh = buildSchedule({
        originationDate: dateInMonth(m, day),
        principalCents: principalLeft + unpaidInterest,
        annualRate: t.annualRate,
        termMonths: newTerm,
        method: 'annuity',
      });
      schedule = [
        ...schedule.slice(0, lastDue + 1),
        ...fresh.map((i, j) => ({ ...i, installmentNo: lastDue + 2 + j })),
      ];
      remaining = [
        ...remaining.slice(0, lastDue + 1).map(() => 0),
        ...fresh.map((i) => i.principalCents + i.interestCents),
      ];
      out.events.push({
        date: me,
        type: 'restructure',
        amountCents: arrears,
        note: `re-amortised over ${newTerm} months, arrears capitalised`,
      });
      dueByMonth = dueIndexByMonth();
      amended = restructured = true;
      a = 0;
    }
    if (a >= 7) {
      const ead = schedule.reduce((s, inst, k) => s + Math.min(inst.principalCents, remaining[k]!), 0);
      out.events.push({ date: me, type: 'charge_off', amountCents: ead, note: 'dpd > 180' });
      simulateWorkout(rng, {
        ead,
        chargeOffMonth: m,
        asOfMonth: env.asOfMonth,
        collateralValueCents: t.collateralValueCents,
        out,
      });
      break;
    }
    if (a <= 1) truthAt(m);
  }
  if (amended) out.amendedSchedule = schedule;
  return out;
}
