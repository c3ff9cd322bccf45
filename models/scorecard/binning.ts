import type { Column } from '../data/dataset.ts';

/**
 * Binning (fine classing, then coarse classing by chi-merge or a decision tree), with a
 * minimum bin share, an optional monotonic bad-rate constraint, and separate bins for missing
 * and special values. Numeric ranges are half-open [lo, hi). WoE = ln(%bad / %good) (SPEC §6),
 * with 0.5 added to every count so an empty side stays finite.
 */
export interface BinningOptions {
  method: 'chimerge' | 'tree';
  maxBins: number;
  /** minimum share of all rows in each regular bin */
  minBinShare: number;
  monotonic: boolean;
  /** numeric values kept in bins of their own (e.g. -1 "not applicable") */
  specialValues: number[];
  /** the features whose special values those are (codes such as "-2 no consumption" belong to some columns only); absent: every numeric feature */
  specialFeatures?: string[];
  /** special values of single columns, e.g. the sentinel codes the data-quality gate found (96, 98 in a count); added to the ones above */
  specialByFeature?: Record<string, number[]>;
  fineBins: number;
  /** chi-merge stops when every adjacent pair differs at this chi² (3.841: p = 0.05, 1 df) */
  chiThreshold: number;
}

export const defaultBinning: BinningOptions = {
  method: 'chimerge',
  maxBins: 6,
  minBinShare: 0.05,
  monotonic: true,
  specialValues: [],
  fineBins: 50,
  chiThreshold: 3.841,
};

export type BinRule =
  | { type: 'range'; lo: number | null; hi: number | null }
  | { type: 'missing' }
  | { type: 'special'; value: number }
  | { type: 'categories'; values: string[] };

export interface Bin {
  rule: BinRule;
  count: number;
  bad: number;
  woe: number;
}

export interface VariableBins {
  feature: string;
  kind: 'numeric' | 'categorical';
  bins: Bin[];
  iv: number;
  /** the bin an unseen category (or a missing value never seen in training) falls in: the riskiest */
  fallback: number;
  totalBad: number;
  totalGood: number;
}

interface Group {
  n: number;
  bad: number;
  lo: number | null;
  hi: number | null;
  cats: string[];
}

const chi2 = (a: Group, b: Group) => {
  const n = a.n + b.n;
  const bad = a.bad + b.bad;
  if (n === 0 || bad === 0 || bad === n) return 0;
  const pb = bad / n;
  let s = 0;
  for (const g of [a, b]) {
    const eb = g.n * pb;
    const eg = g.n * (1 - pb);
    if (eb > 0) s += (g.bad - eb) ** 2 / eb;
    if (eg > 0) s += (g.n - g.bad - eg) ** 2 / eg;
  }
  return s;
};
const merge = (a: Group, b: Group): Group => ({
  n: a.n + b.n,
  bad: a.bad + b.bad,
  lo: a.lo,
  hi: b.hi,
  cats: [...a.cats, ...b.cats],
});
const rate = (g: Group) => (g.n ? g.bad / g.n : 0);

function mergeAt(groups: Group[], i: number) {
  groups.splice(i, 2, merge(groups[i]!, groups[i + 1]!));
}

/** Index of the adjacent pair (i, i+1) with the smallest chi² among those `allowed`. */
function weakestPair(groups: Group[], allowed: (i: number) => boolean = () => true): number {
  let best = -1;
  let bestChi = Infinity;
  for (let i = 0; i + 1 < groups.length; i++) {
    if (!allowed(i)) continue;
    const c = chi2(groups[i]!, groups[i + 1]!);
    if (c < bestChi) {
      bestChi = c;
      best = i;
    }
  }
  return best;
}

function chiMerge(groups: Group[], o: BinningOptions): Group[] {
  const g = [...groups];
  while (g.length > 1) {
    const i = weakestPair(g);
    if (g.length <= o.maxBins && chi2(g[i]!, g[i + 1]!) >= o.chiThreshold) break;
    mergeAt(g, i);
  }
  return g;
}

const entropy = (n: number, bad: number) => {
  if (n === 0 || bad === 0 || bad === n) return 0;
  const p = bad / n;
  return -n * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
};

/** Best-first binary splits on fine-bin boundaries by entropy gain, each side ≥ the minimum share. */
function treeSplit(fine: Group[], o: BinningOptions, minCount: number): Group[] {
  const leaves: Group[][] = [fine];
  for (;;) {
    if (leaves.length >= o.maxBins) break;
    let best: { leaf: number; at: number; gain: number } | null = null;
    for (const [li, leaf] of leaves.entries()) {
      const total = leaf.reduce((s, x) => ({ n: s.n + x.n, bad: s.bad + x.bad }), { n: 0, bad: 0 });
      let ln = 0;
      let lb = 0;
      for (let k = 0; k + 1 < leaf.length; k++) {
        ln += leaf[k]!.n;
        lb += leaf[k]!.bad;
        if (ln < minCount || total.n - ln < minCount) continue;
        const gain = entropy(total.n, total.bad) - entropy(ln, lb) - entropy(total.n - ln, total.bad - lb);
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { leaf: li, at: k + 1, gain };
      }
    }
    if (!best) break;
    const { leaf, at } = best;
    const l = leaves[leaf]!;
    leaves.splice(leaf, 1, l.slice(0, at), l.slice(at));
  }
  return leaves.map((leaf) => leaf.reduce(merge));
}

