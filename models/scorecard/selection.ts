import { indicesWhere, subset, type Dataset } from '../data/dataset.ts';
import { psi } from '../evaluate/metrics.ts';
import { binColumn, type BinningOptions, type VariableBins } from './binning.ts';
import { binCounts, pearson, woeMatrix, WoeColumns } from './woe-matrix.ts';

export interface SelectionOptions {
  minIv: number;
  /**
   * Limits on |ρ| between two kept variables' WoE, strictest first. With a held-back part the
   * scorecard of each is fitted and the strictest within one standard error of the best held-back
   * AUC kept (scorecard.ts); without one, the first.
   */
  maxCorrelation: number[];
  maxPsi: number;
  maxVariables: number;
}
export const defaultSelection: SelectionOptions = {
  minIv: 0.02,
  maxCorrelation: [0.7, 0.8, 0.9, 0.95],
  maxPsi: 0.25,
  maxVariables: 20,
};

export interface SelectionRow {
  feature: string;
  iv: number;
  psi: number | null;
  kept: boolean;
  reason: string;
}

/** The variables that pass the screens (IV, stability), strongest first, with the report of every feature. */
export interface ScreenedVariables {
  candidates: VariableBins[];
  report: SelectionRow[];
  binned: VariableBins[];
}

/**
 * Variable screening, each drop with its reason: IV below the minimum; unstable (PSI of the
 * variable's bins between the earlier and the later half of the training periods).
 */
export function screenVariables(
  ds: Dataset,
  features: string[],
  binning: BinningOptions,
  o: SelectionOptions,
): ScreenedVariables {
  // the periods give every binning its stability figure (and the time-stable merges when asked)
  const binned = features
    .map((f) =>
      binColumn(
        ds.columns.find((c) => c.name === f)!,
        ds.label,
        binning,
        ds.period,
      ),
    )
    .sort((a, b) => b.iv - a.iv);
  const halves = periodHalves(ds);
  const report: SelectionRow[] = [];
  const candidates: VariableBins[] = [];
  for (const vb of binned) {
    const p = halfPsi(vb, halves);
    if (vb.iv < o.minIv)
      report.push({
        feature: vb.feature,
        iv: vb.iv,
        psi: p,
        kept: false,
        reason: belowFloor(vb, ds, binning, o.minIv),
      });
    else if (p !== null && p > o.maxPsi)
      report.push({
        feature: vb.feature,
        iv: vb.iv,
        psi: p,
        kept: false,
        reason: `unstable: PSI ${p.toFixed(3)} between early and late training periods exceeds ${o.maxPsi}`,
      });
    else {
      candidates.push(vb);
      report.push({ feature: vb.feature, iv: vb.iv, psi: p, kept: true, reason: '' });
    }
  }
  return { candidates, report, binned };
}

/** The training rows before and from the middle period (null with fewer than two periods): the halves stability is judged between. */
export function periodHalves(ds: Dataset): readonly [Dataset, Dataset] | null {
  const periods = [...new Set(ds.period)].sort();
  if (periods.length < 2) return null;
  const mid = periods[Math.floor(periods.length / 2)]!;
  return [
    subset(
      ds,
      indicesWhere(ds.n, (i) => ds.period[i]! < mid),
    ),
    subset(
      ds,
      indicesWhere(ds.n, (i) => ds.period[i]! >= mid),
    ),
  ] as const;
}

/** PSI of a variable's bins between the earlier and the later half (null without halves). */
export const halfPsi = (vb: VariableBins, halves: readonly [Dataset, Dataset] | null): number | null =>
  halves ? psi(binCounts(vb, halves[0]), binCounts(vb, halves[1])) : null;

/** Pearson ρ of every pair of candidates' WoE values (symmetric, row-major k×k; the diagonal 0, never read). */
export function woeCorrelations(ds: Dataset, candidates: VariableBins[], columns = new WoeColumns(ds)): Float64Array {
  const { x } = woeMatrix(ds, candidates, columns);
  const k = candidates.length;
  const rho = new Float64Array(k * k);
  for (let j = 0; j < k; j++)
    for (let m = 0; m < j; m++) rho[j * k + m] = rho[m * k + j] = pearson(x, x, k, j, m, ds.n);
  return rho;
}

