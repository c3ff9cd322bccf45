import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { defaultTarget } from '../../warehouse/feature-catalogue.ts';
import { promote } from '../../models/registry/registry.ts';
import { scoreMonthInDb } from '../../models/score.ts';
import { trainBookModels } from '../../models/workflows.ts';
import { loadProvisions } from '../../pipelines/provisions/load-provisions.ts';
import { fireWarnings } from '../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../pipelines/warnings/rules.ts';
import { warehouseWithBook } from './book.ts';
import { defaultSettings } from './settings.ts';

/** A book with everything the packs read: champion scores for two month-ends, warnings and monitoring, a provisions ledger. */
export async function warehouseForReports(name: string) {
  const wh = await warehouseWithBook(name, { loans: 2500, months: 36, seed: 31 });
  const [m] = await trainBookModels(wh, {
    kinds: ['scorecard'],
    seed: 1,
    target: defaultTarget,
    ootMonths: 6,
    loanShare: 1,
    rebuildFeatures: true,
    actor: 'test',
    outDir: join(wh.dir, 'cards'),
  });
  await promote(wh, {
    name: m!.model.model_name,
    version: 1,
    actor: 'test',
    reason: 'first',
    gate: { aucMargin: 0, maxPsi: 1 },
  });
  for (const me of ['2024-05-31', '2024-06-30']) await scoreMonthInDb(wh, m!.model, me);
  await fireWarnings(wh, {
    asOf: '2024-06-30',
    rules: defaultWarningRules,
    settings: defaultSettings,
    champion: m!.model,
  });
  const provisions = join(wh.dir, 'provisions.csv');
  writeFileSync(
    provisions,
    [
      '月末,拨备余额',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${new Date(Date.UTC(2023, 7 + i, 0)).toISOString().slice(0, 7)},${(5_000_000 + i * 10_000).toFixed(2)}`,
      ),
    ].join('\n'),
  );
  await loadProvisions(wh, provisions);
  return wh;
}
