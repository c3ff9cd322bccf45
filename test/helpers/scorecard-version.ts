import type { Dataset } from '../../models/data/dataset.ts';
import { calibrationTable, gainsTable, quality } from '../../models/evaluate/metrics.ts';
import type { ModelVersion } from '../../models/registry/registry.ts';
import { scoreScorecard, type ScorecardArtifact } from '../../models/scorecard/scorecard.ts';

/** A registered-looking version of a scorecard for model-card tests: its quality figures on `ds` stand for both parts. */
export function scorecardVersion(name: string, art: ScorecardArtifact, ds: Dataset, trainEnd: string): ModelVersion {
  const p = scoreScorecard(art, ds).probability;
  return {
    model_name: name,
    version: 1,
    target: 'test',
    kind: 'scorecard',
    created_at: '2024-01-31 00:00:00',
    created_by: 'test',
    seed: 1,
    fingerprint: 'f',
    artifact: art,
    metrics: {
      train: quality(p, ds.label),
      test: quality(p, ds.label),
      split: 'test',
      score_psi: 0,
      calibration: calibrationTable(p, ds.label),
      gains: gainsTable(p, ds.label),
      train_seconds: 1,
      train_end: trainEnd,
    },
  };
}
