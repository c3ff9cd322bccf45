import type { Dataset } from './data/dataset.ts';
import type { ModelArtifact } from './model-types.ts';
import type { BinRule } from './scorecard/binning.ts';

/**
 * Categories a table model never saw, counted per column when it scores rows. Such a row is scored
 * in the variable's riskiest bin (SPEC §6; the trees put it beyond their riskiest category), which
 * is right for one odd value and wrong for a whole new month or a relabelled product: scoring said
 * nothing, and a batch's mean PD rose from 0.321 to 0.440. The counts go to `score --table`'s
 * warning lines and to `POST /v1/scores`' `unseen_categories`.
 */

/** The categories each categorical feature the model reads knows: its bins' (scorecard, network WoE inputs) or its trees' levels. */
export function knownCategories(art: ModelArtifact): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  const add = (feature: string, values: readonly string[]) => {
    const set = known.get(feature) ?? new Set<string>();
    for (const v of values) set.add(v);
    known.set(feature, set);
  };
  const fromBins = (feature: string, bins: readonly { rule: BinRule }[]) => {
    add(
      feature,
      bins.flatMap((b) => (b.rule.type === 'categories' ? b.rule.values : [])),
    );
  };
  if (art.kind === 'scorecard') {
    for (const v of art.variables) if (v.kind === 'categorical') fromBins(v.feature, v.bins);
  } else if (art.kind === 'network') {
    for (const i of art.inputs) if (i.type === 'woe' && i.bins.kind === 'categorical') fromBins(i.feature, i.bins.bins);
  } else for (const f of art.features) if (f.kind === 'categorical') add(f.name, f.levels);
  return known;
}

/** Per categorical column the model reads, the rows whose category it never saw (missing cells are not counted); columns without any left out. */
export function unseenCategories(art: ModelArtifact, ds: Dataset): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [feature, known] of knownCategories(art)) {
    const col = ds.columns.find((c) => c.name === feature);
    if (col?.kind !== 'categorical') continue;
    const unseen = col.levels.map((l) => !known.has(l));
    let rows = 0;
    for (const c of col.codes) if (c >= 0 && unseen[c]) rows++;
    if (rows) out[feature] = rows;
  }
  return out;
}

/** One warning line per column with unseen categories, as `score --table` prints them. */
export const unseenCategoryLines = (unseen: Record<string, number>): string[] =>
  Object.entries(unseen).map(
    ([column, rows]) =>
      `warning: ${column}: ${rows} ${rows === 1 ? 'row' : 'rows'} with a category the model never saw → the riskiest bin`,
  );
