import { withWoe, type Bin, type VariableBins } from './binning.ts';

// Monotonic terms for the joint refinement (refine.ts): the direction a variable's range terms must
// keep, the neighbouring ranges that break it most, and those two ranges merged.

/** The direction a variable's range terms must keep: +1 rising with the value, −1 falling, 0 free; null: terms not fitted. */
export function directionOf(v: VariableBins): number | null {
  if (v.kind === 'categorical') return 0;
  const t = v.trend?.chosen ?? 'none';
  return t === 'ascending' ? 1 : t === 'descending' ? -1 : t === 'none' ? 0 : null;
}

/** +1 when a numeric variable's fitted range terms rise with the value (their count-weighted covariance with the range's order), else −1; a categorical 0. */
export function fittedDirection(v: VariableBins, terms: Float64Array): number {
  if (v.kind === 'categorical') return 0;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  v.bins.forEach((b, k) => {
    if (b.rule.type !== 'range') return;
    n += b.count;
    sx += b.count * k;
    sy += b.count * terms[k]!;
    sxy += b.count * k * terms[k]!;
  });
  return n > 0 && sxy / n - (sx / n) * (sy / n) < 0 ? -1 : 1;
}

/** The neighbouring ranges whose terms break direction d most (the first of the pair), or −1 (none, or d = 0). */
export function worstBreak(v: VariableBins, terms: Float64Array, d: number): number {
  if (!d) return -1;
  let worst = -1;
  let by = 1e-9;
  for (let k = 0; k + 1 < v.bins.length; k++) {
    const a = v.bins[k]!;
    const b = v.bins[k + 1]!;
    if (a.rule.type !== 'range' || b.rule.type !== 'range') continue;
    const fall = -d * (terms[k + 1]! - terms[k]!);
    if (fall > by) {
      by = fall;
      worst = k;
    }
  }
  return worst;
}

/** A variable's bins with ranges k and k + 1 merged (WoE, IV and the fallback recomputed). */
export function mergeRanges(v: VariableBins, k: number): VariableBins {
  const a = v.bins[k]!;
  const b = v.bins[k + 1]!;
  if (a.rule.type !== 'range' || b.rule.type !== 'range') throw new Error('only neighbouring ranges merge');
  const joined: Omit<Bin, 'woe'> = {
    rule: { type: 'range', lo: a.rule.lo, hi: b.rule.hi },
    count: a.count + b.count,
    bad: a.bad + b.bad,
  };
  const counted = v.bins.flatMap((x, i): Omit<Bin, 'woe'>[] =>
    i === k ? [joined] : i === k + 1 ? [] : [{ rule: x.rule, count: x.count, bad: x.bad }],
  );
  return { ...withWoe(v.feature, v.kind, counted, v.totalBad, v.totalGood), ...(v.trend ? { trend: v.trend } : {}) };
}

/** Terms with bins k and k + 1 as one, their count-weighted mean: where a refit after the merge starts. */
export function mergedTerms(v: VariableBins, t: Float64Array, k: number): Float64Array {
  const a = v.bins[k]!.count;
  const b = v.bins[k + 1]!.count;
  const out = Float64Array.from([...t.subarray(0, k + 1), ...t.subarray(k + 2)]);
  out[k] = a + b > 0 ? (a * t[k]! + b * t[k + 1]!) / (a + b) : t[k]!;
  return out;
}
