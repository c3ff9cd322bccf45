/**
 * DeLong's paired comparison of two scores' AUCs on the same rows (DeLong, DeLong & Clarke-Pearson,
 * 1988): each bad row's and each good row's placement (the share of the other class it outranks,
 * ties half) under both scores, and from their covariances the standard error of the difference.
 * The scorecard's correlation limit (models/scorecard) uses it to keep the simpler model unless the
 * other ranks held-back rows better by more than the noise of that many rows.
 */
import { midranks } from './metrics.ts';

/** Each bad row's placement among the goods and each good row's among the bads, under one score. */
function placements(p: ArrayLike<number>, bad: Int32Array, good: Int32Array) {
  const all = Int32Array.from([...bad, ...good]);
  const rAll = midranks(p, all);
  const rBad = midranks(p, bad);
  const rGood = midranks(p, good);
  const m = bad.length;
  const n = good.length;
  // a bad row outranks (its rank among all − its rank among bads) goods; a good row is outranked by the rest
  const v10 = Float64Array.from(rBad, (r, i) => (rAll[i]! - r) / n);
  const v01 = Float64Array.from(rGood, (r, j) => 1 - (rAll[m + j]! - r) / m);
  return { v10, v01 };
}

const covariance = (a: Float64Array, b: Float64Array) => {
  const k = a.length;
  if (k < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= k;
  mb /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (k - 1);
};

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

/** AUC of each score, their difference (a − b) and its standard error; NaN when a class is empty. */
export function aucDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  y: ArrayLike<number>,
): { aucA: number; aucB: number; difference: number; se: number } {
  const bad: number[] = [];
  const good: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] ? bad : good).push(i);
  if (!bad.length || !good.length)
    return { aucA: Number.NaN, aucB: Number.NaN, difference: Number.NaN, se: Number.NaN };
  const [ib, ig] = [Int32Array.from(bad), Int32Array.from(good)];
  const pa = placements(a, ib, ig);
  const pb = placements(b, ib, ig);
  const aucA = mean(pa.v10);
  const aucB = mean(pb.v10);
  const var10 = covariance(pa.v10, pa.v10) + covariance(pb.v10, pb.v10) - 2 * covariance(pa.v10, pb.v10);
  const var01 = covariance(pa.v01, pa.v01) + covariance(pb.v01, pb.v01) - 2 * covariance(pa.v01, pb.v01);
  const se = Math.sqrt(Math.max(0, var10 / bad.length + var01 / good.length));
  return { aucA, aucB, difference: aucA - aucB, se };
}
