import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadProvisions } from '../../pipelines/provisions/load-provisions.ts';
import { fireWarnings } from '../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../pipelines/warnings/rules.ts';
import { issueIncentives } from '../../pipelines/collections/incentives/issue.ts';
import { defaultIncentiveScheme } from '../../pipelines/collections/incentives/scheme.ts';
import { warehouseWithBook } from './book.ts';
import { withScoredChampion } from './scored-champion.ts';
import { defaultSettings } from './settings.ts';

/**
 * A book with everything the packs read: champion scores for two month-ends, warnings and
 * monitoring, a provisions ledger, the month's collector awards.
 */
export async function warehouseForReports(name: string) {
  const wh = await warehouseWithBook(name, { loans: 2500, months: 36, seed: 31 });
  const champion = await withScoredChampion(wh, { ootMonths: 6, scoreMonthEnds: ['2024-05-31', '2024-06-30'] });
  await fireWarnings(wh, {
    asOf: '2024-06-30',
    rules: defaultWarningRules,
    settings: defaultSettings,
    champion,
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
  await issueIncentives(wh, { month: '2024-06', scheme: defaultIncentiveScheme, settings: defaultSettings });
  return wh;
}
