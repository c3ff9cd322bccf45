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
  let dist = [
    [0, 0],
    [0, 0],
  ]; // dist[z][a], a ∈ {0, 1}
  dist[z0]![a0] = 1;
  let hit = 0;
  for (const ctx of future) {
    const enter = distressEntry(risk, ctx);
    const next = [
      [0, 0],
      [0, 0],
    ];
    for (const a of [0, 1]) {
      const moved = [
        dist[0]![a]! * (1 - enter) + dist[1]![a]! * distressExit,
        dist[0]![a]! * enter + dist[1]![a]! * (1 - distressExit),
      ];
      for (const z of [0, 1]) {
        const p = moved[z]!;
        if (p === 0) continue;
        const o = monthOutcomes(risk, z, a, ctx);
        if (!closesOnPay(a, ctx)) next[z]![0]! += p * o.pay;
        if (a === 0) next[z]![1]! += p * o.miss;
        else {
          next[z]![1]! += p * o.payOne;
          hit += p * o.miss;
        }
      }
    }
    dist = next;
  }
  return hit;
}
