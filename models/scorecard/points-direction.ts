import { binTerm, type ScorecardArtifact, type ScorecardVariable } from './scorecard.ts';

/** How a quantity moves as a numeric variable's value rises over its ranges. */
export type Direction = 'ascending' | 'descending' | 'flat';

export interface PointsDirection {
  feature: string;
  /** the points over the ranges; null for a categorical variable or fewer than two non-empty ranges */
  points: Direction | null;
  /** the ranges' own (one-variable) bad rate */
  bad_rate: Direction | null;
  /**
   * the points fall where the bad rate alone falls (or rise where it rises): the fit, given the other
   * variables, reads the variable the other way round from its own bad rate
   */
  opposite: boolean;
  /**
   * the range of fewest points (the one a reason code names) has a bad rate of its own below the
   * ranges' average: a direction summed over all ranges misses a bad rate that turns (BILL_AMT6:
   * 0.2067, 0.2388, 0.1994 with points falling throughout)
   */
  riskiest_range?: { bin: number; bad_rate: number; average: number };
}

/** Sign of the count-weighted covariance of y with the ranges' order (empty ranges carry no weight). */
function directionOver(v: ScorecardVariable, y: (k: number) => number): Direction | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let ranges = 0;
  v.bins.forEach((b, k) => {
    if (b.rule.type !== 'range' || b.count === 0) return;
    ranges++;
    n += b.count;
    sx += b.count * k;
    sy += b.count * y(k);
    sxy += b.count * k * y(k);
  });
  if (ranges < 2) return null;
  const cov = sxy / n - (sx / n) * (sy / n);
  // below rounding: the ranges' values are equal
  return Math.abs(cov) < 1e-12 ? 'flat' : cov > 0 ? 'ascending' : 'descending';
}

/**
 * Per variable, the direction its points follow and its one-variable bad rate's. Fewer points is
 * riskier, so points agree with the bad rate when they run the other way; a joint scorecard's
 * variable whose points run the same way as its bad rate is flagged (docs/models.md).
 */
export function pointsDirection(v: ScorecardVariable): PointsDirection {
  if (v.kind === 'categorical') return { feature: v.feature, points: null, bad_rate: null, opposite: false };
  const points = directionOver(v, (k) => -binTerm(v, v.bins[k]!));
  const badRate = directionOver(v, (k) => v.bins[k]!.bad / v.bins[k]!.count);
  const opposite = points !== null && points !== 'flat' && points === badRate;
  const low = opposite || points === null ? null : safestByRateFewestPoints(v);
  return { feature: v.feature, points, bad_rate: badRate, opposite, ...(low ? { riskiest_range: low } : {}) };
}

/** The non-empty range of fewest points, when its own bad rate is below the ranges' average (else null). */
function safestByRateFewestPoints(v: ScorecardVariable): { bin: number; bad_rate: number; average: number } | null {
  let n = 0;
  let bad = 0;
  let low = -1;
  v.bins.forEach((b, k) => {
    if (b.rule.type !== 'range' || b.count === 0) return;
    n += b.count;
    bad += b.bad;
    if (low < 0 || binTerm(v, b) > binTerm(v, v.bins[low]!)) low = k;
  });
  if (low < 0) return null;
  const b = v.bins[low]!;
  const average = bad / n;
  return b.bad / b.count < average ? { bin: low, bad_rate: b.bad / b.count, average } : null;
}

export const pointsDirections = (a: ScorecardArtifact): PointsDirection[] => a.variables.map(pointsDirection);

/**
 * A joint scorecard (fold-choice.ts): every bin carries its own term and no variable a coefficient
 * on WoE, so a coefficient column would read 0 for all.
 */
export const isJointScorecard = (a: ScorecardArtifact): boolean =>
  a.variables.length > 0 && a.variables.every((v) => v.coef === 0 && v.bins.every((b) => b.term !== undefined));

const verb = { ascending: 'rise', descending: 'fall', flat: 'stay flat' } as const;

/** The plain-words note of a variable whose points run against its own bad rate (null otherwise). */
export function oppositeNote(d: PointsDirection, label?: (bin: number) => string): string | null {
  const r = d.riskiest_range;
  if (r)
    return `its fewest points fall on ${label ? label(r.bin) : `range ${r.bin + 1}`}, whose own bad rate ${r.bad_rate.toFixed(4)} is below ${d.feature}'s average ${r.average.toFixed(4)}: given the other variables that range is the riskiest, and a reason code names it`;
  if (!d.opposite || !d.points || !d.bad_rate) return null;
  const riskier = d.points === 'descending' ? 'higher' : 'lower';
  return `points ${verb[d.points]} as ${d.feature} rises although its own bad rate ${d.bad_rate === 'ascending' ? 'rises' : 'falls'}: given the other variables, ${riskier} ${d.feature} is riskier`;
}
