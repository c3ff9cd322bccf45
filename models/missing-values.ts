import type { Dataset } from './data/dataset.ts';
import { modelBins } from './evaluate/csi.ts';
import type { ModelArtifact } from './model-types.ts';

/**
 * Missing cells a table model was not trained for. A value missing where training never saw one
 * is scored as the model scores the unknown (a scorecard's riskiest bin), which is right for one
 * odd row and wrong for a batch whose column came out blank (a broken export, a renamed column):
 * every row then moved towards the riskiest grade and scoring said nothing (a German-credit
 * batch's mean PD went from 0.321 to 0.516). The counts and shares go to `score --table`'s warning
 * lines and to `POST /v1/scores`' `unseen_missing` and `missing_above_training`.
 */

/** A batch's missing share that far exceeds training (docs/models.md, "Scoring a table"). */
export interface MissingShift {
  /** rows of the batch with the cell missing */
  rows: number;
  /** their share of the batch */
  batch_share: number;
  /** the column's missing share on the training rows */
  training_share: number;
}

/** Per feature, the share of training rows it was missing on, from the model's bin counts or feature baselines (unknown: left out). */
export function trainingMissingShares(art: ModelArtifact): Map<string, number> {
  const shares = new Map<string, number>();
  for (const v of modelBins(art)) {
    const total = v.bins.reduce((s, b) => s + b.count, 0);
    const missing = v.bins.reduce((s, b) => s + (b.rule.type === 'missing' ? b.count : 0), 0);
    if (total > 0 && !shares.has(v.feature)) shares.set(v.feature, missing / total);
  }
  for (const b of art.featureBaselines ?? []) {
    const total = b.counts.reduce((s, c) => s + c, 0);
    // the baseline's first bin is the missing one (evaluate/feature-baseline.ts)
    if (total > 0 && !shares.has(b.feature)) shares.set(b.feature, b.counts[0]! / total);
  }
  return shares;
}

function missingRows(ds: Dataset, feature: string): number | null {
  const col = ds.columns.find((c) => c.name === feature);
  if (!col) return null;
  let rows = 0;
  if (col.kind === 'numeric') {
    for (const x of col.values) if (Number.isNaN(x)) rows++;
  } else for (const c of col.codes) if (c < 0) rows++;
  return rows;
}

/** Per column never missing in training, the batch's rows with it missing; columns without any left out. */
export function unseenMissing(art: ModelArtifact, ds: Dataset): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [feature, share] of trainingMissingShares(art)) {
    if (share > 0) continue;
    const rows = missingRows(ds, feature);
    if (rows) out[feature] = rows;
  }
  return out;
}

/** How far above its training share a batch's missing share must be to be reported, and on how many rows at least. */
export const missingShiftRule = { points: 0.2, ratio: 2, minRows: 5 } as const;

/**
 * Columns whose missing share in the batch is at least 20 points above, and twice, their training
 * share, on at least 5 rows: too many to be the odd row that is missing, and a single API row with
 * an ordinarily missing cell is not one.
 */
export function missingAboveTraining(art: ModelArtifact, ds: Dataset): Record<string, MissingShift> {
  const out: Record<string, MissingShift> = {};
  if (ds.n === 0) return out;
  for (const [feature, trainingShare] of trainingMissingShares(art)) {
    const rows = missingRows(ds, feature);
    if (rows === null || rows < missingShiftRule.minRows) continue;
    const batchShare = rows / ds.n;
    if (batchShare >= trainingShare + missingShiftRule.points && batchShare >= missingShiftRule.ratio * trainingShare)
      out[feature] = { rows, batch_share: batchShare, training_share: trainingShare };
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)} %`;

/** One warning line per column, as `score --table` prints them: the share shift where there is one, else the never-seen count. */
/** How each model kind scores a value never missing in training (docs/models.md "Scoring a table"). */
export const unknownValueTreatment =
  "a scorecard's riskiest bin; the trees' riskier side of each split; the network's riskiest bin on its WoE input, the training mean on its scaled one";

export function missingValueLines(
  n: number,
  unseen: Record<string, number>,
  above: Record<string, MissingShift>,
): string[] {
  const lines = Object.entries(above).map(
    ([column, s]) =>
      `warning: ${column}: missing in ${pct(s.batch_share)} of the batch (${s.rows} of ${n} rows), ${pct(s.training_share)} in training: a blank or renamed column in the export? these rows are scored on a value the model ${s.training_share > 0 ? 'rarely' : 'never'} saw missing`,
  );
  for (const [column, rows] of Object.entries(unseen))
    if (!Object.hasOwn(above, column))
      lines.push(
        `warning: ${column}: ${rows} ${rows === 1 ? 'row' : 'rows'} missing, a value never missing in training → scored as an unknown value (${unknownValueTreatment})`,
      );
  return lines;
}
