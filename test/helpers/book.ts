import { join } from 'node:path';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultSettings } from './settings.ts';
import { testWarehouse, tmpDir } from './warehouse.ts';

/** A fresh test warehouse holding a generated book (as of 2024-06-30), ingested and snapshotted. */
export async function warehouseWithBook(name: string, b: { loans: number; months: number; seed: number }) {
  const wh = await testWarehouse(name);
  const book = join(tmpDir(name), 'book');
  await generateBook({ ...b, asOf: '2024-06-30', badRows: 0, outDir: book, format: 'csv' });
  await ingest(wh, [book], { piiSecret: 's' });
  await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings: defaultSettings });
  return Object.assign(wh, { book });
}
