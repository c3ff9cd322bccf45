import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultTarget } from '../../warehouse/feature-catalogue.ts';
import { promote } from '../../models/registry/registry.ts';
import { trainBookModels } from '../../models/workflows.ts';

/**
 * A scorecard on the default target (seed 1, six out-of-time months), promoted as the champion
 * whatever its AUC or PSI: a benchmark needs a champion to time, not the gate's verdict.
 */
export async function trainBenchChampion(
  wh: Warehouse,
  o: { loanShare: number; rebuildFeatures: boolean; outDir: string; reason: string; log: (line: string) => void },
) {
  const [m] = await trainBookModels(wh, {
    kinds: ['scorecard'],
    seed: 1,
    target: defaultTarget,
    ootMonths: 6,
    loanShare: o.loanShare,
    rebuildFeatures: o.rebuildFeatures,
    actor: 'bench',
    outDir: o.outDir,
    log: o.log,
  });
  if (!m) throw new Error('bench: training the scorecard gave no model');
  await promote(wh, {
    name: m.model.model_name,
    version: m.model.version,
    actor: 'bench',
    reason: o.reason,
    gate: { aucMargin: 0, maxPsi: 1 },
  });
  return m.model;
}
