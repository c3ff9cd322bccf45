import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ingest, type IngestOptions } from '../../pipelines/ingest/ingest.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tmpDir } from './warehouse.ts';

let run = 0;

/**
 * Ingests files given by name and text (written to a folder of their own), checks that every receipt
 * balances (read = accepted + quarantined), and returns the receipts with the run's quarantined rows
 * (of one entity when given) by line.
 */
export async function ingestFiles(
  wh: Warehouse,
  files: Record<string, string>,
  o: Partial<IngestOptions> = {},
  entity?: string,
) {
  const dir = join(tmpDir('ingest-files'), `run${++run}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = await ingest(wh, [dir], { piiSecret: 's', ...o });
  for (const x of r.receipts) expect(x.rows_read).toBe(x.rows_accepted + x.rows_quarantined);
  const q = await queryRows<{ line_no: string; reason: string }>(
    wh,
    `SELECT toString(line) AS line_no, reason FROM ${wh.database}.quarantine
    WHERE ingest_id = {id:String} AND ({entity:String} = '' OR entity = {entity:String}) ORDER BY line`,
    { id: r.ingestId, entity: entity ?? '' },
  );
  return { receipts: r.receipts, quarantined: new Map(q.map((x) => [Number(x.line_no), x.reason])) };
}