function enforceMinShare(groups: Group[], minCount: number): Group[] {
  const g = [...groups];
  for (;;) {
    if (g.length <= 1) return g;
    let small = -1;
    for (let i = 0; i < g.length; i++) if (g[i]!.n < minCount && (small < 0 || g[i]!.n < g[small]!.n)) small = i;
    if (small < 0) return g;
    const left = small > 0 ? chi2(g[small - 1]!, g[small]!) : Infinity;
    const right = small + 1 < g.length ? chi2(g[small]!, g[small + 1]!) : Infinity;
    mergeAt(g, left <= right ? small - 1 : small);
  }
}

/** Merges the weakest violating pair until bad rates move in one direction (the trend of the fine bins). */
function enforceMonotonic(groups: Group[], fine: Group[]): Group[] {
  const g = [...groups];
  // direction from the count-weighted correlation of fine-bin order with bad rate
  const N = fine.reduce((s, x) => s + x.n, 0);
  const mi = fine.reduce((s, x, i) => s + i * x.n, 0) / N;
  const mr = fine.reduce((s, x) => s + x.bad, 0) / N;
  const up = fine.reduce((s, x, i) => s + x.n * (i - mi) * (rate(x) - mr), 0) >= 0;
  const violates = (i: number) => (up ? rate(g[i + 1]!) < rate(g[i]!) : rate(g[i + 1]!) > rate(g[i]!));
  for (;;) {
    const i = weakestPair(g, violates);
    if (i < 0) return g;
    mergeAt(g, i);
  }
}

/** Fine bins of the regular (non-missing, non-special) values: equal-frequency cut points. */
function fineNumeric(
  values: Float64Array,
  label: Uint8Array,
  regular: (x: number) => boolean,
  fineBins: number,
): Group[] {
  const xs: number[] = [];
  for (const v of values) if (regular(v)) xs.push(v);
  if (xs.length === 0) return [];
  const sorted = Float64Array.from(xs).sort();
  const cuts: number[] = [];
  for (let k = 1; k < fineBins; k++) {
    const c = sorted[Math.floor((k * sorted.length) / fineBins)]!;
    if (c > sorted[0]! && (cuts.length === 0 || c > cuts[cuts.length - 1]!)) cuts.push(c);
  }
  const groups: Group[] = Array.from({ length: cuts.length + 1 }, (_, k) => ({
    n: 0,
    bad: 0,
    lo: k === 0 ? null : cuts[k - 1]!,
    hi: k === cuts.length ? null : cuts[k]!,
    cats: [],
  }));
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!regular(x)) continue;
    const g = groups[upperBound(cuts, x)]!;
    g.n++;
    g.bad += label[i]!;
  }
  return groups
    .filter((g) => g.n > 0)
    .map((g, k, arr) => ({ ...g, lo: k === 0 ? null : g.lo, hi: k === arr.length - 1 ? null : arr[k + 1]!.lo }));
}

