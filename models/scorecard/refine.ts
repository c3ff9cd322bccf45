import { aucDifference } from '../evaluate/auc-difference.ts';
import { auc } from '../evaluate/metrics.ts';
import { column, type Column } from '../data/dataset.ts';
import type { VariableBins } from './binning.ts';
import { directionOf, fittedDirection, mergeRanges, mergedTerms, worstBreak } from './monotone-terms.ts';
import { fitBinTerms, type BinPatterns, type BinTerms } from './bin-logistic.ts';
import { groupByBins, pearson, type WoeColumns } from './woe-matrix.ts';

/**
 * The joint refinement of a scorecard's points (docs/models.md). The classic scorecard scales each
 * variable's univariate WoE by one coefficient, so a bin's points never learn what the other
 * variables already explain, and a variable weak on its own (low IV) never enters. Here every
 * bin's log-odds term is fitted jointly, shrunk towards the classic fit (λ·Σ (term − coefficient ·
 * WoE)², an added variable towards 0), with the variables not kept that the score test ranks
 * strongest added up to the variable limit (none correlated with one already in beyond the loosest
 * correlation limit tried, so no near-copy of a variable). Neighbouring ranges whose terms break
 * the variable's direction are merged and the fit repeated, so the points stay monotonic per
 * feature: a classic variable's direction is its binning's trend, an added one's that of its own
 * first fit (its effect given the others, which may differ from its univariate WoE). λ is chosen on
 * the held-back part: the classic fit first, then λ from strong to weak, the first whose held-back
 * AUC is within one standard error of the best (the paired DeLong error) is kept.
 */
export interface RefineOptions {
  /** shrinkage strengths tried, strongest first; [] leaves the classic fit as it is */
  lambdas: number[];
  /** bads the held-back part needs for the refinement to be judged at all: an AUC lead on fewer is noise */
  minHeldBackBads: number;
}
export const defaultRefine: RefineOptions = { lambdas: [1000, 300, 100, 30, 10], minHeldBackBads: 30 };

export interface RefinementReport {
  rule: string;
  tried: {
    lambda: number | null;
    variables: number;
    merges: number;
    held_back_auc: number;
    gap_to_best: number;
    gap_se: number;
  }[];
  /** null: the classic fit was kept */
  chosen: number | null;
  added: string[];
  /** why no refinement was fitted (too few held-back bads, a shaped trend) */
  not_tried?: string;
}

export interface Classic {
  vars: VariableBins[];
  coef: number[];
  intercept: number;
  /** the classic fit's log-odds of each fitting row and of each held-back row */
  fittingLogOdds: Float64Array;
  heldBackLogOdds: Float64Array;
}

export interface Refined {
  vars: VariableBins[];
  terms: Float64Array[];
  /** each variable's coefficient in the classic fit (0 for an added one) */
  coef: number[];
  intercept: number;
  report: RefinementReport;
  /** features the refinement left out because their terms merged into one */
  flattened: string[];
}

export const refinementRule =
  "every bin's log-odds term fitted jointly, shrunk towards the classic fit by λ; neighbouring ranges merged until each variable's terms follow its trend; the strongest λ whose held-back AUC is within one standard error (DeLong, paired) of the best, the classic fit first";

const nonEmptyBins = (v: VariableBins) => v.bins.filter((b) => b.count > 0).length;

/** Score statistic of adding a variable at the classic fit: Σ over its bins of (Σ p − y)² / Σ p(1 − p). */
function scoreStatistic(bins: Uint8Array, size: number, p: Float64Array, y: Uint8Array): number {
  const g = new Float64Array(size);
  const h = new Float64Array(size);
  for (let i = 0; i < bins.length; i++) {
    g[bins[i]!]! += p[i]! - y[i]!;
    h[bins[i]!]! += p[i]! * (1 - p[i]!);
  }
  let s = 0;
  for (let k = 0; k < size; k++) if (h[k]! > 0) s += g[k]! ** 2 / h[k]!;
  return s;
}

interface Fitted {
  vars: VariableBins[];
  /** per variable: original bin → current bin */
  maps: Uint8Array[];
  terms: BinTerms;
  merges: number;
}

/** The empty bins' terms (a missing value never seen) set to the variable's riskiest. */
function riskiestForEmpty(v: VariableBins, terms: Float64Array): void {
  let top = -Infinity;
  v.bins.forEach((b, k) => {
    if (b.count > 0) top = Math.max(top, terms[k]!);
  });
  v.bins.forEach((b, k) => {
    if (b.count === 0) terms[k] = top;
  });
}

