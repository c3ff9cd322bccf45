import type { NetworkArtifact } from './nn/network.ts';
import { gbmProbability, scoreGbm, type GbmArtifact } from './gbm/gbm.ts';
import type { ScorecardArtifact, Scores } from './scorecard/scorecard.ts';
import { scorecardProbability, scoreScorecard } from './scorecard/scorecard.ts';
import { scoreNetwork } from './nn/network.ts';
import { networkProbability } from './nn/forward-pass.ts';
import type { Dataset } from './data/dataset.ts';
import type { CalibrationRow, GainsRow, Quality } from './evaluate/metrics.ts';
import type { ProbabilityCalibration } from './calibration/calibrate.ts';
import type { NumberFormat } from './data/number-format.ts';
import type { FeatureBaseline } from './evaluate/feature-baseline.ts';

/** How a table model's columns were read, so that scoring reads raw cells as training did. */
export interface TableReading {
  /** features whose cells were written as `1,169` or `12%` (data/number-format.ts); the others are plain */
  numberFormats?: Record<string, NumberFormat>;
  /** the cells read as missing when they are not the defaults (`train --table --missing-markers`): scoring reads them so too */
  missingMarkers?: string[];
}

/**
 * The training distribution of each feature the model has no bins of its own for (boosted trees:
 * all), so that monitoring gives every feature a CSI; versions trained before it carry none
 * (evaluate/monitor.ts derives them from the training window then).
 */
export interface FeatureBaselines {
  featureBaselines?: FeatureBaseline[];
}

export type ModelArtifact = (ScorecardArtifact | NetworkArtifact | GbmArtifact) & TableReading & FeatureBaselines;
export type ModelKind = ModelArtifact['kind'];

export interface ModelMetrics {
  train: Quality;
  test: Quality;
  /** how the test set was chosen (out-of-time cutoff or seeded random split) */
  split: string;
  /** the file next to the artifact listing each row's part (table models: split.csv) */
  split_file?: string;
  /** book models: the share of loans trained and tested on (train --loan-share; the sample drawn by the seed); absent before 2026-12-06 */
  loan_share?: number;
  /** the test part's rows (data/split.ts partFingerprint): the promote gate compares test AUCs on the same rows only; absent before 2026-12-06 */
  test_rows?: string;
  score_psi: number;
  calibration: CalibrationRow[];
  gains: GainsRow[];
  train_seconds: number;
  /** last training period (month-end) for book models: monitoring starts after it */
  train_end: string | null;
  /** how the probabilities were calibrated and the reliability curve before and after (versions before issue 21 have none) */
  probability_calibration?: ProbabilityCalibration;
  /** table rows left out because their target was missing (empty or a missing marker) */
  target_missing_rows?: number;
  /** what a modeler must know before using the model (a test AUC at or below chance, …), printed at training */
  warnings?: string[];
}

export const scoreModel = (art: ModelArtifact, ds: Dataset): Scores =>
  art.kind === 'scorecard'
    ? scoreScorecard(art, ds)
    : art.kind === 'network'
      ? scoreNetwork(art, ds)
      : scoreGbm(art, ds);

/** A model's probabilities without its points, grades and reasons (what fitting, calibration and evaluation read). */
export const probabilityOf = (art: ModelArtifact, ds: Dataset): Float64Array =>
  art.kind === 'gbm'
    ? gbmProbability(art, ds)
    : art.kind === 'network'
      ? networkProbability(art, ds)
      : scorecardProbability(art, ds);

/** Feature columns a model reads. */
export const modelFeatures = (art: ModelArtifact): string[] => [
  ...new Set(
    art.kind === 'scorecard'
      ? art.variables.map((v) => v.feature)
      : art.kind === 'network'
        ? art.inputs.map((i) => i.feature)
        : art.features.map((f) => f.name),
  ),
];
