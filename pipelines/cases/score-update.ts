import { bucketOrder } from '../../warehouse/metrics/run.ts';

/**
 * A champion score carried from its month-end to a later date (SPEC §7: lists are pulled daily,
 * models score month-ends). The model saw the loan as it was at the month-end — its bucket then
 * among its features — and ranked it within that state. What the list knows since is the loan's
 * DPD now (payments made or missed move it) and its promises: a promise to pay whose deadline
 * (promised date + 3 days, SPEC §5's kept-promise rule) fell after the month-end and before the
 * date without the promised amount paid is a broken promise.
 *
 * The update moves the score's log-odds by the difference of the book's own roll rates
 * (P(worse bucket next month), by balance over the 12 months to the last month-end — the same
 * matrix the list falls back on) between the bucket now and the bucket then:
 *
 *   logit(p) = logit(p_model) + logit(r(bucket now)) − logit(r(bucket then))
 *
 * and a broken promise counts as one bucket further (r of the next worse bucket), once however
 * many were broken. Why this and not re-scoring: the features are month-end aggregates (max DPD
 * over 3/6/12 months, payment ratios of whole months) and have no defined value mid-month, so a
 * re-score would be a different model; the shift keeps the model's ranking among loans that moved
 * alike, moves a loan by exactly the risk difference the book has observed between the two states,
 * is monotone (worse now → higher), is the identity when nothing changed, and prints as one number
 * a reviewer can check against the roll-rate matrix. Rates are clamped to [0.1%, 99.9%] so an
 * empty or certain cell cannot send the odds to 0 or infinity.
 */
export interface ScoreUpdateInput {
  probability: number;
  bucketThen: string;
  bucketNow: string;
  brokenPromises: number;
  /** roll-forward rate by bucket (rollForward in case-list.ts) */
  roll: ReadonlyMap<string, number>;
}

const clamp = (r: number) => Math.min(0.999, Math.max(0.001, r));
const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The bucket one worse than `b` (M1 → M2; the worst delinquent bucket stays itself). */
export function worseBucket(b: string): string {
  const delinquent = bucketOrder.filter((x) => x !== 'WO');
  const i = delinquent.indexOf(b);
  return i < 0 ? b : (delinquent[Math.min(i + 1, delinquent.length - 1)] ?? b);
}

export function scoreUpdate(o: ScoreUpdateInput): { probability: number; oddsRatio: number; reasons: string[] } {
  const effective = o.brokenPromises > 0 ? worseBucket(o.bucketNow) : o.bucketNow;
  const shift = logit(clamp(o.roll.get(effective) ?? 0)) - logit(clamp(o.roll.get(o.bucketThen) ?? 0));
  // the score itself only kept off 0 and 1 (a logit needs it inside): the printed ratio is the one applied
  const p = Math.min(1 - 1e-12, Math.max(1e-12, o.probability));
  const probability = effective === o.bucketThen ? o.probability : sigmoid(logit(p) + shift);
  const oddsRatio = effective === o.bucketThen ? 1 : Math.exp(shift);
  const reasons: string[] = [];
  if (o.bucketNow !== o.bucketThen) reasons.push(`bucket ${o.bucketThen} → ${o.bucketNow} since the score`);
  if (o.brokenPromises > 0) reasons.push(`broken promise since the score (${o.brokenPromises})`);
  if (oddsRatio !== 1) reasons.push(`odds × ${oddsRatio.toFixed(2)} (roll rates ${effective} vs ${o.bucketThen})`);
  return { probability, oddsRatio, reasons };
}
