import { z } from 'zod';
import { count, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { assertKnownSources } from '../../pipelines/ingest/quarantine-list.ts';
import { deriveMissingRowKeys } from '../../pipelines/ingest/quarantine-backfill.ts';
import {
  quarantineBatch,
  quarantineStatusCounts,
  quarantineStatuses,
  quarantineWithStatus,
  type QuarantineStatusRow,
} from '../../pipelines/ingest/quarantine-status.ts';

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
  status: flag(
    outputFormat([...quarantineStatuses, 'all'], 'open'),
    'open: no later ingest loaded a row under its key; resolved: one did (a fixed file, ingest --correct); unknown: a row quarantined before keys were stored whose key could not be read (its CSV file gone or changed since); all',
    'open|resolved|unknown|all',
  ),
  limit: flag(count(1, 1_000_000_000).optional(), 'at most this many rows (table default 50; csv/json: all)', 'N'),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'table, or every row as csv/json', 'table|csv|json'),
};
export type QuarantineFlags = FlagValues<typeof quarantineFlags>;

export const quarantineCommand = defineCommand({
  name: 'quarantine',
  summary: 'the rows ingest rejected: file, line, reason and the raw row as written',
  description:
    'Every row that broke the data contract (docs/data-contract.md), in file and line order, with the reason, the raw row (PII masked) and its status: open, or resolved once a later ingest run loaded a row of the same entity under the same key (resolved_by: that run), or unknown for a row quarantined before keys were stored whose key could not be derived. Open rows by default. The first listing after the upgrade derives the keys of such rows once (docs/data-contract.md). No SQL needed.',
  flags: quarantineFlags,
  examples: [
    'loanwatch quarantine --entity payments --reason-like date',
    'loanwatch quarantine --file book/payments.csv --format csv > rejected.csv',
    'loanwatch quarantine --status all --entity payments --format csv > payments-quarantine.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runQuarantine(wh, out, f),
});

const columns = [
  'file',
  'entity',
  'line',
  'reason',
  'raw',
  'ingest_id',
  'file_sha256',
  'quarantined_at',
  'status',
  'resolved_by',
] as const;

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
  // rows quarantined before ingest stored their key get it once, here (quarantine-backfill.ts); the
  // status is then computed and filtered in the engine, so a page reads no more than it shows
  const derived = await deriveMissingRowKeys(wh);
  // (stderr: a one-off note, not part of the listing a script reads)
  if (derived.derived + derived.unknown > 0)
    console.error(
      `quarantine: keys of ${derived.derived + derived.unknown} rows quarantined before keys were stored derived once (${derived.unknown} could not be: status unknown)`,
    );
  if (f.format !== 'table') {
    const max = f.limit ?? Number.MAX_SAFE_INTEGER;
    const some = upTo(quarantineWithStatus(wh, filter, f.status, Math.min(max, quarantineBatch)), max);
    if (f.format === 'csv') await writeCsv<QuarantineStatusRow>(out, columns, some);
    else await writeJson(out, some);
    return;
  }
  const limit = f.limit ?? 50;
  const shown: QuarantineStatusRow[] = [];
  // the other statuses' rows are counted too: an empty list of open rows says whether any were resolved
  const counts = await quarantineStatusCounts(wh, filter);
  for await (const r of quarantineWithStatus(wh, filter, f.status, limit)) {
    shown.push(r);
    if (shown.length >= limit) break;
  }
  const total = f.status === 'all' ? counts.open + counts.resolved + counts.unknown : counts[f.status];
  printTable(
    out,
    shown,
    [
      { header: 'file', value: (r) => r.file },
      { header: 'line', value: (r) => r.line, format: 'int' },
      { header: 'reason', value: (r) => r.reason },
      { header: 'raw row', value: (r) => (r.raw.length > 100 ? `${r.raw.slice(0, 99)}…` : r.raw) },
      { header: 'status', value: (r) => r.status },
      ...(f.status === 'open' ? [] : [{ header: 'resolved by', value: (r: QuarantineStatusRow) => r.resolved_by }]),
    ],
    { limit: shown.length, total },
  );
  if (f.status === 'all') return;
  for (const other of quarantineStatuses) {
    const n = counts[other];
    if (other !== f.status && n > 0) out.line(`${n} ${other} row${n === 1 ? '' : 's'} not shown: --status all`);
  }
}
