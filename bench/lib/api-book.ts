import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../warehouse/config.ts';
import { delinquencySettings } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { scoreMonthInDb } from '../../models/score.ts';
import { trainBenchChampion } from './bench-champion.ts';

/**
 * The demo-size book bench/api and bench/console serve (built once under `work`, reused while its
 * scores exist): generated, ingested, snapshotted, a scorecard champion trained, promoted and scored
 * at the month-end.
 */
export async function ensureApiBook(
  wh: Warehouse,
  o: { config: Config; work: string; loans: number; asOf: string; log: (line: string) => void },
): Promise<void> {
  const [n] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${wh.database}.scores`);
  if (Number(n!.n) > 0) return;
  const book = join(o.work, 'book');
  if (!existsSync(join(book, 'manifest.json'))) {
    mkdirSync(book, { recursive: true });
    await generateBook({
      loans: o.loans,
      months: 36,
      asOf: o.asOf,
      seed: 20240630,
      badRows: 0,
      outDir: book,
      format: 'csv',
      workers: availableParallelism(),
    });
  }
  await ingest(wh, [book], { piiSecret: 'bench' });
  await buildMonthEndSnapshots(wh, { asOf: o.asOf, settings: defaultSnapshotSettings(delinquencySettings(o.config)) });
  const champion = await trainBenchChampion(wh, {
    loanShare: 1,
    rebuildFeatures: true,
    outDir: join(o.work, 'models'),
    reason: 'bench champion',
    log: o.log,
  });
  await scoreMonthInDb(wh, champion, o.asOf);
}