/**
 * Refines a classic scorecard on its fitting rows, judged on the held-back rows; `pool` holds the
 * binned variables it may add (screened for stability, not in the classic fit).
 */
export function refineScorecard(
  fitting: WoeColumns,
  heldBack: WoeColumns,
  classic: Classic,
  pool: VariableBins[],
  limits: { maxVariables: number; maxCorrelation: number },
  o: RefineOptions,
): Refined | null {
  const { maxVariables, maxCorrelation } = limits;
  if (o.lambdas.length === 0) return null;
  let heldBackBads = 0;
  for (const y of heldBack.ds.label) heldBackBads += y;
  const shaped = classic.vars.find((v) => directionOf(v) === null && nonEmptyBins(v) > 1);
  const notTried =
    heldBackBads < o.minHeldBackBads
      ? `the held-back part has ${heldBackBads} bads, fewer than ${o.minHeldBackBads}: an AUC lead on so few is noise`
      : shaped
        ? `${shaped.feature}'s bins follow a ${shaped.trend?.chosen ?? ''} shape, which the merges keep only for rising or falling terms`
        : null;
  if (notTried)
    return {
      ...classicAsRefined(classic),
      report: { rule: refinementRule, tried: [], chosen: null, added: [], not_tried: notTried },
    };
  const ds = fitting.ds;
  const classicP = classic.fittingLogOdds.map((z) => 1 / (1 + Math.exp(-z)));
  const ranked = pool
    .filter((v) => directionOf(v) !== null && nonEmptyBins(v) > 1)
    .map((v) => ({ v, s: scoreStatistic(fitting.binsOf(v), v.bins.length, classicP, ds.label) }))
    .sort((a, b) => b.s - a.s || (a.v.feature < b.v.feature ? -1 : 1));
  // no near-copy of a variable already in: a second characteristic that says the same splits its points
  const vars = [...classic.vars];
  for (const { v } of ranked) {
    if (vars.length >= maxVariables) break;
    const col = fitting.of(v);
    if (vars.every((u) => Math.abs(pearson(col, fitting.of(u), 1, 0, 0, ds.n)) <= maxCorrelation)) vars.push(v);
  }
  const addable = vars.slice(classic.vars.length);
  const coef = [...classic.coef, ...addable.map(() => 0)];
  const trainBins = vars.map((v) => fitting.binsOf(v));
  const heldBins = vars.map((v) => heldBack.binsOf(v));
  const heldUnseen = vars.map((v) => unseenLevels(v, column(heldBack.ds, v.feature)));
  const { group, patterns, weight, bads } = groupByBins(
    ds.label,
    trainBins,
    vars.map((v) => v.bins.length),
  );
  const F = vars.length;
  const origin = new Uint8Array(patterns * F);
  for (let i = 0; i < ds.n; i++) for (let j = 0; j < F; j++) origin[group[i]! * F + j] = trainBins[j]![i]!;
  // each λ's first fit starts where the last λ's ended, each refit after merges where its fit ended
  let previous: BinTerms | undefined;
  const fitAt = (lambda: number): Fitted => {
    const current = vars.slice();
    const maps = vars.map((v) => Uint8Array.from(v.bins, (_, k) => k));
    let merges = 0;
    let dirs: number[] | null = null;
    let start = previous;
    for (;;) {
      const bins = new Uint8Array(origin.length);
      for (let at = 0; at < origin.length; at += F)
        for (let j = 0; j < F; j++) bins[at + j] = maps[j]![origin[at + j]!]!;
      const p: BinPatterns = { variables: F, patterns, bins, weight, bads };
      const centre: BinTerms = {
        intercept: classic.intercept,
        terms: current.map((v, j) => Float64Array.from(v.bins, (b) => coef[j]! * b.woe)),
      };
      const terms = fitBinTerms(p, centre, lambda, start ?? centre);
      if (merges === 0) previous = terms;
      current.forEach((v, j) => {
        riskiestForEmpty(v, terms.terms[j]!);
      });
      // a classic variable keeps its binning's trend; an added one the direction of its own first fit
      dirs ??= current.map((v, j) =>
        j < classic.vars.length ? (directionOf(v) ?? 0) : fittedDirection(v, terms.terms[j]!),
      );
      const next = { intercept: terms.intercept, terms: terms.terms.slice() };
      let merged = 0;
      for (let j = 0; j < F; j++) {
        const v = current[j]!;
        const k = worstBreak(v, terms.terms[j]!, dirs[j]!);
        if (k < 0) continue;
        merged++;
        maps[j] = maps[j]!.map((b) => (b > k ? b - 1 : b));
        next.terms[j] = mergedTerms(v, terms.terms[j]!, k);
        current[j] = mergeRanges(v, k);
      }
      merges += merged;
      if (merged === 0) return { vars: current, maps, terms, merges };
      start = next;
    }
  };
  const tried: { lambda: number | null; fit: Fitted | null; z: Float64Array }[] = [
    { lambda: null, fit: null, z: classic.heldBackLogOdds },
  ];
  for (const lambda of o.lambdas) {
    const fit = fitAt(lambda);
    tried.push({ lambda, fit, z: heldBackLogOdds(heldBins, heldUnseen, fit, heldBack.ds.n) });
  }
  const aucs = tried.map((t) => auc(t.z, heldBack.ds.label));
  const best = tried[aucs.indexOf(Math.max(...aucs))]!;
  const gaps = tried.map((t) => aucDifference(best.z, t.z, heldBack.ds.label));
  const pick = tried.find((_, i) => gaps[i]!.difference <= gaps[i]!.se)!;
  const report: RefinementReport = {
    rule: refinementRule,
    tried: tried.map((t, i) => ({
      lambda: t.lambda,
      variables: t.fit ? t.fit.vars.filter((v) => nonEmptyBins(v) > 1).length : classic.vars.length,
      merges: t.fit?.merges ?? 0,
      held_back_auc: aucs[i]!,
      gap_to_best: gaps[i]!.difference,
      gap_se: gaps[i]!.se,
    })),
    chosen: pick.lambda,
    added: [],
  };
  if (!pick.fit) return { ...classicAsRefined(classic), report };
  // a variable merged down to one bin adds the same term to every row: into the intercept
  let intercept = pick.fit.terms.intercept;
  const keep: number[] = [];
  const flattened: string[] = [];
  pick.fit.vars.forEach((v, j) => {
    if (nonEmptyBins(v) > 1) keep.push(j);
    else {
      intercept += pick.fit!.terms.terms[j]!.find((_, k) => v.bins[k]!.count > 0) ?? 0;
      flattened.push(v.feature);
    }
  });
  const kept = keep.map((j) => pick.fit!.vars[j]!);
  const inClassic = new Set(classic.vars.map((v) => v.feature));
  report.added = kept.filter((v) => !inClassic.has(v.feature)).map((v) => v.feature);
  return {
    vars: kept.map(withRiskiestFallback(keep.map((j) => pick.fit!.terms.terms[j]!))),
    terms: keep.map((j) => pick.fit!.terms.terms[j]!),
    coef: keep.map((j) => coef[j]!),
    intercept,
    report,
    flattened,
  };
}

