import { defaultGate } from '../../models/registry/registry.ts';

/** One model of the default set as bench/models reports it. */
export interface DefaultModel {
  kind: 'scorecard' | 'network' | 'gbm';
  name: string;
  auc: number;
  ks: number;
  scorePsi: number;
  /** expected calibration error of the calibrated PD on the test part (the card's ten equal-count bins) */
  ece: number;
  eceBefore: number;
  trainSeconds: number;
}

/** The default set as the result files write it: each model's figures by its kind, train time to `trainDigits`. */
export function modelsByKind(models: DefaultModel[], trainDigits: number) {
  const round = (x: number, d = 4) => Number(x.toFixed(d));
  return Object.fromEntries(
    models.map((m) => [
      m.kind,
      {
        version: m.name,
        auc: round(m.auc),
        ks: round(m.ks),
        score_psi: round(m.scorePsi),
        ece_before_calibration: round(m.eceBefore),
        ece: round(m.ece),
        train_s: round(m.trainSeconds, trainDigits),
      },
    ]),
  );
}

/**
 * The model `promote` would make the champion of a fresh target: the gate admits a version whose
 * score PSI train → test is below its limit (0.1 by default) and a later one only when it beats
 * the champion's AUC by the margin, so of the admitted models the highest test AUC is the one that
 * ends up champion. When none passes the PSI check the highest AUC is reported, said so by the caller.
 */
export function championPick(models: DefaultModel[]): DefaultModel & { passesPsi: boolean } {
  const byAuc = [...models].sort((a, b) => b.auc - a.auc);
  const admitted = byAuc.find((m) => m.scorePsi < defaultGate.maxPsi);
  const pick = admitted ?? byAuc[0];
  if (!pick) throw new Error('no model to pick from');
  return { ...pick, passesPsi: admitted !== undefined };
}

/** a target of issue 21 with the figures it is judged on; met is computed from them, never set by hand */
export const target = (name: string, value: number, limit: number, met: boolean) => ({
  target: name,
  value,
  limit,
  met,
});
