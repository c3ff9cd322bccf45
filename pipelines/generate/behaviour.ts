import { sigmoid } from '../../lib/random.ts';

/**
 * The borrower's monthly behaviour as a Markov chain on (regime z, arrears age a):
 * z = 1 is a hidden "distressed" regime; a = age in months of the oldest unpaid
 * installment (0 = nothing past due). Because generated due days are ≤ 28, the
 * month-end DPD is > 30 exactly when a ≥ 2, so the chain gives the exact
 * probability of the SPEC §6 target (the `truth` file) by forward propagation.
 * The simulator samples from the same functions, so truth and data agree.
 */
export interface LoanRisk {
  /** time-invariant risk logit from borrower and loan attributes */
  r0: number;
  prepayMonthly: number;
}

export interface MonthContext {
  macro: number;
  season: number;
  /** an installment falls due this month */
  hasDue: boolean;
  /** that installment is the last one of the schedule */
  isLast: boolean;
}

export const distressEntry = (risk: LoanRisk, ctx: MonthContext) => sigmoid(risk.r0 - 4.0 + ctx.macro);
export const distressExit = 0.12;

export interface Outcomes {
  /** pays everything owed (a → 0; closes the loan after the last installment) */
  pay: number;
  /** pays off the whole loan early (closed) */
  prepay: number;
  /** pays the oldest unpaid installment only (a unchanged) */
  payOne: number;
  /** pays nothing owed, or only part of the oldest installment (a → a + 1, or 1 when a = 0) */
  miss: number;
}

export function monthOutcomes(risk: LoanRisk, z: number, a: number, ctx: MonthContext): Outcomes {
  if (a === 0) {
    if (!ctx.hasDue) return { pay: 1, prepay: 0, payOne: 0, miss: 0 };
    const miss = sigmoid(-4.2 + risk.r0 + 2.5 * z + ctx.macro + ctx.season);
    const prepay = ctx.isLast ? 0 : risk.prepayMonthly * (1 - miss);
    return { pay: 1 - miss - prepay, prepay, payOne: 0, miss };
  }
  const cure = sigmoid(0.3 - 0.6 * (a - 1) - 0.6 * risk.r0 - 1.5 * z - ctx.macro);
  if (!ctx.hasDue) return { pay: cure, prepay: 0, payOne: 0, miss: 1 - cure };
  const payOne = 0.3 * (1 - cure);
  return { pay: cure, prepay: 0, payOne, miss: 1 - cure - payOne };
}

/** Paying everything owed closes the loan after its last installment (or once past maturity). */
export const closesOnPay = (a: number, ctx: MonthContext) => (ctx.hasDue ? ctx.isLast : a >= 1);

/**
 * Exact probability that month-end DPD exceeds 30 (a ≥ 2) at any of the next
 * month-ends in `future`, given the state (z, a ≤ 1) at month-end t. Closed loans
 * (paid off or prepaid) leave the chain without a hit.
 */
export function rollProbability(risk: LoanRisk, z0: number, a0: number, future: MonthContext[]): number {
  // dist[z][a] as four numbers: called for every loan-month and every belief node of a book, where
  // the arrays of the plain form were most of the generator's garbage. Same sums in the same order.
  let d00 = z0 === 0 && a0 === 0 ? 1 : 0;
  let d01 = z0 === 0 && a0 === 1 ? 1 : 0;
  let d10 = z0 === 1 && a0 === 0 ? 1 : 0;
  let d11 = z0 === 1 && a0 === 1 ? 1 : 0;
  let hit = 0;
  for (const ctx of future) {
    const enter = distressEntry(risk, ctx);
    let n00 = 0;
    let n01 = 0;
    let n10 = 0;
    let n11 = 0;
    // a = 0: nothing past due
    const open0 = !closesOnPay(0, ctx);
    const p00 = d00 * (1 - enter) + d10 * distressExit;
    const p10 = d00 * enter + d10 * (1 - distressExit);
    if (p00 !== 0) {
      const o = monthOutcomes(risk, 0, 0, ctx);
      if (open0) n00 += p00 * o.pay;
      n01 += p00 * o.miss;
    }
    if (p10 !== 0) {
      const o = monthOutcomes(risk, 1, 0, ctx);
      if (open0) n10 += p10 * o.pay;
      n11 += p10 * o.miss;
    }
    // a = 1: one installment past due
    const open1 = !closesOnPay(1, ctx);
    const p01 = d01 * (1 - enter) + d11 * distressExit;
    const p11 = d01 * enter + d11 * (1 - distressExit);
    if (p01 !== 0) {
      const o = monthOutcomes(risk, 0, 1, ctx);
      if (open1) n00 += p01 * o.pay;
      n01 += p01 * o.payOne;
      hit += p01 * o.miss;
    }
    if (p11 !== 0) {
      const o = monthOutcomes(risk, 1, 1, ctx);
      if (open1) n10 += p11 * o.pay;
      n11 += p11 * o.payOne;
      hit += p11 * o.miss;
    }
    d00 = n00;
    d01 = n01;
    d10 = n10;
    d11 = n11;
  }
  return hit;
}
