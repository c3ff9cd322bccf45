import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { adapterNames, runAdapter } from '../../pipelines/adapters/index.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { log } from '../progress.ts';

export const ingestFlags = z.object({
  paths: z.array(z.string()).min(1, 'name at least one file or directory'),
  adapter: z.enum(adapterNames as [string, ...string[]]).optional(),
  'as-of': isoDate.optional(),
  'as-of-month': z.string().regex(/^\d{4}-\d{2}$/, 'YYYY-MM').optional(),
  entity: z.enum(rawEntities as [string, ...string[]]).optional(),
  loader: z.enum(['auto', 'engine', 'stream']).default('auto'),
});

export async function ingestCommand(wh: Warehouse, config: Config, flags: z.infer<typeof ingestFlags>) {
  let paths = flags.paths;
  if (flags.adapter) {
    const out = mkdtempSync(join(tmpdir(), `loanwatch-${flags.adapter}-`));
    const receipt = await runAdapter(flags.adapter as (typeof adapterNames)[number], flags.paths[0]!, out, { asOf: flags['as-of'], asOfMonth: flags['as-of-month'] });
    log(`adapter ${flags.adapter}: ${JSON.stringify(receipt)}`);
    paths = [out];
  }
  const result = await ingest(wh, paths, { piiSecret: config.LOANWATCH_PII_SECRET, loader: flags.loader, entity: flags.entity as never, log });
  console.log(JSON.stringify({ ingest_id: result.ingestId, receipts: result.receipts, skipped: result.skipped }, null, 2));
  return result;
}
