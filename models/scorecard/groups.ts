/**
 * Ordered groups of rows (fine bins, then coarse bins) and the operations every binning stage
 * shares: merging neighbours, the χ² of a pair, the log-likelihood a grouping explains. A group
 * may carry its counts per time period (index into the training window's sorted periods), which
 * the time-stable binning (time-stable.ts) reads.
 */
export interface Group {
  n: number;
  bad: number;
  lo: number | null;
  hi: number | null;
  cats: string[];
  /** rows and bads per period, when the binning is given periods */
  pn?: number[];
  pb?: number[];
}

const addArrays = (a: number[] | undefined, b: number[] | undefined) =>
  a && b ? a.map((x, k) => x + b[k]!) : undefined;

export const merge = (a: Group, b: Group): Group => {
  const g: Group = { n: a.n + b.n, bad: a.bad + b.bad, lo: a.lo, hi: b.hi, cats: [...a.cats, ...b.cats] };
  const pn = addArrays(a.pn, b.pn);
  const pb = addArrays(a.pb, b.pb);
  if (pn && pb) {
    g.pn = pn;
    g.pb = pb;
  }
  return g;
};

export const rate = (g: { n: number; bad: number }) => (g.n ? g.bad / g.n : 0);

/** Merges the pair (i, i + 1) in place. */
export function mergeAt(groups: Group[], i: number) {
  groups.splice(i, 2, merge(groups[i]!, groups[i + 1]!));
}

export const chi2 = (a: Group, b: Group) => {
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

/** Index of the adjacent pair (i, i+1) with the smallest χ² among those `allowed`; −1 when none is. */
export function weakestPair(groups: Group[], allowed: (i: number) => boolean = () => true): number {
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

const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/**
 * Log-likelihood the grouping explains beyond one overall rate: Σ bad·ln(rₖ/p) + good·ln((1−rₖ)/(1−p)),
 * the binned model's log-likelihood gain (n × the mutual information of bin and outcome).
 */
export function logLikelihoodGain(groups: Group[]): number {
  const n = groups.reduce((s, g) => s + g.n, 0);
  const bad = groups.reduce((s, g) => s + g.bad, 0);
  if (n === 0 || bad === 0 || bad === n) return 0;
  const p = bad / n;
  let s = 0;
  for (const g of groups) {
    if (g.n === 0) continue;
    const r = g.bad / g.n;
    s += xlogy(g.bad, r / p) + xlogy(g.n - g.bad, (1 - r) / (1 - p));
  }
  return s;
}
