import {
  distressEntry,
  distressExit,
  monthOutcomes,
  rollProbability,
  type LoanRisk,
  type MonthContext,
  type Outcomes,
} from './behaviour.ts';
import { actionLikelihood } from './workout.ts';

/** 7-point Gauss–Hermite rule for a standard normal: E f(ε) ≈ Σ w f(x). */
const nodes = [
  -3.750439717725742, -2.366759410734541, -1.154405394739968, 0, 1.154405394739968, 2.366759410734541,
  3.750439717725742,
];
const weights = [
  0.000548268855972, 0.030757123967586, 0.240123178605013, 0.457142857142857, 0.240123178605013, 0.030757123967586,
  0.000548268855972,
];

/**
 * What a lender can know of a loan's risk: the attribute part of its risk logit, and month by
 * month the outcome it saw (paid, prepaid, paid one installment, missed) and the recorded outcome
 * of each collection action. The borrower's own risk draw (normal, `noiseSd`) and the hidden
 * regime are unknown: a joint belief over both (the draw on a quadrature grid) is updated by
 * Bayes' rule, and the target's probability is averaged over it. This is the probability the
 * best possible model could give (the `observable_prob` of truth.csv).
 */
export class LenderView {
  private readonly risks: LoanRisk[];
  /** belief[2k + z] = P(draw = node k, regime z | what was seen) */
  private belief: number[];

  constructor(observedR0: number, noiseSd: number, prepayMonthly: number, initialDistress: (risk: LoanRisk) => number) {
    this.risks = nodes.map((x) => ({ r0: observedR0 + noiseSd * x, prepayMonthly }));
    this.belief = this.risks.flatMap((r, k) => {
      const d = initialDistress(r);
      return [weights[k]! * (1 - d), weights[k]! * d];
    });
  }

  /** One more month: the regime's transition, then the likelihood of what was seen under each state. */
  observe(
    aBefore: number,
    ctx: MonthContext,
    seen: keyof Outcomes,
    actions: readonly { channel: string; outcome: string }[],
  ) {
    // loops, not flatMap/map/reduce: this runs for every loan-month of a book; same products and
    // sums, in the same order
    const next: number[] = [];
    let total = 0;
    for (let k = 0; k < this.risks.length; k++) {
      const risk = this.risks[k]!;
      const enter = distressEntry(risk, ctx);
      const p0 = this.belief[2 * k]!;
      const p1 = this.belief[2 * k + 1]!;
      for (let z = 0; z < 2; z++) {
        const prior = z === 0 ? p0 * (1 - enter) + p1 * distressExit : p0 * enter + p1 * (1 - distressExit);
        let l = prior * monthOutcomes(risk, z, aBefore, ctx)[seen];
        for (const act of actions) l *= actionLikelihood(z, act.channel, act.outcome);
        next.push(l);
      }
    }
    for (const x of next) total += x;
    // an outcome impossible under every state cannot happen in the simulator; keep the prior belief if rounding says so
    if (total > 0) for (let i = 0; i < next.length; i++) this.belief[i] = next[i]! / total;
  }

  /** P(regime is distressed | what was seen). */
  distressed(): number {
    return this.belief.reduce((s, x, i) => (i % 2 === 1 ? s + x : s), 0);
  }

  /** The target's probability given what was seen, for arrears age a and the months ahead. */
  probability(a: number, future: MonthContext[]): number {
    let p = 0;
    this.risks.forEach((risk, k) => {
      for (const z of [0, 1])
        if (this.belief[2 * k + z]! > 1e-12) p += this.belief[2 * k + z]! * rollProbability(risk, z, a, future);
    });
    return p;
  }
}
