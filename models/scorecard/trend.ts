import { logLikelihoodGain, mergeAt, rate, weakestPair, type Group } from './groups.ts';

/**
 * Event-rate trends over the ordered bins of a numeric feature, each enforced by merging
 * neighbours only (so the bins stay contiguous ranges and every scorer reads them as before):
 *
 * - ascending / descending: the event rate never falls / never rises from one bin to the next;
 * - peak / valley: it rises then falls / falls then rises (one turning point, possibly at an end);
 * - concave / convex: its slope never grows / never shrinks, the slope taken over the feature's
 *   rank scale (each bin placed at the share of rows before it plus half its own), so bins of
 *   unequal size do not bend a straight line;
 * - none: no constraint;
 * - auto-asc-desc: ascending or descending, by the sign of the count-weighted correlation between
 *   fine-bin order and event rate (the scorecard's default: monotonic per feature);
 * - auto: of ascending, descending, concave, convex, peak and valley, the one whose merged bins
 *   have the lowest BIC, −2·(log-likelihood gain of the bins) + (number of bins)·ln(rows): the
 *   likelihood rewards the shape that keeps the data's differences, the penalty a shape that only
 *   buys bins from noise; a tie goes to the more restrictive shape, in that order.
 */
export const trends = [
  'auto-asc-desc',
  'auto',
  'ascending',
  'descending',
  'peak',
  'valley',
  'concave',
  'convex',
  'none',
] as const;
export type Trend = (typeof trends)[number];
export type Shape = Exclude<Trend, 'auto' | 'auto-asc-desc'>;

/** auto's candidates, the more restrictive first (a tie in BIC goes to the earlier) */
export const autoCandidates = ['ascending', 'descending', 'concave', 'convex', 'peak', 'valley'] as const;

export interface TrendCandidate {
  trend: Shape;
  bins: number;
  bic: number;
}

/** What the trend did to a feature's ranges (recorded with its bins and shown in the model card). */
export interface TrendReport {
  requested: Trend;
  chosen: Shape;
  /** ranges before and after the trend's merges */
  binsBefore: number;
  binsAfter: number;
  /** auto: every candidate's bins and BIC */
  candidates?: TrendCandidate[];
}

const tolerance = 1e-12;

/**
 * Where each bin sits on the feature's rank scale: the share of rows before it plus half its own
 * (equal counts when not given). Concave and convex are judged on this scale, so bins of unequal
 * size do not bend a straight line.
 */
function positions(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0) || 1;
  let before = 0;
  return counts.map((c) => {
    const at = (before + c / 2) / total;
    before += c;
    return at;
  });
}

/** Whether event rates in bin order follow a shape (`counts`: the bins' rows, for concave and convex). */
export function follows(rates: readonly number[], shape: Shape, counts?: readonly number[]): boolean {
  const m = rates.length;
  const d = (k: number) => rates[k + 1]! - rates[k]!;
  switch (shape) {
    case 'none':
      return true;
    case 'ascending':
      return rates.every((_, k) => k + 1 >= m || d(k) >= -tolerance);
    case 'descending':
      return rates.every((_, k) => k + 1 >= m || d(k) <= tolerance);
    case 'peak':
    case 'valley': {
      const s = shape === 'peak' ? 1 : -1;
      let turned = false;
      for (let k = 0; k + 1 < m; k++) {
        if (s * d(k) < -tolerance) turned = true;
        else if (turned && s * d(k) > tolerance) return false;
      }
      return true;
    }
    case 'concave':
    case 'convex': {
      const s = shape === 'concave' ? 1 : -1;
      const slope = slopes(rates, counts ?? rates.map(() => 1));
      for (let k = 1; k < slope.length; k++) if (s * (slope[k]! - slope[k - 1]!) > tolerance) return false;
      return true;
    }
  }
}

/** Event-rate change per unit of rank between neighbouring bins. */
function slopes(rates: readonly number[], counts: readonly number[]): number[] {
  const at = positions(counts);
  return rates.slice(1).map((r, k) => (r - rates[k]!) / (at[k + 1]! - at[k]!));
}

/** Merges the weakest (smallest χ²) violating pair until the event rate never falls (up) or never rises. */
function monotone(groups: Group[], up: boolean): Group[] {
  const g = [...groups];
  const violates = (i: number) => (up ? rate(g[i + 1]!) < rate(g[i]!) : rate(g[i + 1]!) > rate(g[i]!));
  for (;;) {
    const i = weakestPair(g, violates);
    if (i < 0) return g;
    mergeAt(g, i);
  }
}

