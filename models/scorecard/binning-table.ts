import type { BinRule, VariableBins } from './binning.ts';
import type { BinStability, TimeStableMerge } from './time-stable.ts';
import type { TrendReport } from './trend.ts';

/** One bin of a feature's binning table (model card, markdown and JSON). */
export interface BinningTableRow {
  bin: string;
  type: BinRule['type'];
  count: number;
  /** share of the rows the binning saw */
  share: number;
  bads: number;
  goods: number;
  /** null for a bin no training row fell in (missing never seen) */
  event_rate: number | null;
  woe: number;
  /** this bin's term of the IV: (%bad − %good) · WoE; the feature's IV is their sum */
  iv: number;
}

export interface BinningTable {
  feature: string;
  kind: 'numeric' | 'categorical';
  iv: number;
  rows: BinningTableRow[];
  trend?: TrendReport;
  stability?: BinStability;
  time_stable_merges?: TimeStableMerge[];
}

/**
 * How a bin reads: [lo, hi) ranges, `missing`, `special V`, or its categories, each in double quotes
 * (a quote or backslash inside escaped as in JSON): categories hold commas themselves ("car or
 * other, not in attribute …"), so joined bare a reader could not tell where one ends.
 */
export function ruleLabel(r: BinRule, bound: (x: number) => string = String): string {
  return r.type === 'range'
    ? `[${r.lo === null ? '−∞' : bound(r.lo)}, ${r.hi === null ? '+∞' : bound(r.hi)})`
    : r.type === 'missing'
      ? 'missing'
      : r.type === 'special'
        ? `special ${r.value}`
        : categoriesLabel(r.values);
}

/** Categories as a bin label: each quoted, joined by ", " (parse back with JSON.parse(`[${label}]`)). */
export const categoriesLabel = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** The binning table of binned counts: the IV terms are the ones binning.ts sums (same terms, same order). */
export function binningTable(vb: VariableBins): BinningTable {
  const tb = Math.max(vb.totalBad, 1);
  const tg = Math.max(vb.totalGood, 1);
  const n = vb.totalBad + vb.totalGood;
  return {
    feature: vb.feature,
    kind: vb.kind,
    iv: vb.iv,
    rows: vb.bins.map((b) => ({
      bin: ruleLabel(b.rule),
      type: b.rule.type,
      count: b.count,
      share: n ? b.count / n : 0,
      bads: b.bad,
      goods: b.count - b.bad,
      event_rate: b.count ? b.bad / b.count : null,
      woe: b.woe,
      iv: ivTerm(b, tb, tg),
    })),
    ...(vb.trend ? { trend: vb.trend } : {}),
    ...(vb.stability ? { stability: vb.stability } : {}),
    ...(vb.timeStableMerges ? { time_stable_merges: vb.timeStableMerges } : {}),
  };
}

/** A bin's IV term; an empty bin adds nothing (its WoE is borrowed from the riskiest bin for scoring only). */
export const ivTerm = (b: { count: number; bad: number; woe: number }, totalBad: number, totalGood: number) =>
  b.count ? (b.bad / totalBad - (b.count - b.bad) / totalGood) * b.woe : 0;