/** The bin an unseen value falls in: the one with the largest term (the riskiest under the refined fit). */
const withRiskiestFallback = (terms: Float64Array[]) => (v: VariableBins, j: number) => {
  const t = terms[j]!;
  let fallback = v.bins.findIndex((b) => b.count > 0);
  v.bins.forEach((b, k) => {
    if (b.count > 0 && t[k]! > t[fallback]!) fallback = k;
  });
  return { ...v, fallback: Math.max(0, fallback) };
};

function classicAsRefined(c: Classic): Omit<Refined, 'report'> {
  return {
    vars: c.vars,
    terms: c.vars.map((v, j) => Float64Array.from(v.bins, (b) => c.coef[j]! * b.woe)),
    coef: c.coef,
    intercept: c.intercept,
    flattened: [],
  };
}

/**
 * The held-back rows' log-odds under a fit. A category the fitting rows never had scores in the
 * riskiest bin: under the fit, the bin of the largest term (the saved scorecard's fallback), not the
 * classic fit's riskiest WoE its held-back bin index points at.
 */
function heldBackLogOdds(bins: Uint8Array[], unseen: (Uint8Array | null)[], fit: Fitted, n: number): Float64Array {
  const z = new Float64Array(n).fill(fit.terms.intercept);
  bins.forEach((rows, j) => {
    const map = fit.maps[j]!;
    const t = fit.terms.terms[j]!;
    const top = Math.max(...t);
    const other = unseen[j];
    for (let i = 0; i < n; i++) z[i]! += other?.[i] ? top : t[map[rows[i]!]!]!;
  });
  return z;
}

/** 1 for each row whose category no bin of the variable names (scored in the fallback bin); null for a numeric variable. */
function unseenLevels(v: VariableBins, col: Column): Uint8Array | null {
  if (col.kind !== 'categorical') return null;
  const named = new Set(v.bins.flatMap((b) => (b.rule.type === 'categories' ? b.rule.values : [])));
  const unseenLevel = col.levels.map((l) => !named.has(l));
  return Uint8Array.from(col.codes, (c) => (c >= 0 && unseenLevel[c] ? 1 : 0));
}