/**
 * The screened candidates under one correlation limit, in order of strength: a candidate is dropped
 * when its |ρ| with a stronger variable already kept exceeds the limit, or when the maximum number
 * of variables is kept. Returns the kept variables and a copy of the report with each drop's reason
 * (the fit may later drop a variable whose coefficient turns negative: a sign reversal).
 */
export function pruneCorrelated(
  screened: ScreenedVariables,
  rho: Float64Array,
  limit: number,
  maxVariables: number,
): { kept: VariableBins[]; report: SelectionRow[] } {
  const { candidates } = screened;
  const report = screened.report.map((r) => ({ ...r }));
  const k = candidates.length;
  const kept: number[] = [];
  for (let j = 0; j < k; j++) {
    const row = report.find((r) => r.feature === candidates[j]!.feature)!;
    let worst: { with: string; rho: number } | null = null;
    for (const m of kept) {
      const r = rho[j * k + m]!;
      if (Math.abs(r) > limit && (!worst || Math.abs(r) > Math.abs(worst.rho)))
        worst = { with: candidates[m]!.feature, rho: r };
    }
    if (worst) {
      row.kept = false;
      row.reason = `correlated with ${worst.with} (ρ = ${worst.rho.toFixed(3)} > ${limit})`;
      continue;
    }
    if (kept.length >= maxVariables) {
      row.kept = false;
      row.reason = `beyond the ${maxVariables} strongest variables`;
      continue;
    }
    kept.push(j);
  }
  return { kept: kept.map((j) => candidates[j]!), report };
}

/**
 * Why a feature's IV is below the floor. One regular bin left (all its ranges or categories merged)
 * has an IV of 0 whatever the feature holds, so "IV 0.0000" would read as no effect: the reason
 * names the merging and the IV of the feature's fine bins (every category its own; the equal-frequency
 * ranges) before it.
 */
function belowFloor(vb: VariableBins, ds: Dataset, binning: BinningOptions, minIv: number): string {
  const fine = vb.bins.length > 0 && regularBins(vb) <= 1 ? fineBinning(ds, vb.feature, binning) : null;
  // a feature of one value never had bins to merge
  if (!fine || regularBins(fine) <= 1) return `IV ${vb.iv.toFixed(4)} below ${minIv}${trendNote(vb)}`;
  const before = fine.iv;
  const by = vb.trend && vb.trend.chosen !== 'none' ? `the ${vb.trend.chosen} trend and ` : '';
  return `merged into one bin by ${by}the coarse classing (bins of at least ${+(100 * binning.minBinShare).toFixed(2)} % of the rows, chi-merge at ${binning.chiThreshold}): IV before merging ${before.toFixed(4)}, after ${vb.iv.toFixed(4)}, below ${minIv}`;
}

const regularBins = (vb: VariableBins) =>
  vb.bins.filter((b) => (b.rule.type === 'range' || b.rule.type === 'categories') && b.count > 0).length;

/** A feature's fine bins (every category its own, the equal-frequency ranges): no chi-merge, trend, minimum share or time-stable merges. */
export function fineBinning(ds: Dataset, feature: string, binning: BinningOptions): VariableBins {
  return binColumn(
    ds.columns.find((c) => c.name === feature)!,
    ds.label,
    {
      ...binning,
      method: 'chimerge',
      trend: 'none',
      timeStable: false,
      minBinShare: 0,
      chiThreshold: 0,
      maxBins: binning.fineBins,
    },
  );
}

/** Why a feature's IV fell, when its trend left a single range of several (the data holds no difference of that shape). */
const trendNote = (vb: VariableBins) =>
  vb.trend?.binsAfter === 1 && vb.trend.binsBefore > 1
    ? ` (the ${vb.trend.chosen} trend merged its ${vb.trend.binsBefore} ranges into one)`
    : '';
