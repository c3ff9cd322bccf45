import { column, type Dataset } from '../data/dataset.ts';
import { aucDifference } from '../evaluate/auc-difference.ts';
import { auc } from '../evaluate/metrics.ts';
import {
  binColumn,
  binIndexCategory,
  binIndexNumeric,
  defaultBinning,
  type BinningOptions,
  type BinRule,
  type VariableBins,
} from './binning.ts';
import { binningTable, type BinningTable } from './binning-table.ts';
import { fitLogistic, type LogisticFit } from './logistic.ts';
import {
  defaultSelection,
  halfPsi,
  periodHalves,
  pruneCorrelated,
  screenVariables,
  woeCorrelations,
  type SelectionOptions,
  type SelectionRow,
} from './selection.ts';
import { binCounts, woeMatrix, woePatterns, WoeColumns } from './woe-matrix.ts';
import { defaultRefine, refineScorecard, type RefinementReport, type RefineOptions } from './refine.ts';
import { defaultJoint, type JointOptions } from './joint-card.ts';

export interface Scaling {
  basePoints: number;
  baseOdds: number;
  pdo: number;
}
/** SPEC §6 defaults: 600 points at odds 50:1 (good:bad), 20 points to double the odds. */
export const defaultScaling: Scaling = { basePoints: 600, baseOdds: 50, pdo: 20 };
/** Master scale on the probability of the bad outcome: A < 1 % ≤ B < 3 % ≤ C < 10 % ≤ D < 25 % ≤ E. */
export const defaultGradeEdges = [0.01, 0.03, 0.1, 0.25];
export const gradeLabels = ['A', 'B', 'C', 'D', 'E'];

export interface ScorecardBin {
  rule: BinRule;
  count: number;
  bad: number;
  woe: number;
  /** the bin's log-odds term, fitted jointly (refine.ts); absent: the variable's coefficient × WoE */
  term?: number;
  points: number;
}
export interface ScorecardVariable {
  feature: string;
  kind: 'numeric' | 'categorical';
  /** the coefficient on WoE of the classic fit (a variable the refinement added: 0; its bins' terms are its own) */
  coef: number;
  iv: number;
  fallback: number;
  bins: ScorecardBin[];
}

export interface ScorecardArtifact {
  kind: 'scorecard';
  woeConvention: 'ln(%bad / %good)';
  intercept: number;
  scaling: Scaling;
  gradeEdges: number[];
  variables: ScorecardVariable[];
  selection: SelectionRow[];
  binning: BinningOptions;
  /** every candidate feature's binning table (counts, event rate, WoE, IV terms, trend, stability), strongest first; versions before issue 21 item 5 have none */
  binningTables?: BinningTable[];
  /** training score-band edges and counts: the PSI baseline */
  baseline: { scoreEdges: number[]; scoreCounts: number[] };
  /** the correlation limits tried on the held-back part and the one kept; versions before 2026-12-03 have none */
  correlationChoice?: CorrelationChoice;
  /** the joint refinement of the bins' terms tried on the held-back part; versions before 2026-12-05 have none */
  refinement?: RefinementReport;
  /** a table's choice between the classic and the joint scorecard by k-fold AUC on the fitting rows (fold-choice.ts); versions before 2026-12-06 have none */
  foldChoice?: FoldChoice;
}

export interface FoldChoice {
  rule: string;
  folds: number;
  /** each candidate's AUC on every fold it was not fitted on, and their mean */
  tried: { candidate: string; lambda: number | null; fold_auc: number[]; mean_auc: number }[];
  /** the best joint λ's mean lead over the classic on the same folds and that lead's standard error */
  best_joint?: { candidate: string; lead: number; se: number };
  chosen: string;
  /** the joint scorecard's neighbouring ranges merged to keep its terms monotonic (when chosen) */
  merges?: number;
}

export interface CorrelationChoice {
  rule: string;
  /** each limit's variables, held-back AUC, and the best's lead over it with that lead's standard error (DeLong, paired) */
  tried: { limit: number; variables: string[]; held_back_auc: number; gap_to_best: number; gap_se: number }[];
  chosen: number;
}

