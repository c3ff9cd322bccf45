import { column, type Dataset } from '../data/dataset.ts';
import { assignBins, binColumn, type BinningOptions, type VariableBins } from './binning.ts';
import { fitBinTerms, type BinTerms } from './bin-logistic.ts';
import { fittedDirection, mergeRanges, mergedTerms, worstBreak } from './monotone-terms.ts';
import { groupByBins } from './woe-matrix.ts';

/**
 * The joint scorecard (docs/models.md): every feature cut into fine ranges (no trend imposed), all
 * bins' log-odds terms fitted in one L2-penalised logistic regression, then each numeric feature's
 * neighbouring ranges merged until its terms rise or fall with the value in the direction of its
 * own first fit — the direction given the other features, which for a weak feature can be the
 * opposite of its univariate trend (a balance that looks safe alone and risky given the limit and
 * payments). The classic scorecard imposes the univariate trend and so loses that.
 */
export interface JointOptions {
  /** penalty strengths λ tried (λ·Σ term², the intercept unpenalised); [] switches the joint scorecard off */
  lambdas: number[];
  /** fine ranges per feature before the merges */
  maxBins: number;
  minBinShare: number;
  /**
   * at most this many features, the largest IV on fine bins first: more than the classic's limit, as a
   * weak feature's effect given the others is what the joint fit adds (Taiwan's bill amounts rank
   * 14th to 22nd alone), and few enough that a table of a hundred columns fits in seconds
   */
  maxVariables: number;
}
export const defaultJoint: JointOptions = { lambdas: [50, 17, 5], maxBins: 20, minBinShare: 0.02, maxVariables: 30 };

export interface JointFit {
  vars: VariableBins[];
  /** each variable's term per bin (an empty bin: the variable's riskiest) */
  terms: Float64Array[];
  intercept: number;
  /** neighbouring ranges merged to keep the terms monotonic */
  merges: number;
}

/** The fine bins of the features: the binning's special values and missing bin, ranges cut to `maxBins` with no trend and no significance stop; at most `maxVariables`, the largest IV first. */
export function fineBins(ds: Dataset, features: string[], binning: BinningOptions, o: JointOptions): VariableBins[] {
  const fine: BinningOptions = {
    ...binning,
    trend: 'none',
    timeStable: false,
    maxBins: o.maxBins,
    // equal-frequency ranges, as many as the maximum: no chi-merge picks which neighbours to join
    fineBins: o.maxBins,
    minBinShare: o.minBinShare,
    chiThreshold: 0,
  };
  return features
    .map((f) => binColumn(column(ds, f), ds.label, fine))
    .filter((v) => v.bins.filter((b) => b.count > 0).length > 1)
    .sort((a, b) => b.iv - a.iv || (a.feature < b.feature ? -1 : 1))
    .slice(0, o.maxVariables);
}

/**
 * min Σ log(1 + eᶻ) − y·z + λ·Σ t², z = intercept + Σⱼ tⱼ[bin of the row in j]: Newton on the rows
 * grouped by their bins (bin-logistic.ts), the terms shrunk towards 0.
 */
export function fitTerms(
  rows: Uint8Array[],
  sizes: number[],
  label: Uint8Array,
  lambda: number,
  start?: BinTerms,
): BinTerms {
  const { group, patterns, weight, bads } = groupByBins(label, rows, sizes);
  const F = rows.length;
  const bins = new Uint8Array(patterns * F);
  for (let i = 0; i < label.length; i++) for (let j = 0; j < F; j++) bins[group[i]! * F + j] = rows[j]![i]!;
  let events = 0;
  for (const y of label) events += y;
  const rate = Math.min(Math.max(events / Math.max(label.length, 1), 1e-6), 1 - 1e-6);
  const centre: BinTerms = { intercept: Math.log(rate / (1 - rate)), terms: sizes.map((s) => new Float64Array(s)) };
  return fitBinTerms({ variables: F, patterns, bins, weight, bads }, centre, lambda, start ?? centre);
}

/** An empty bin (a missing value the fitting rows never had) scores as the variable's riskiest bin. */
function riskiestForEmpty(v: VariableBins, t: Float64Array): void {
  let top = -Infinity;
  v.bins.forEach((b, k) => {
    if (b.count > 0) top = Math.max(top, t[k]!);
  });
  v.bins.forEach((b, k) => {
    if (b.count === 0) t[k] = top;
  });
}

/**
 * The joint fit at one λ on fine bins: fit, merge every numeric variable's ranges that break its
 * direction (fixed at the first fit), refit from the merged terms, until no range breaks it.
 */
export function fitJoint(ds: Dataset, fine: VariableBins[], lambda: number): JointFit {
  let vars = fine.slice();
  const rows = vars.map((v) => assignBins(v, column(ds, v.feature)));
  let fit = fitTerms(
    rows,
    vars.map((v) => v.bins.length),
    ds.label,
    lambda,
  );
  const dirs = vars.map((v, j) => fittedDirection(v, fit.terms[j]!));
  let merges = 0;
  for (;;) {
    let merged = 0;
    const next = vars.map((v0, j) => {
      let v = v0;
      let t = fit.terms[j]!;
      let map = Uint8Array.from(v.bins, (_, k) => k);
      for (let k = worstBreak(v, t, dirs[j]!); k >= 0; k = worstBreak(v, t, dirs[j]!)) {
        t = mergedTerms(v, t, k);
        v = mergeRanges(v, k);
        map = map.map((b) => (b > k ? b - 1 : b));
        merged++;
      }
      if (v !== v0) rows[j] = rows[j]!.map((b) => map[b]!);
      return { v, t };
    });
    if (merged === 0) break;
    merges += merged;
    vars = next.map((x) => x.v);
    fit = fitTerms(
      rows,
      vars.map((v) => v.bins.length),
      ds.label,
      lambda,
      { intercept: fit.intercept, terms: next.map((x) => x.t) },
    );
  }
  vars.forEach((v, j) => {
    riskiestForEmpty(v, fit.terms[j]!);
  });
  return { vars: vars.map(withRiskiestFallback(fit.terms)), terms: fit.terms, intercept: fit.intercept, merges };
}

/** An unseen value's bin: the one with the largest term (the riskiest under the fit, SPEC §6). */
const withRiskiestFallback = (terms: Float64Array[]) => (v: VariableBins, j: number) => {
  const t = terms[j]!;
  let fallback = Math.max(
    0,
    v.bins.findIndex((b) => b.count > 0),
  );
  v.bins.forEach((b, k) => {
    if (b.count > 0 && t[k]! > t[fallback]!) fallback = k;
  });
  return { ...v, fallback };
};
