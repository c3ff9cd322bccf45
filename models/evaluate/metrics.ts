import { argsortFloat64 } from '../../lib/sort-float64.ts';

/**
 * Early-warning quality (SPEC §5): AUC (ties share rank), KS, Gini, Brier, calibration and
 * gains tables, and PSI. Probabilities are of the bad outcome; label 1 = bad.
 */
export interface Quality {
  n: number;
  bads: number;
  auc: number;
  gini: number;
  ks: number;
  brier: number;
}

/** Numbers read by index and iterated: an array or a typed array. */
type Numbers = ArrayLike<number> & Iterable<number>;

/** Indices sorted by probability ascending (stable: ties by index). */
const order = (p: Numbers) => argsortFloat64(p);

/**
 * Midranks (1-based, ties share the average rank) of `p` over the rows `rows` (default: all), in
 * the order of `rows`. A NaN sorts by its row's position, as in `order`.
 */
export function midranks(
  p: ArrayLike<number>,
  rows: Int32Array = Int32Array.from({ length: p.length }, (_, i) => i),
): Float64Array {
  const idx = argsortFloat64(Float64Array.from(rows, (i) => p[i]!));
  const r = new Float64Array(rows.length);
  for (let i = 0; i < idx.length;) {
    let j = i + 1;
    while (j < idx.length && p[rows[idx[j]!]!] === p[rows[idx[i]!]!]) j++;
    for (let k = i; k < j; k++) r[idx[k]!] = (i + 1 + j) / 2;
    i = j;
  }
  return r;
}

export function auc(p: Numbers, y: Numbers): number {
  const r = midranks(p);
  let bads = 0;
  let rankSum = 0;
  for (let i = 0; i < r.length; i++)
    if (y[i]) {
      bads++;
      rankSum += r[i]!;
    }
  const goods = r.length - bads;
  if (bads === 0 || goods === 0) return Number.NaN;
  return (rankSum - (bads * (bads + 1)) / 2) / (bads * goods);
}

export function ks(p: Numbers, y: Numbers): number {
  const idx = order(p);
  let bads = 0;
  for (const v of y) bads += v ? 1 : 0;
  const goods = y.length - bads;
  if (!bads || !goods) return Number.NaN;
  let cb = 0;
  let cg = 0;
  let best = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && (j === i || p[idx[j]!] === p[idx[i]!])) {
      if (y[idx[j]!]) cb++;
      else cg++;
      j++;
    }
    best = Math.max(best, Math.abs(cb / bads - cg / goods));
    i = j;
  }
  return best;
}

export function brier(p: Numbers, y: Numbers): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / Math.max(1, p.length);
}

export function quality(p: Numbers, y: Numbers): Quality {
  const a = auc(p, y);
  let bads = 0;
  for (const v of y) bads += v;
  return { n: p.length, bads, auc: a, gini: 2 * a - 1, ks: ks(p, y), brier: brier(p, y) };
}

export interface CalibrationRow {
  band: number;
  n: number;
  mean_predicted: number;
  observed_rate: number;
}

/** Ten equal-count bands of predicted probability: mean prediction next to the observed bad rate. */
export function calibrationTable(p: Numbers, y: Numbers, bands = 10): CalibrationRow[] {
  const idx = order(p);
  return Array.from({ length: bands }, (_, b) => {
    const lo = Math.floor((b * idx.length) / bands);
    const hi = Math.floor(((b + 1) * idx.length) / bands);
    let sp = 0;
    let sy = 0;
    for (let k = lo; k < hi; k++) {
      sp += p[idx[k]!]!;
      sy += y[idx[k]!]!;
    }
    const n = hi - lo;
    return { band: b + 1, n, mean_predicted: n ? sp / n : 0, observed_rate: n ? sy / n : 0 };
  }).filter((r) => r.n > 0);
}

export interface GainsRow {
  band: number;
  min_probability: number;
  max_probability: number;
  n: number;
  bads: number;
  bad_rate: number;
  cumulative_bad_rate: number;
  cumulative_bad_capture: number;
  lift: number;
  /** approving the bands less risky than this one: each row is one cut-off, this band and the riskier rejected */
  approval_rate: number;
  /** rejecting this band and every riskier one: the share of the sample behind bad capture */
  rejection_rate: number;
  /** the bad rate of the bands approved at this cut-off (null once every band is rejected) */
  approved_bad_rate: number | null;
}