export interface ScorecardOptions {
  binning: BinningOptions;
  selection: SelectionOptions;
  l2: number;
  /** the joint refinement of the bins' terms (refine.ts); with a held-back part only */
  refine: RefineOptions;
  /** the joint scorecard a table's training window may choose by k-fold AUC (joint-card.ts, fold-choice.ts) */
  joint: JointOptions;
  /** folds of that choice; 0 keeps the classic scorecard (and its held-back refinement) alone */
  folds: number;
  scaling: Scaling;
  gradeEdges: number[];
}
export const defaultScorecardOptions: ScorecardOptions = {
  binning: defaultBinning,
  selection: defaultSelection,
  l2: 0,
  refine: defaultRefine,
  joint: defaultJoint,
  folds: 5,
  scaling: defaultScaling,
  gradeEdges: defaultGradeEdges,
};

export const factorOf = (s: Scaling) => s.pdo / Math.LN2;
export const offsetOf = (s: Scaling) => s.basePoints - factorOf(s) * Math.log(s.baseOdds);
/** Points of a probability of bad under a scaling: offset + factor · ln((1 − p) / p). */
export const pointsOf = (p: number, s: Scaling = defaultScaling) => offsetOf(s) + factorOf(s) * Math.log((1 - p) / p);

/**
 * Trains a scorecard: binning and screening, then per correlation limit the variables kept and a
 * logistic regression on their WoE (float64 Newton); a variable whose coefficient comes out ≤ 0 (WoE already
 * points towards risk, so a negative weight is a collinearity artefact) is dropped and the model
 * refitted. With a held-back part (rows not fitted on), the strictest limit whose held-back AUC is
 * within one standard error of the best is kept (the lead's paired DeLong error on those rows, the
 * one-standard-error rule of model selection): fewer, less correlated variables unless more
 * of them rank rows no fit has seen better. With a held-back part the bins' terms are then refined
 * jointly (refine.ts), kept only when that ranks the held-back rows better by more than its
 * standard error. Points per bin follow the scaling:
 * score = offset + factor·ln(good:bad odds), split evenly over the variables' bins.
 */
