import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultTarget } from '../../warehouse/feature-catalogue.ts';
import { promote, type ModelVersion } from '../../models/registry/registry.ts';
import { scoreMonthInDb } from '../../models/score.ts';
import { trainBookModels } from '../../models/workflows.ts';

/**
 * The early-warning champion a test's book needs: trains the default target's scorecard on the
 * book (features rebuilt, seed 1, the last `ootMonths` month-ends out of time), promotes it past an
 * open gate, and scores it at each of `scoreMonthEnds` (none: trained and promoted only). Returns
 * the champion; a month-end that scores no loan fails the set-up instead of leaving the test empty.
 */
export async function withScoredChampion(
  wh: Warehouse & { dir: string },
  o: { scoreMonthEnds: readonly string[]; ootMonths?: number },
): Promise<ModelVersion> {
  const [m] = await trainBookModels(wh, {
    kinds: ['scorecard'],
    seed: 1,
    target: defaultTarget,
    ootMonths: o.ootMonths ?? 4,
    loanShare: 1,
    rebuildFeatures: true,
    actor: 'test',
    outDir: join(wh.dir, 'cards'),
  });
  if (!m) throw new Error('training registered no scorecard');
  const champion = m.model;
  await promote(wh, {
    name: champion.model_name,
    version: champion.version,
    actor: 'test',
    reason: 'first',
    gate: { aucMargin: 0, maxPsi: 1 },
  });
  for (const monthEnd of o.scoreMonthEnds) {
    const scored = await scoreMonthInDb(wh, champion, monthEnd);
    if (scored === 0) throw new Error(`${champion.model_name}@${champion.version} scored no loan at ${monthEnd}`);
  }
  return champion;
}
