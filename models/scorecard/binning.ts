import type { Column } from '../data/dataset.ts';
import { categoriesLabel, ivTerm, ruleLabel } from './binning-table.ts';
import { chi2, merge, mergeAt, rate, weakestPair, type Group } from './groups.ts';
import { binStability, stabilise, type BinStability, type TimeStableMerge } from './time-stable.ts';
import { applyTrend, enforceShape, type Shape, type Trend, type TrendReport } from './trend.ts';

/**
 * Binning (fine classing, then coarse classing by chi-merge or a decision tree), with a
 * minimum bin share, at most `maxBins` ranges, an event-rate trend over the ranges (trend.ts),
 * optionally an order that holds in every training period (time-stable.ts), and separate bins for
 * missing and special values. Numeric ranges are half-open [lo, hi). WoE = ln(%bad / %good)
 * (SPEC §6), with 0.5 added to every count so an empty side stays finite.
 */
export interface BinningOptions {
  method: 'chimerge' | 'tree';
  /** at most this many regular bins (ranges, category groups); missing and special bins come on top */
  maxBins: number;
  /** minimum share of all rows in each regular bin */
  minBinShare: number;
  /** without `trend`: true is auto-asc-desc, false none (options saved before trends existed read the same) */
  monotonic: boolean;
  /** the event-rate trend over a numeric feature's ranges (trend.ts); takes precedence over `monotonic` */
  trend?: Trend;
  /** merge neighbouring bins until their event-rate order holds in every training period (time-stable.ts) */
  timeStable?: boolean;
  /** bads each of two neighbouring bins needs in a period for their order to be judged there (default 5) */
  timeStableMinEvents?: number;
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
  /** numeric features: the trend requested and applied */
  trend?: TrendReport;
  /** with periods (the book's month-ends): how the bins' order and distribution hold over them */
  stability?: BinStability;
  /** time-stable binning: the neighbours merged because their order flipped in some period */
  timeStableMerges?: TimeStableMerge[];
}

/** The trend a binning applies: `trend`, else the `monotonic` switch (auto-asc-desc or none). */
export const effectiveTrend = (o: BinningOptions): Trend => o.trend ?? (o.monotonic ? 'auto-asc-desc' : 'none');

export const defaultTimeStableMinEvents = 5;

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

/** Fine bins of the regular (non-missing, non-special) values: equal-frequency cut points. */
function fineNumeric(
  values: Float64Array,
  label: Uint8Array,
  regular: (x: number) => boolean,
  fineBins: number,
  timing: Timing | null,
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
    ...timedCounts(timing),
  }));
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!regular(x)) continue;
    count(groups[upperBound(cuts, x)]!, label[i]!, timing, i);
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

/** The training window's periods (sorted) and each row's index into them: two periods at least. */
interface Timing {
  periods: string[];
  index: Int32Array;
}

function timingOf(period: readonly string[] | undefined): Timing | null {
  if (!period) return null;
  const periods = [...new Set(period)].sort();
  if (periods.length < 2) return null;
  const at = new Map(periods.map((p, k) => [p, k]));
  return { periods, index: Int32Array.from(period, (p) => at.get(p)!) };
}

const timedCounts = (t: Timing | null) =>
  t ? { pn: new Array<number>(t.periods.length).fill(0), pb: new Array<number>(t.periods.length).fill(0) } : {};

function count(g: Group, y: number, t: Timing | null, i: number) {
  g.n++;
  g.bad += y;
  if (t && g.pn && g.pb) {
    const p = t.index[i]!;
    g.pn[p]!++;
    g.pb[p]! += y;
  }
}

const groupLabel = (g: Group) =>
  g.cats.length ? categoriesLabel([...g.cats].sort()) : ruleLabel({ type: 'range', lo: g.lo, hi: g.hi });

/**
 * Coarse classing of fine groups: chi-merge or the tree, the minimum share, then (ordered groups:
 * a numeric feature's ranges) the trend, then the time-stable merges — each step merges
 * neighbours only, so the minimum share and the maximum number of bins reached first still hold.
 * A time-stable merge can break a concave or convex shape, so the two alternate until both hold.
 */
function coarse(
  fine: Group[],
  o: BinningOptions,
  minCount: number,
  ordered: boolean,
  timing: Timing | null,
): { groups: Group[]; trend?: TrendReport; merges?: TimeStableMerge[] } {
  if (fine.length === 0) return { groups: [] };
  let g = o.method === 'tree' ? treeSplit(fine, o, minCount) : chiMerge(enforceMinShare(fine, minCount), o);
  g = enforceMinShare(g, minCount);
  let trend: TrendReport | undefined;
  if (ordered) {
    const t = applyTrend(g, fine, effectiveTrend(o));
    g = t.groups;
    trend = t.report;
  }
  if (!o.timeStable || !timing) return { groups: g, ...(trend ? { trend } : {}) };
  const merges: TimeStableMerge[] = [];
  for (;;) {
    const s = stabilise(g, timing.periods, o.timeStableMinEvents ?? defaultTimeStableMinEvents, groupLabel);
    merges.push(...s.merges);
    g = s.groups;
    const shape: Shape = trend?.chosen ?? 'none';
    const again = enforceShape(g, shape);
    if (again.length === g.length) break;
    g = again;
  }
  return { groups: g, ...(trend ? { trend } : {}), merges };
}