export async function trainScorecard(
  ds: Dataset,
  features: string[],
  o: ScorecardOptions = defaultScorecardOptions,
  heldBack?: Dataset,
): Promise<ScorecardArtifact> {
  const screened = screenVariables(ds, features, o.binning, o.selection);
  const columns = new WoeColumns(ds);
  const heldBackColumns = heldBack && new WoeColumns(heldBack);
  const rho = woeCorrelations(ds, screened.candidates, columns);
  const judged = heldBack !== undefined && hasBothOutcomes(heldBack);
  const limits = judged ? o.selection.maxCorrelation : o.selection.maxCorrelation.slice(0, 1);
  const fits: (Awaited<ReturnType<typeof fitSigned>> & { limit: number; heldBackAuc: number; z: Float64Array })[] = [];
  for (const limit of limits) {
    const pruned = pruneCorrelated(screened, rho, limit, o.selection.maxVariables);
    const same = fits.find((f) => sameFeatures(f.start, pruned.kept));
    const fitted = same
      ? { ...same, report: relabel(same.report, pruned.report) }
      : await fitSigned(columns, pruned, o.l2, fits.at(-1));
    const z = judged ? logits(heldBackColumns!, fitted.vars, fitted.fit) : new Float64Array();
    const heldBackAuc = judged ? auc(z, heldBack.label) : Number.NaN;
    fits.push({ ...fitted, limit, heldBackAuc, z });
  }
  const best = fits.reduce((a, b) => (b.heldBackAuc > a.heldBackAuc ? b : a));
  const gaps = fits.map((f) =>
    judged ? aucDifference(best.z, f.z, heldBack.label) : { difference: Number.NaN, se: Number.NaN },
  );
  const chosen = judged ? fits.find((_, i) => gaps[i]!.difference <= gaps[i]!.se)! : fits[0]!;
  const stable = new Set(
    screened.report.filter((r) => r.psi === null || r.psi <= o.selection.maxPsi).map((r) => r.feature),
  );
  const refined = judged
    ? refineScorecard(
        columns,
        heldBackColumns!,
        {
          vars: chosen.vars,
          coef: chosen.fit.coef,
          intercept: chosen.fit.intercept,
          fittingLogOdds: logits(columns, chosen.vars, chosen.fit),
          heldBackLogOdds: chosen.z,
        },
        refinementPool(ds, screened.binned, chosen.vars, stable, o),
        { maxVariables: o.selection.maxVariables, maxCorrelation: Math.max(...o.selection.maxCorrelation) },
        o.refine,
      )
    : null;
  const report = refined ? refinedSelection(chosen.report, refined) : chosen.report;
  // a refined fit's bins carry their own terms; the classic fit's are its coefficients × WoE
  const kept = refined && refined.report.chosen !== null ? refined : null;
  const fitted = kept ?? { vars: chosen.vars, coef: chosen.fit.coef, intercept: chosen.fit.intercept, terms: null };
  const { intercept } = fitted;
  const variables: ScorecardVariable[] = fitted.vars.map((v, j) => ({
    feature: v.feature,
    kind: v.kind,
    coef: fitted.coef[j]!,
    iv: v.iv,
    fallback: v.fallback,
    bins: v.bins.map((b, k) => ({ ...b, ...(fitted.terms ? { term: fitted.terms[j]![k]! } : {}), points: 0 })),
  }));
  const art: ScorecardArtifact = {
    kind: 'scorecard',
    woeConvention: 'ln(%bad / %good)',
    intercept,
    scaling: o.scaling,
    gradeEdges: o.gradeEdges,
    variables: withPoints(variables, intercept, o.scaling),
    selection: report,
    binning: o.binning,
    binningTables: screened.binned.map(binningTable),
    // the calibrated model's, set by calibrateModel
    baseline: { scoreEdges: [], scoreCounts: [] },
    ...(judged
      ? {
          correlationChoice: {
            rule: 'the strictest limit whose held-back AUC is within one standard error (DeLong, paired) of the best',
            tried: fits.map((f, i) => ({
              limit: f.limit,
              variables: f.vars.map((v) => v.feature),
              held_back_auc: f.heldBackAuc,
              gap_to_best: gaps[i]!.difference,
              gap_se: gaps[i]!.se,
            })),
            chosen: chosen.limit,
          },
        }
      : {}),
    ...(refined ? { refinement: refined.report } : {}),
  };
  return art;
}

/**
 * The variables the refinement may add: stable and not in the classic fit. One whose binning left a
 * single range (no effect of its own that the trend and the significance test kept) is cut again
 * without them, up to the maximum bins: it may still matter given the others, and the joint fit's
 * merges and direction then shape its ranges. Its new ranges pass the stability screen too (PSI
 * between the training window's halves), which its single range could not fail.
 */
export function refinementPool(
  ds: Dataset,
  binned: VariableBins[],
  inClassic: VariableBins[],
  stable: Set<string>,
  o: ScorecardOptions,
): VariableBins[] {
  if (o.refine.lambdas.length === 0) return [];
  const recut: BinningOptions = { ...o.binning, trend: 'none', chiThreshold: 0 };
  const halves = periodHalves(ds);
  return binned
    .filter((v) => stable.has(v.feature) && !inClassic.some((u) => u.feature === v.feature))
    .map((v) =>
      v.bins.filter((b) => b.rule.type === 'range' || b.rule.type === 'categories').length > 1
        ? v
        : binColumn(column(ds, v.feature), ds.label, recut, ds.period),
    )
    .filter((v) => (halfPsi(v, halves) ?? 0) <= o.selection.maxPsi);
}

/** The selection report after the refinement: the variables it added kept, those it merged flat left out. */
function refinedSelection(rows: SelectionRow[], r: NonNullable<ReturnType<typeof refineScorecard>>): SelectionRow[] {
  if (r.report.chosen === null) return rows;
  return rows.map((row) =>
    r.report.added.includes(row.feature)
      ? { ...row, kept: true, reason: `added by the joint refinement (${row.reason})` }
      : r.flattened.includes(row.feature)
        ? { ...row, kept: false, reason: 'its terms merged into one bin in the joint refinement (no difference left)' }
        : row,
  );
}