/**
 * Gains table by score band, riskiest band first. Each row reads as one cut-off: reject this band
 * and every riskier one — rejection rate, the bads caught (capture) and their cumulative bad rate —
 * and approve the rest: approval rate and the approved bad rate. (The approval rate counted this
 * band as approved, one band off the capture beside it: "approve 80 %, catch 65 %" where rejecting
 * 20 % caught 49 %.)
 */
export function gainsTable(p: Numbers, y: Numbers, bands = 10): GainsRow[] {
  const idx = order(p).reverse();
  const total = idx.length;
  let totalBads = 0;
  for (const v of y) totalBads += v;
  const overall = totalBads / Math.max(1, total);
  let cumN = 0;
  let cumB = 0;
  const rows: Omit<GainsRow, keyof CutOff>[] = [];
  for (let b = 0; b < bands; b++) {
    const lo = Math.floor((b * total) / bands);
    const hi = Math.floor(((b + 1) * total) / bands);
    if (hi === lo) continue;
    let bads = 0;
    for (let k = lo; k < hi; k++) bads += y[idx[k]!]!;
    cumN += hi - lo;
    cumB += bads;
    rows.push({
      band: b + 1,
      min_probability: p[idx[hi - 1]!]!,
      max_probability: p[idx[lo]!]!,
      n: hi - lo,
      bads,
      bad_rate: bads / (hi - lo),
      cumulative_bad_rate: cumB / cumN,
      cumulative_bad_capture: totalBads ? cumB / totalBads : 0,
      lift: overall ? bads / (hi - lo) / overall : 0,
    });
  }
  return withCutOffs(rows);
}

type CutOff = Pick<GainsRow, 'approval_rate' | 'rejection_rate' | 'approved_bad_rate'>;

/**
 * The rows with each one's cut-off — this band and every riskier one rejected, the rest approved —
 * read from the rows' own counts (n, bads): gainsTable's, and a card stored before the approval rate
 * was one cut-off (it counted the row's band as approved) reads right.
 */
export function withCutOffs<T extends Pick<GainsRow, 'n' | 'bads'>>(rows: readonly T[]): (T & CutOff)[] {
  const total = rows.reduce((a, r) => a + r.n, 0);
  const bads = rows.reduce((a, r) => a + r.bads, 0);
  let rejected = 0;
  let caught = 0;
  return rows.map((r) => {
    rejected += r.n;
    caught += r.bads;
    return {
      ...r,
      approval_rate: (total - rejected) / total,
      rejection_rate: rejected / total,
      approved_bad_rate: total > rejected ? (bads - caught) / (total - rejected) : null,
    };
  });
}

/** PSI = Σ (a − e) ln(a / e) over shares of the same bins; empty shares are floored at 1e-4. */
export function psi(expected: Numbers, actual: Numbers): number {
  const se = sum(expected);
  const sa = sum(actual);
  let s = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(expected[k]! / Math.max(se, 1), 1e-4);
    const a = Math.max(actual[k]! / Math.max(sa, 1), 1e-4);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}
const sum = (a: Numbers) => {
  let s = 0;
  for (const v of a) s += v;
  return s;
};

export const psiStatus = (v: number) => (v < 0.1 ? 'stable' : v <= 0.25 ? 'watch' : 'act');

/** Score-band edges (deciles of the training probabilities) so later months are binned the same way. */
export function baselineEdges(p: Numbers, bands = 10): number[] {
  const s = Float64Array.from(p).sort();
  const edges: number[] = [];
  for (let b = 1; b < bands; b++) {
    const e = s[Math.floor((b * s.length) / bands)]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

export function countByEdges(p: Numbers, edges: number[]): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  for (const v of p) {
    let k = 0;
    while (k < edges.length && v >= edges[k]!) k++;
    out[k]!++;
  }
  return out;
}

/**
 * Expected calibration error over the reliability curve's ten equal-count bins:
 * Σ (bin rows / rows) · |mean predicted − observed bad rate|.
 */
export function ece(p: Numbers, y: Numbers, bands = 10): number {
  let s = 0;
  for (const r of calibrationTable(p, y, bands))
    s += (r.n / Math.max(1, p.length)) * Math.abs(r.mean_predicted - r.observed_rate);
  return s;
}
