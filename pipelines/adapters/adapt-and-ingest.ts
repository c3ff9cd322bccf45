import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingest, type IngestOptions, type IngestResult } from '../ingest/ingest.ts';
import { runAdapter, type AdapterName, type AdapterOptions } from './index.ts';
import type { AdapterReceipt } from './source-csv.ts';

/**
 * `ingest --adapter`: converts a public dataset into SPEC §3 files in a temporary folder, ingests
 * that folder and removes it — also when the adapter or the ingest fails. The converted files are
 * a by-product: the receipts and the quarantine keep what matters (a quarantined row's file is
 * named by its path in the removed folder and by its SHA-256).
 */
export async function ingestThroughAdapter(
  wh: Warehouse,
  name: AdapterName,
  inputDir: string,
  o: { adapter?: AdapterOptions; ingest: IngestOptions; tmpRoot?: string },
): Promise<{ adapterReceipt: AdapterReceipt; result: IngestResult }> {
  const dir = mkdtempSync(join(o.tmpRoot ?? tmpdir(), `loanwatch-${name}-`));
  try {
    const adapterReceipt = await runAdapter(name, inputDir, dir, o.adapter ?? {});
    o.ingest.log?.(`adapter ${name}: ${JSON.stringify(adapterReceipt)}`);
    const result = await ingest(wh, [dir], o.ingest);
    return { adapterReceipt, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