/** A bin's log-odds term: its own when the bins were refined, else the variable's coefficient × WoE. */
export const binTerm = (v: Pick<ScorecardVariable, 'coef'>, b: Pick<ScorecardBin, 'woe' | 'term'>): number =>
  b.term ?? v.coef * b.woe;

const hasBothOutcomes = (ds: Dataset) => ds.label.some((y) => y === 1) && ds.label.some((y) => y === 0);

const sameFeatures = (a: VariableBins[], b: VariableBins[]) =>
  a.length === b.length && a.every((v, j) => v.feature === b[j]!.feature);

/** A fit reused for another limit that kept the same variables: its sign drops on that limit's report. */
function relabel(fitted: SelectionRow[], pruned: SelectionRow[]): SelectionRow[] {
  return pruned.map((r) => {
    const f = fitted.find((x) => x.feature === r.feature)!;
    return r.kept && !f.kept ? { ...f } : r;
  });
}

/** The logistic fit on the kept variables' WoE, refitted without any variable whose coefficient is ≤ 0. */
async function fitSigned(
  columns: WoeColumns,
  pruned: { kept: VariableBins[]; report: SelectionRow[] },
  l2: number,
  prior?: { vars: VariableBins[]; fit: LogisticFit },
) {
  const report = pruned.report;
  let vars = pruned.kept;
  // a looser limit's fit starts from the stricter one's (its added variables at 0): the same objective, a few steps from the new optimum
  let start = prior && [
    prior.fit.intercept,
    ...vars.map((v) => {
      const j = prior.vars.findIndex((p) => p.feature === v.feature);
      return j < 0 ? 0 : prior.fit.coef[j]!;
    }),
  ];
  const ds = columns.ds;
  for (;;) {
    const { x, patterns, weight, bads } = woePatterns(ds, vars, columns);
    const fit = await fitLogistic(x, patterns, vars.length, bads, { l2, start, weight });
    const bad = fit.coef.map((c, j) => [c, j] as const).filter(([c]) => c <= 0);
    if (bad.length === 0 || vars.length === 0) return { start: pruned.kept, vars, fit, report };
    const [c, j] = bad.reduce((a, b) => (b[0] < a[0] ? b : a));
    const row = report.find((r) => r.feature === vars[j]!.feature)!;
    row.kept = false;
    row.reason = `coefficient ${c.toFixed(4)} ≤ 0 on WoE (sign reversal from collinearity)`;
    vars = vars.filter((_, m) => m !== j);
    // the refit starts where the last fit ended, less the dropped variable: a few steps from its optimum
    start = [fit.intercept, ...fit.coef.filter((_, m) => m !== j)];
  }
}

/** β₀ + Σ βᵢ·WoE of each row (the ranking; the held-back AUC needs no probability). */
function logits(columns: WoeColumns, vars: VariableBins[], fit: { coef: number[]; intercept: number }): Float64Array {
  const ds = columns.ds;
  const { x } = woeMatrix(ds, vars, columns);
  const k = vars.length;
  const z = new Float64Array(ds.n).fill(fit.intercept);
  for (let i = 0; i < ds.n; i++) for (let j = 0; j < k; j++) z[i]! += fit.coef[j]! * x[i * k + j]!;
  return z;
}

/**
 * Points per bin under a scaling: score = offset + factor·ln(good:bad odds) split evenly over the
 * variables, so a row's bin points add up to the points of its probability.
 */
export function withPoints(vars: ScorecardVariable[], intercept: number, s: Scaling): ScorecardVariable[] {
  const factor = factorOf(s);
  const share = (offsetOf(s) - factor * intercept) / Math.max(1, vars.length);
  return vars.map((v) => ({ ...v, bins: v.bins.map((b) => ({ ...b, points: share - factor * binTerm(v, b) })) }));
}

/**
 * The scorecard with its log-odds mapped to a·z + b (Platt scaling, models/calibration): the
 * coefficients and a refined scorecard's bin terms times a, the intercept a·β₀ + b, the points
 * recomputed from them. With a > 0 the
 * ranking, the signs and the order of points lost (the reason codes) stay as they were.
 */