/** Number of cut points ≤ x: the index of the half-open range [cut(k-1), cut(k)) holding x. */
export function upperBound(cuts: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function coarse(fine: Group[], o: BinningOptions, minCount: number, ordered: boolean): Group[] {
  if (fine.length === 0) return [];
  let g = o.method === 'tree' ? treeSplit(fine, o, minCount) : chiMerge(enforceMinShare(fine, minCount), o);
  g = enforceMinShare(g, minCount);
  if (o.monotonic && ordered) g = enforceMonotonic(g, fine);
  return g;
}

/** Bins one column against the label. */
export function binColumn(col: Column, label: Uint8Array, o: BinningOptions = defaultBinning): VariableBins {
  const n = label.length;
  const minCount = Math.max(1, Math.ceil(o.minBinShare * n));
  const totalBad = label.reduce((s, y) => s + y, 0);
  const totalGood = n - totalBad;
  const bins: Omit<Bin, 'woe'>[] = [];
  const missing = { n: 0, bad: 0 };
  if (col.kind === 'numeric') {
    const specials = new Set([
      ...(!o.specialFeatures || o.specialFeatures.includes(col.name) ? o.specialValues : []),
      ...(o.specialByFeature && Object.hasOwn(o.specialByFeature, col.name) ? o.specialByFeature[col.name]! : []),
    ]);
    const regular = (x: number) => !Number.isNaN(x) && !specials.has(x);
    const special = new Map<number, { n: number; bad: number }>();
    for (let i = 0; i < n; i++) {
      const x = col.values[i]!;
      if (Number.isNaN(x)) {
        missing.n++;
        missing.bad += label[i]!;
      } else if (specials.has(x)) {
        const s = special.get(x) ?? { n: 0, bad: 0 };
        s.n++;
        s.bad += label[i]!;
        special.set(x, s);
      }
    }
    for (const g of coarse(fineNumeric(col.values, label, regular, o.fineBins), o, minCount, true))
      bins.push({ rule: { type: 'range', lo: g.lo, hi: g.hi }, count: g.n, bad: g.bad });
    for (const [value, s] of [...special].sort((a, b) => a[0] - b[0]))
      bins.push({ rule: { type: 'special', value }, count: s.n, bad: s.bad });
  } else {
    const per = col.levels.map((l): Group => ({ n: 0, bad: 0, lo: null, hi: null, cats: [l] }));
    for (let i = 0; i < n; i++) {
      const c = col.codes[i]!;
      if (c < 0) {
        missing.n++;
        missing.bad += label[i]!;
        continue;
      }
      per[c]!.n++;
      per[c]!.bad += label[i]!;
    }
    // categories ordered by bad rate, so merging neighbours merges similar risks; ties by name for determinism
    const fine = per.filter((g) => g.n > 0).sort((a, b) => rate(a) - rate(b) || (a.cats[0]! < b.cats[0]! ? -1 : 1));
    for (const g of coarse(fine, o, minCount, false))
      bins.push({ rule: { type: 'categories', values: [...g.cats].sort() }, count: g.n, bad: g.bad });
  }
  bins.push({ rule: { type: 'missing' }, count: missing.n, bad: missing.bad });
  return withWoe(col.name, col.kind, bins, totalBad, totalGood);
}

/** ln(%bad / %good); only when a side of the bin is empty is 0.5 added to every count, to keep it finite. */
export function woeOf(bad: number, good: number, totalBad: number, totalGood: number): number {
  const a = bad === 0 || good === 0 ? 0.5 : 0;
  return Math.log((bad + a) / (totalBad + a) / ((good + a) / (totalGood + a)));
}

/** WoE and IV of counted bins; an empty bin (missing never seen) takes the riskiest WoE. */
export function withWoe(
  feature: string,
  kind: 'numeric' | 'categorical',
  counted: Omit<Bin, 'woe'>[],
  totalBad: number,
  totalGood: number,
): VariableBins {
  const bins: Bin[] = counted.map((b) => ({ ...b, woe: woeOf(b.bad, b.count - b.bad, totalBad, totalGood) }));
  let fallback = Math.max(
    0,
    bins.findIndex((b) => b.count > 0),
  );
  bins.forEach((b, i) => {
    if (b.count > 0 && b.woe > bins[fallback]!.woe) fallback = i;
  });
  for (const b of bins) if (b.count === 0) b.woe = bins[fallback]!.woe;
  const iv = bins.reduce(
    (s, b) => s + (b.count ? (b.bad / Math.max(totalBad, 1) - (b.count - b.bad) / Math.max(totalGood, 1)) * b.woe : 0),
    0,
  );
  return { feature, kind, bins, iv, fallback, totalBad, totalGood };
}

/** The bin a value falls in: missing → the missing bin; special → its bin; a range; an unseen category → the fallback. */
export function binIndexNumeric(vb: VariableBins, x: number): number {
  const bins = vb.bins;
  for (let k = 0; k < bins.length; k++) {
    const r = bins[k]!.rule;
    if (Number.isNaN(x)) {
      if (r.type === 'missing') return k;
      continue;
    }
    if (r.type === 'special' && r.value === x) return k;
  }
  if (Number.isNaN(x)) return vb.fallback;
  for (let k = 0; k < bins.length; k++) {
    const r = bins[k]!.rule;
    if (r.type === 'range' && (r.lo === null || x >= r.lo) && (r.hi === null || x < r.hi)) return k;
  }
  return vb.fallback;
}

export function binIndexCategory(vb: VariableBins, v: string | null): number {
  const bins = vb.bins;
  for (let k = 0; k < bins.length; k++) {
    const r = bins[k]!.rule;
    if (v === null ? r.type === 'missing' : r.type === 'categories' && r.values.includes(v)) return k;
  }
  return vb.fallback;
}

/** Bin index per row of a column (a categorical column's levels are mapped once). */
export function assignBins(vb: VariableBins, col: Column): Uint8Array {
  const out = new Uint8Array(col.kind === 'numeric' ? col.values.length : col.codes.length);
  if (col.kind === 'numeric') {
    for (let i = 0; i < out.length; i++) out[i] = binIndexNumeric(vb, col.values[i]!);
  } else {
    const byLevel = col.levels.map((l) => binIndexCategory(vb, l));
    const missing = binIndexCategory(vb, null);
    for (let i = 0; i < out.length; i++) {
      const c = col.codes[i]!;
      out[i] = c < 0 ? missing : byLevel[c]!;
    }
  }
  return out;
}
