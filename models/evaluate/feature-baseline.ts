import { sortFloat64 } from '../../lib/sort-float64.ts';
import type { Column } from '../data/dataset.ts';

/**
 * The CSI bins of a feature a model reads without bins of its own (every feature of boosted trees;
 * a network input without WoE bins), fixed on the training rows as SPEC §5 fixes PSI / CSI bins on
 * the training baseline. A numeric feature: a missing bin, a bin per special value, then ranges
 * [−∞, d1), [d1, d2) … [d9, +∞) between the deciles of the other training values (equal deciles
 * fall together, so a value held by many rows does not leave empty ranges). A categorical feature:
 * a missing bin, a bin per training category (the `maxLevels` most frequent) and an "other" bin for
 * the rest and for any category unseen in training.
 */
export type FeatureBaseline =
  | {
      feature: string;
      kind: 'numeric';
      specials: number[];
      edges: number[];
      /** missing, each special value, then each range */
      counts: number[];
    }
  | {
      feature: string;
      kind: 'categorical';
      levels: string[];
      /** missing, each level, then other */
      counts: number[];
    };

export const baselineRanges = 10;
export const maxLevels = 20;

/** The training distribution of one column in CSI bins (the counts of `baselineCounts` on the same rows). */
export function featureBaseline(col: Column, specials: readonly number[] = []): FeatureBaseline {
  if (col.kind === 'numeric') {
    const special = new Set(specials);
    const xs: number[] = [];
    for (const v of col.values) if (!Number.isNaN(v) && !special.has(v)) xs.push(v);
    const sorted = sortFloat64(Float64Array.from(xs));
    const edges: number[] = [];
    for (let k = 1; k < baselineRanges; k++) {
      const e = sorted[Math.floor((k * sorted.length) / baselineRanges)];
      if (e !== undefined && Number.isFinite(e) && e > sorted[0]! && (edges.length === 0 || e > edges.at(-1)!))
        edges.push(e);
    }
    const b: FeatureBaseline = {
      feature: col.name,
      kind: 'numeric',
      specials: [...special].sort((x, y) => x - y),
      edges,
      counts: [],
    };
    return { ...b, counts: baselineCounts(b, col) };
  }
  const n = new Float64Array(col.levels.length);
  for (const c of col.codes) if (c >= 0) n[c]!++;
  const levels = col.levels
    .map((l, c) => [l, n[c]!] as const)
    .filter(([, k]) => k > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxLevels)
    .map(([l]) => l);
  const b: FeatureBaseline = { feature: col.name, kind: 'categorical', levels, counts: [] };
  return { ...b, counts: baselineCounts(b, col) };
}

/** Rows of a column in each of the baseline's bins (same order as its counts). */
export function baselineCounts(b: FeatureBaseline, col: Column): number[] {
  if (b.kind === 'numeric') {
    if (col.kind !== 'numeric') throw new Error(`${b.feature}: numeric at training, categorical now`);
    const counts = new Array<number>(1 + b.specials.length + b.edges.length + 1).fill(0);
    const special = new Map(b.specials.map((s, k) => [s, 1 + k]));
    const first = 1 + b.specials.length;
    for (const x of col.values) {
      if (Number.isNaN(x)) counts[0]!++;
      else {
        const s = special.get(x);
        counts[s ?? first + rangeOf(b.edges, x)]!++;
      }
    }
    return counts;
  }
  if (col.kind !== 'categorical') throw new Error(`${b.feature}: categorical at training, numeric now`);
  const counts = new Array<number>(1 + b.levels.length + 1).fill(0);
  const at = new Map(b.levels.map((l, k) => [l, 1 + k]));
  const byCode = col.levels.map((l) => at.get(l) ?? b.levels.length + 1);
  for (const c of col.codes) counts[c < 0 ? 0 : byCode[c]!]!++;
  return counts;
}

/** How many edges are at or below x (ranges are half-open [lo, hi)). */
function rangeOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x >= edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