export function rescaleScorecard(art: ScorecardArtifact, a: number, b: number): ScorecardArtifact {
  const intercept = a * art.intercept + b;
  const variables = art.variables.map((v) => ({
    ...v,
    coef: a * v.coef,
    bins: v.bins.map((b) => (b.term === undefined ? b : { ...b, term: a * b.term })),
  }));
  return { ...art, intercept, variables: withPoints(variables, intercept, art.scaling) };
}

export interface Scores {
  probability: Float64Array;
  points: Float64Array;
  grade: string[];
  reasons: string[][];
}

export const gradeOf = (p: number, edges: number[]) =>
  gradeLabels[Math.min(gradeLabels.length - 1, edges.filter((e) => p >= e).length)]!;

/** A scorecard variable as the binning's VariableBins (counts and bins are the training baseline). */
export const asVariableBins = (v: ScorecardVariable): VariableBins => ({
  feature: v.feature,
  kind: v.kind,
  bins: v.bins,
  iv: v.iv,
  fallback: v.fallback,
  totalBad: 0,
  totalGood: 0,
});

/** Each variable's bin per row (a categorical column's levels mapped once). */
export function scorecardBins(art: ScorecardArtifact, ds: Dataset): Uint8Array[] {
  return art.variables.map((v) => {
    const col = column(ds, v.feature);
    const vb = asVariableBins(v);
    const bins = new Uint8Array(ds.n);
    if (col.kind === 'numeric') for (let i = 0; i < ds.n; i++) bins[i] = binIndexNumeric(vb, col.values[i]!);
    else {
      const byLevel = col.levels.map((l) => binIndexCategory(vb, l));
      const missing = binIndexCategory(vb, null);
      for (let i = 0; i < ds.n; i++) bins[i] = col.codes[i]! < 0 ? missing : byLevel[col.codes[i]!]!;
    }
    return bins;
  });
}

/** σ(β₀ + Σ each variable's bin term) of each row from its bins (binTerm: a refined term, or βⱼ·WoE). */
function probabilityOfBins(art: ScorecardArtifact, bins: Uint8Array[], n: number): Float64Array {
  const logit = new Float64Array(n).fill(art.intercept);
  art.variables.forEach((v, j) => {
    const term = v.bins.map((b) => binTerm(v, b));
    const rows = bins[j]!;
    for (let i = 0; i < n; i++) logit[i]! += term[rows[i]!]!;
  });
  return logit.map((z) => 1 / (1 + Math.exp(-z)));
}

/** A scorecard's probabilities alone (fitting, calibration and evaluation read no points, grades or reasons). */
export const scorecardProbability = (art: ScorecardArtifact, ds: Dataset): Float64Array =>
  probabilityOfBins(art, scorecardBins(art, ds), ds.n);

/** Scores rows in float64: probability = σ(β₀ + Σ bin terms), points summed per bin, top three reason codes by points lost. */
export function scoreScorecard(art: ScorecardArtifact, ds: Dataset, reasonCount = 3): Scores {
  const n = ds.n;
  const bins = scorecardBins(art, ds);
  const points = new Float64Array(n);
  const lost = art.variables.map(() => new Float64Array(n));
  art.variables.forEach((v, j) => {
    const best = Math.max(...v.bins.map((b) => b.points));
    const rows = bins[j]!;
    for (let i = 0; i < n; i++) {
      const b = v.bins[rows[i]!]!;
      points[i]! += b.points;
      lost[j]![i] = best - b.points;
    }
  });
  const probability = probabilityOfBins(art, bins, n);
  const reasons = Array.from({ length: n }, (_, i) =>
    art.variables
      .map((v, j) => [v.feature, lost[j]![i]!] as const)
      .filter(([, l]) => l > 1e-9)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, reasonCount)
      .map(([f]) => f),
  );
  return { probability, points, grade: Array.from(probability, (p) => gradeOf(p, art.gradeEdges)), reasons };
}

/** Characteristic stability: each variable's bin counts on a later data set under the training bins. */
export function scorecardBinCounts(
  art: ScorecardArtifact,
  ds: Dataset,
): Record<string, { baseline: number[]; actual: number[] }> {
  return Object.fromEntries(
    art.variables.map((v) => [
      v.feature,
      { baseline: v.bins.map((b) => b.count), actual: binCounts(asVariableBins(v), ds) },
    ]),
  );
}
