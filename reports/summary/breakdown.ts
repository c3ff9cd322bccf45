import type { Row } from '../template.ts';

/**
 * Breakdowns of the book by product, region and branch: per segment the balance, M1+ ratio, NPL
 * balance and NPL ratio this month and last, and the segment's contribution to the month's change
 * in the NPL ratio, by which the rows are ranked.
 *
 * Method (a two-factor decomposition with midpoint weights, exact): the book's NPL ratio is
 * R = Σᵢ wᵢ rᵢ with wᵢ the segment's share of the balance and rᵢ its NPL ratio, so
 *
 *   ΔR = Σᵢ [ Δwᵢ · (rᵢ + rᵢ′)/2  +  Δrᵢ · (wᵢ + wᵢ′)/2 ]
 *
 * the first term is the segment's mix effect (its share of the book grew or shrank), the second its
 * rate effect (its own NPL ratio moved); their sum is its contribution, and the contributions add up
 * to ΔR exactly. A segment with no balance in one of the months takes its other month's ratio there
 * (its weight is 0, so the value does not matter to R). Also given: each segment's share of the
 * change in the NPL balance, ΔNPLᵢ / ΔNPL.
 */
export const breakdownDims = ['product', 'region', 'branch'] as const;
export type BreakdownDim = (typeof breakdownDims)[number];

export interface Pair {
  value: number | null;
  previous_month: number | null;
  change: number | null;
}
export interface BreakdownRow {
  segment: string;
  balance: Pair;
  m1plus_ratio: Pair;
  npl_balance: Pair;
  npl_ratio: Pair;
  /**
   * percentage points of the book's NPL-ratio change (fractions: 0.0001 = 0.01 pp); null when the
   * data has no previous month-end (its first month): there is no change to split
   */
  mix_effect: number | null;
  rate_effect: number | null;
  contribution: number | null;
  /** ΔNPL balance of the segment over the book's (null when the book's did not change) */
  share_of_npl_change: number | null;
  rank: number;
}
export interface BreakdownData {
  dim: BreakdownDim;
  rows: BreakdownRow[];
  total: Omit<BreakdownRow, 'segment' | 'rank' | 'share_of_npl_change'>;
}

const pair = (value: number | null, previous: number | null): Pair => ({
  value,
  previous_month: previous,
  change: value !== null && previous !== null ? value - previous : null,
});
const c2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
/** money: sums of exact decimals in floating point, back to cents */
const moneyPair = (value: number | null, previous: number | null): Pair => {
  const p = pair(c2(value), c2(previous));
  return { ...p, change: c2(p.change) };
};
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** the breakdown from the `overdue` metric's rows grouped by month_end and `dim` for the two month-ends */
export function breakdownOf(dim: BreakdownDim, rows: Row[], monthEnd: string, previous: string): BreakdownData {
  interface Acc {
    bal: number;
    m1: number;
    npl: number;
  }
  const at = (m: string) => {
    const out = new Map<string, Acc>();
    for (const r of rows.filter((x) => x.month_end === m))
      out.set(String(r[dim]), { bal: Number(r.outstanding), m1: Number(r.m1plus), npl: Number(r.npl) });
    return out;
  };
  const cur = at(monthEnd),
    prev = at(previous);
  const zero: Acc = { bal: 0, m1: 0, npl: 0 };
  const sum = (m: Map<string, Acc>) =>
    [...m.values()].reduce((s, a) => ({ bal: s.bal + a.bal, m1: s.m1 + a.m1, npl: s.npl + a.npl }), zero);
  const T = sum(cur),
    T0 = sum(prev);
  // the data's first month-end: no previous month, so no change (a total of +22.5M against nothing)
  const hasPrevious = prev.size > 0;
  const segments = [...new Set([...cur.keys(), ...prev.keys()])].sort();
  const dNplTotal = T.npl - T0.npl;
  const out = segments.map((segment) => {
    const a = cur.get(segment) ?? zero,
      b = prev.get(segment) ?? zero;
    const w1 = T.bal > 0 ? a.bal / T.bal : 0,
      w0 = T0.bal > 0 ? b.bal / T0.bal : 0;
    const r1x = ratio(a.npl, a.bal),
      r0x = ratio(b.npl, b.bal);
    const r1 = r1x ?? r0x ?? 0,
      r0 = r0x ?? r1x ?? 0;
    const mix = (w1 - w0) * ((r0 + r1) / 2),
      rate = (r1 - r0) * ((w0 + w1) / 2);
    return {
      segment,
      balance: moneyPair(cur.has(segment) ? a.bal : null, prev.has(segment) ? b.bal : null),
      m1plus_ratio: pair(ratio(a.m1, a.bal), ratio(b.m1, b.bal)),
      npl_balance: moneyPair(cur.has(segment) ? a.npl : null, prev.has(segment) ? b.npl : null),
      npl_ratio: pair(r1x, r0x),
      mix_effect: hasPrevious ? mix : null,
      rate_effect: hasPrevious ? rate : null,
      contribution: hasPrevious ? mix + rate : null,
      share_of_npl_change: hasPrevious && dNplTotal !== 0 ? (a.npl - b.npl) / dNplTotal : null,
      rank: 0,
    };
  });
  out.sort(
    (x, y) => Math.abs(y.contribution ?? 0) - Math.abs(x.contribution ?? 0) || x.segment.localeCompare(y.segment),
  );
  const total = (k: 'mix_effect' | 'rate_effect' | 'contribution') =>
    hasPrevious ? out.reduce((s, r) => s + (r[k] ?? 0), 0) : null;
  out.forEach((r, i) => (r.rank = i + 1));
  const nplRatio = pair(ratio(T.npl, T.bal), ratio(T0.npl, T0.bal));
  return {
    dim,
    rows: out,
    total: {
      balance: moneyPair(T.bal, hasPrevious ? T0.bal : null),
      m1plus_ratio: pair(ratio(T.m1, T.bal), ratio(T0.m1, T0.bal)),
      npl_balance: moneyPair(T.npl, hasPrevious ? T0.npl : null),
      npl_ratio: nplRatio,
      mix_effect: total('mix_effect'),
      rate_effect: total('rate_effect'),
      contribution: total('contribution'),
    },
  };
}
