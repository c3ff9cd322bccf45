import type { ModelArtifact, ModelMetrics } from '../../models/model-types.ts';

/** A registered version as far as the champion gate reads it: its test AUC and score PSI, under a table target. */
export const gateVersion = (name: string, auc: number, target: string) => ({
  model_name: name,
  target,
  kind: 'scorecard',
  created_by: 'test',
  seed: 1,
  fingerprint: 'f',
  metrics: { test: { auc }, score_psi: 0.01 } as unknown as ModelMetrics,
  artifact: { kind: 'scorecard' } as unknown as ModelArtifact,
});
