import { column, type Dataset } from '../data/dataset.ts';
import { modelFeatures, type ModelArtifact } from '../model-types.ts';
import { asVariableBins } from '../scorecard/scorecard.ts';
import type { VariableBins } from '../scorecard/binning.ts';
import { binCounts } from '../scorecard/woe-matrix.ts';
import { baselineCounts, featureBaseline, type FeatureBaseline } from './feature-baseline.ts';
import { psi } from './metrics.ts';

/** The bins a model carries for its features: a scorecard's variables, a network's WoE inputs (trees: none). */
export const modelBins = (a: ModelArtifact): VariableBins[] =>
  a.kind === 'scorecard'
    ? a.variables.map(asVariableBins)
    : a.kind === 'network'
      ? a.inputs.flatMap((i) => (i.type === 'woe' ? [i.bins] : []))
      : [];

/** Features the model reads that none of its own bins cover: their CSI needs a feature baseline. */
export function unbinnedFeatures(a: ModelArtifact): string[] {
  const binned = new Set(modelBins(a).map((v) => v.feature));
  return modelFeatures(a).filter((f) => !binned.has(f));
}

/** The training distributions of a model's unbinned features (`specials`: a feature's special values). */
export const featureBaselines = (
  a: ModelArtifact,
  train: Dataset,
  specials: (feature: string) => readonly number[] = () => [],
): FeatureBaseline[] => unbinnedFeatures(a).map((f) => featureBaseline(column(train, f), specials(f)));

/**
 * CSI of every feature the model reads, `ds` against the training: under the model's own bins where
 * it has them, else under the feature baselines (a feature with neither is left out).
 */
export function csiOf(a: ModelArtifact, baselines: readonly FeatureBaseline[], ds: Dataset): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of modelBins(a))
    out[v.feature] = psi(
      v.bins.map((b) => b.count),
      binCounts(v, ds),
    );
  for (const b of baselines)
    if (!Object.hasOwn(out, b.feature)) out[b.feature] = psi(b.counts, baselineCounts(b, column(ds, b.feature)));
  return out;
}

/** The largest CSI and its variable (null without any). */
export function largestCsi(csi: Record<string, number>): { variable: string; csi: number } | null {
  let best: { variable: string; csi: number } | null = null;
  for (const [variable, v] of Object.entries(csi)) if (!best || v > best.csi) best = { variable, csi: v };
  return best;
}