/**
 * Bins one column against the label. With each row's period (the book's month-end), the bins get
 * their stability figure over the periods, and `timeStable` can merge bins whose order flips.
 */
export function binColumn(
  col: Column,
  label: Uint8Array,
  o: BinningOptions = defaultBinning,
  period?: readonly string[],
): VariableBins {
  const n = label.length;
  const minCount = Math.max(1, Math.ceil(o.minBinShare * n));
  const totalBad = label.reduce((s, y) => s + y, 0);
  const totalGood = n - totalBad;
  const timing = timingOf(period);
  // per-period counts of the fine groups are needed only to merge by them
  const mergeTiming = o.timeStable ? timing : null;
  const bins: Omit<Bin, 'woe'>[] = [];
  const missing = { n: 0, bad: 0 };
  let result: ReturnType<typeof coarse>;
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
    result = coarse(fineNumeric(col.values, label, regular, o.fineBins, mergeTiming), o, minCount, true, mergeTiming);
    for (const g of result.groups) bins.push({ rule: { type: 'range', lo: g.lo, hi: g.hi }, count: g.n, bad: g.bad });
    for (const [value, s] of [...special].sort((a, b) => a[0] - b[0]))
      bins.push({ rule: { type: 'special', value }, count: s.n, bad: s.bad });
  } else {
    const per = col.levels.map((l): Group => ({
      n: 0,
      bad: 0,
      lo: null,
      hi: null,
      cats: [l],
      ...timedCounts(mergeTiming),
    }));
    for (let i = 0; i < n; i++) {
      const c = col.codes[i]!;
      if (c < 0) {
        missing.n++;
        missing.bad += label[i]!;
        continue;
      }
      count(per[c]!, label[i]!, mergeTiming, i);
    }
    // categories ordered by bad rate, so merging neighbours merges similar risks; ties by name for determinism
    const fine = per.filter((g) => g.n > 0).sort((a, b) => rate(a) - rate(b) || (a.cats[0]! < b.cats[0]! ? -1 : 1));
    result = coarse(fine, o, minCount, false, mergeTiming);
    for (const g of result.groups)
      bins.push({ rule: { type: 'categories', values: [...g.cats].sort() }, count: g.n, bad: g.bad });
  }
  bins.push({ rule: { type: 'missing' }, count: missing.n, bad: missing.bad });
  const vb = withWoe(col.name, col.kind, bins, totalBad, totalGood);
  if (result.trend) vb.trend = result.trend;
  if (result.merges) vb.timeStableMerges = result.merges;
  if (timing) vb.stability = stabilityOf(vb, col, label, timing, o.timeStableMinEvents ?? defaultTimeStableMinEvents);
  return vb;
}

/** The final bins' rows and bads per period, and from them the stability figure. */
function stabilityOf(vb: VariableBins, col: Column, label: Uint8Array, t: Timing, minEvents: number): BinStability {
  const idx = assignBins(vb, col);
  const per = vb.bins.map((b) => ({
    pn: new Array<number>(t.periods.length).fill(0),
    pb: new Array<number>(t.periods.length).fill(0),
    ordered: b.rule.type === 'range' || b.rule.type === 'categories',
  }));
  for (let i = 0; i < idx.length; i++) {
    const b = per[idx[i]!]!;
    const p = t.index[i]!;
    b.pn[p]!++;
    b.pb[p]! += label[i]!;
  }
  return binStability(per, t.periods, minEvents);
}

/**
 * ln(%bad / %good); only when a side of the bin is empty is 0.5 added to every count, to keep it
 * finite — and the sign kept as the counts have it: a small bin with no bad (a sentinel seen three
 * times) came out riskier than average (3 goods of 506 against 0.5 of 38.5 bads), its IV term negative.
 * Such a bin is at most neutral (WoE 0), one with no good at least neutral.
 */
export function woeOf(bad: number, good: number, totalBad: number, totalGood: number): number {
  const a = bad === 0 || good === 0 ? 0.5 : 0;
  const woe = Math.log((bad + a) / (totalBad + a) / ((good + a) / (totalGood + a)));
  return bad === 0 && good > 0 ? Math.min(woe, 0) : good === 0 && bad > 0 ? Math.max(woe, 0) : woe;
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
  const iv = bins.reduce((s, b) => s + ivTerm(b, Math.max(totalBad, 1), Math.max(totalGood, 1)), 0);
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