/**
 * One turning point: every split of the bins into a rising left part and a falling right part
 * (a peak; the reverse for a valley) is made monotonic on each side, and the split whose bins keep
 * the most log-likelihood wins. A rising part followed by a falling part is unimodal wherever
 * they meet, so no merge across the split is needed.
 */
function unimodal(groups: Group[], peak: boolean): Group[] {
  let best = groups;
  let bestGain = -Infinity;
  for (let t = 0; t <= groups.length; t++) {
    const cand = [...monotone(groups.slice(0, t), peak), ...monotone(groups.slice(t), !peak)];
    const gain = logLikelihoodGain(cand);
    if (gain > bestGain + tolerance) {
      best = cand;
      bestGain = gain;
    }
  }
  return best;
}

/**
 * Merges the weakest pair inside a bend of the wrong sign until the event rate's slope over the
 * rank scale never grows (concave) or never shrinks (convex).
 */
function curvature(groups: Group[], concave: boolean): Group[] {
  const g = [...groups];
  const s = concave ? 1 : -1;
  for (;;) {
    const slope = slopes(
      g.map(rate),
      g.map((x) => x.n),
    );
    // bin k bends the wrong way when s·(slope after it − slope before it) > 0; a merge of either of its pairs can fix it
    const bends = (k: number) => k >= 1 && k < slope.length && s * (slope[k]! - slope[k - 1]!) > tolerance;
    const i = weakestPair(g, (p) => bends(p) || bends(p + 1));
    if (i < 0) return g;
    mergeAt(g, i);
  }
}

/** The bins merged until their event rates follow the shape. */
export function enforceShape(groups: Group[], shape: Shape): Group[] {
  if (groups.length <= 1) return [...groups];
  switch (shape) {
    case 'none':
      return [...groups];
    case 'ascending':
    case 'descending':
      return monotone(groups, shape === 'ascending');
    case 'peak':
    case 'valley':
      return unimodal(groups, shape === 'peak');
    case 'concave':
    case 'convex':
      return curvature(groups, shape === 'concave');
  }
}

/** BIC of a grouping: −2·(log-likelihood gain over one overall rate) + bins·ln(rows). */
export function bic(groups: Group[]): number {
  const n = groups.reduce((s, g) => s + g.n, 0);
  return -2 * logLikelihoodGain(groups) + groups.length * Math.log(Math.max(n, 1));
}

/** The direction of the count-weighted correlation of fine-bin order with event rate (auto-asc-desc). */
function risesWith(fine: Group[]): boolean {
  const n = fine.reduce((s, x) => s + x.n, 0);
  if (n === 0) return true;
  const mi = fine.reduce((s, x, i) => s + i * x.n, 0) / n;
  const mr = fine.reduce((s, x) => s + x.bad, 0) / n;
  return fine.reduce((s, x, i) => s + x.n * (i - mi) * (rate(x) - mr), 0) >= 0;
}

/** Applies a requested trend to coarse bins (auto: chooses it), with the report of what it did. */
export function applyTrend(groups: Group[], fine: Group[], requested: Trend): { groups: Group[]; report: TrendReport } {
  const report = (chosen: Shape, after: Group[], candidates?: TrendCandidate[]): TrendReport => ({
    requested,
    chosen,
    binsBefore: groups.length,
    binsAfter: after.length,
    ...(candidates ? { candidates } : {}),
  });
  if (requested === 'auto-asc-desc') {
    const chosen = risesWith(fine) ? 'ascending' : 'descending';
    const after = enforceShape(groups, chosen);
    return { groups: after, report: report(chosen, after) };
  }
  if (requested !== 'auto') {
    const after = enforceShape(groups, requested);
    return { groups: after, report: report(requested, after) };
  }
  let best: { trend: Shape; groups: Group[]; bic: number } | null = null;
  const candidates: TrendCandidate[] = [];
  for (const trend of autoCandidates) {
    const after = enforceShape(groups, trend);
    const b = bic(after);
    candidates.push({ trend, bins: after.length, bic: b });
    // strictly lower by more than rounding: a tie keeps the more restrictive shape
    if (!best || b < best.bic - 1e-9 * Math.max(1, Math.abs(best.bic))) best = { trend, groups: after, bic: b };
  }
  return { groups: best!.groups, report: report(best!.trend, best!.groups, candidates) };
}
