import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../pipelines/snapshot/build-snapshots.ts';
import type { SnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { defaultSettings } from './settings.ts';
import { testWarehouse, tmpDir } from './warehouse.ts';

/**
 * A fresh test warehouse holding a generated book (as of 2024-06-30), ingested and snapshotted
 * (under `snapshot`'s settings; false: not snapshotted, for a file whose every test builds its own).
 */
export async function warehouseWithBook(
  name: string,
  b: { loans: number; months: number; seed: number },
  snapshot: SnapshotSettings | false = defaultSettings,
) {
  const wh = await testWarehouse(name);
  const book = join(tmpDir(name), 'book');
  await generateBook({ ...b, asOf: '2024-06-30', badRows: 0, outDir: book, format: 'csv' });
  await ingest(wh, [book], { piiSecret: 's' });
  if (snapshot) await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings: snapshot });
  return Object.assign(wh, { book });
}

/**
 * A fresh test warehouse with hand-written files ingested (none may be quarantined) and snapshotted up
 * to `asOf` (false: not snapshotted, for a file whose every test builds its own).
 */
export async function warehouseWithFiles(
  name: string,
  files: Record<string, string[]>,
  asOf: string | false,
  settings = defaultSettings,
) {
  const wh = await testWarehouse(name);
  const dir = join(tmpDir(name), 'in');
  mkdirSync(dir);
  for (const [file, lines] of Object.entries(files)) writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
  const r = await ingest(wh, [dir], { piiSecret: 's' });
  const quarantined = r.receipts.filter((x) => x.rows_quarantined > 0);
  if (quarantined.length)
    throw new Error(`hand-written rows were quarantined: ${quarantined.map((q) => q.file).join(', ')}`);
  if (asOf) await buildMonthEndSnapshots(wh, { asOf, settings });
  return wh;
}
