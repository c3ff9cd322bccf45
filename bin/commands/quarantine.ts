import { z } from 'zod';
import { count, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import {
  assertKnownSources,
  iterateQuarantine,
  listQuarantine,
  type QuarantineRow,
} from '../../pipelines/ingest/quarantine-list.ts';

const quarantineFlags = {
  file: flag(
    z.string().min(1).optional(),
    'rows of this file (as given to ingest, its absolute path, or a bare file name)',
    'PATH',
  ),
  entity: flag(
    z.enum(rawEntities, { error: `expected one of ${rawEntities.join(', ')}` }).optional(),
    'rows of this entity',
    rawEntities.join('|'),
  ),
  'reason-like': flag(z.string().min(1).max(200).optional(), 'reasons containing this text (case-insensitive)', 'TEXT'),
  ingest: flag(z.string().min(1).max(64).optional(), "rows of one ingest run (its receipt's ingest_id)", 'ID'),
  limit: flag(count(1, 1_000_000_000).optional(), 'at most this many rows (table default 50; csv/json: all)', 'N'),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'table, or every row as csv/json', 'table|csv|json'),
};
export type QuarantineFlags = FlagValues<typeof quarantineFlags>;

export const quarantineCommand = defineCommand({
  name: 'quarantine',
  summary: 'the rows ingest rejected: file, line, reason and the raw row as written',
  description:
    'Every row that broke the data contract (docs/data-contract.md), in file and line order, with the reason and the raw row (PII masked). No SQL needed.',
  flags: quarantineFlags,
  examples: [
    'loanwatch quarantine --entity payments --reason-like date',
    'loanwatch quarantine --file book/payments.csv --format csv > rejected.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runQuarantine(wh, out, f),
});

const columns = ['file', 'entity', 'line', 'reason', 'raw', 'ingest_id', 'file_sha256', 'quarantined_at'] as const;

async function* upTo<T>(rows: AsyncIterable<T>, max: number): AsyncGenerator<T> {
  if (max <= 0) return;
  let n = 0;
  for await (const r of rows) {
    yield r;
    if (++n >= max) return;
  }
}

export async function runQuarantine(wh: Warehouse, out: Output, f: QuarantineFlags) {
  const filter = { file: f.file, entity: f.entity, reasonLike: f['reason-like'], ingestId: f.ingest };
  await assertKnownSources(wh, filter);
  if (f.format !== 'table') {
    const rows = upTo(iterateQuarantine(wh, filter), f.limit ?? Number.MAX_SAFE_INTEGER);
    if (f.format === 'csv') await writeCsv<QuarantineRow>(out, columns, rows);
    else await writeJson(out, rows);
    return;
  }
  const page = await listQuarantine(wh, { ...filter, limit: f.limit ?? 50 });
  printTable(
    out,
    page.rows,
    [
      { header: 'file', value: (r) => r.file },
      { header: 'line', value: (r) => r.line, format: 'int' },
      { header: 'reason', value: (r) => r.reason },
      { header: 'raw row', value: (r) => (r.raw.length > 100 ? `${r.raw.slice(0, 99)}…` : r.raw) },
    ],
    { limit: page.rows.length, total: page.total },
  );
}
