import { indicesWhere, subset, type Dataset } from '../data/dataset.ts';
import { psi } from '../evaluate/metrics.ts';
import { binColumn, type BinningOptions, type VariableBins } from './binning.ts';
import { binCounts, pearson, woeMatrix } from './woe-matrix.ts';

export interface SelectionOptions {
  minIv: number;
  maxCorrelation: number;
  maxPsi: number;
  maxVariables: number;
}
export const defaultSelection: SelectionOptions = { minIv: 0.02, maxCorrelation: 0.7, maxPsi: 0.25, maxVariables: 20 };

export interface SelectionRow {
  feature: string;
  iv: number;
  psi: number | null;
  kept: boolean;
  reason: string;
}

/**
 * Variable selection, in this order, each drop with its reason: IV below the minimum; unstable
 * (PSI of the variable's bins between the earlier and the later half of the training periods);
 * correlated (|Pearson ρ| of WoE values above the maximum with a stronger variable already kept);
 * beyond the maximum number of variables. Later, the fit may drop a variable whose coefficient
 * turns negative (a sign reversal from collinearity).
 */
export function selectVariables(
  ds: Dataset,
  features: string[],
  binning: BinningOptions,
  o: SelectionOptions,
): { kept: VariableBins[]; report: SelectionRow[]; binned: VariableBins[] } {
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
  const periods = [...new Set(ds.period)].sort();
  const halves =
    periods.length >= 2
      ? (() => {
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
        })()
      : null;
  const report: SelectionRow[] = [];
  const candidates: VariableBins[] = [];
  for (const vb of binned) {
    const p = halves ? psi(binCounts(vb, halves[0]), binCounts(vb, halves[1])) : null;
    if (vb.iv < o.minIv)
      report.push({
        feature: vb.feature,
        iv: vb.iv,
        psi: p,
        kept: false,
        reason: `IV ${vb.iv.toFixed(4)} below ${o.minIv}${trendNote(vb)}`,
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
  const { x } = woeMatrix(ds, candidates);
  const k = candidates.length;
  const kept: number[] = [];
  for (let j = 0; j < k; j++) {
    const row = report.find((r) => r.feature === candidates[j]!.feature)!;
    let worst: { with: string; rho: number } | null = null;
    for (const m of kept) {
      const rho = pearson(x, x, k, j, m, ds.n);
      if (Math.abs(rho) > o.maxCorrelation && (!worst || Math.abs(rho) > Math.abs(worst.rho)))
        worst = { with: candidates[m]!.feature, rho };
    }
    if (worst) {
      row.kept = false;
      row.reason = `correlated with ${worst.with} (ρ = ${worst.rho.toFixed(3)} > ${o.maxCorrelation})`;
      continue;
    }
    if (kept.length >= o.maxVariables) {
      row.kept = false;
      row.reason = `beyond the ${o.maxVariables} strongest variables`;
      continue;
    }
    kept.push(j);
  }
  return { kept: kept.map((j) => candidates[j]!), report, binned };
}

/** Why a feature's IV fell, when its trend left a single range of several (the data holds no difference of that shape). */
const trendNote = (vb: VariableBins) =>
  vb.trend?.binsAfter === 1 && vb.trend.binsBefore > 1
    ? ` (the ${vb.trend.chosen} trend merged its ${vb.trend.binsBefore} ranges into one)`
    : '';
