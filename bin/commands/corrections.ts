import { z } from 'zod';
import { count, isoDate, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import {
  countCorrections,
  listCorrections,
  type CorrectionFilter,
  type CorrectionRow,
} from '../../pipelines/ingest/corrections-list.ts';
import { auditCli } from './cli-audit.ts';

/** a page of the trail read at once for csv and json, which write every row */
const batch = 10_000;

const correctionsFlags = {
  entity: flag(
    z.enum(rawEntities, { error: `expected one of ${rawEntities.join(', ')}` }).optional(),
    'rows of this entity',
    rawEntities.join('|'),
  ),
  key: flag(
    z.string().trim().min(1).max(300).optional(),
    "rows of this key (a composite key's parts joined by /: schedule L1/3)",
    'KEY',
  ),
  loan: flag(
    z.string().trim().min(1).max(128).optional(),
    'rows of this loan (the replaced or the new row)',
    'LOAN_ID',
  ),
  since: flag(isoDate.optional(), 'rows audited on or after this day (UTC)', 'YYYY-MM-DD'),
  limit: flag(count(1, 1_000_000_000).optional(), 'at most this many rows (table default 50; csv/json: all)', 'N'),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'table, or every row as csv/json', 'table|csv|json'),
};
export type CorrectionsFlags = FlagValues<typeof correctionsFlags>;

export const correctionsCommand = defineCommand({
  name: 'corrections',
  summary: 'the trail of loaded rows corrected, retracted or rolled back: when, who, why, the row before and after',
  description:
    'Every row `ingest --correct` replaced, `ingest --retract` removed, `ingest --rollback` took out, and every recorded collection action corrected or withdrawn in the console or the API (row_corrections), newest first: when, the action, the entity and key, who (cli:<OS user>@<host> (--by), or the API key), the reason given, the run, the file and line; csv and json add the row as loaded and as replaced (JSON, PII as stored: hashed or masked). Rows audited before who and why were recorded show them empty. The listing is itself audited (corrections.list).',
  flags: correctionsFlags,
  examples: [
    'loanwatch corrections --entity payments --since 2024-06-01',
    'loanwatch corrections --key P1',
    'loanwatch corrections --loan L000123 --format csv > L000123-corrections.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runCorrections(wh, out, f),
});

const csvColumns = [
  'at',
  'action',
  'entity',
  'key',
  'actor',
  'reason',
  'ingest_id',
  'old_ingest_id',
  'file',
  'line',
  'old_row',
  'new_row',
] as const satisfies readonly (keyof CorrectionRow)[];

export async function runCorrections(wh: Warehouse, out: Output, f: CorrectionsFlags): Promise<number> {
  const filter: CorrectionFilter = { entity: f.entity, key: f.key, loan: f.loan, since: f.since };
  let returned = 0;
  if (f.format === 'table') {
    const limit = f.limit ?? 50;
    const [rows, total] = await Promise.all([listCorrections(wh, filter, limit), countCorrections(wh, filter)]);
    returned = rows.length;
    printTable(
      out,
      rows,
      [
        { header: 'at (UTC)', value: (r) => r.at },
        { header: 'action', value: (r) => r.action },
        { header: 'entity', value: (r) => r.entity },
        { header: 'key', value: (r) => r.key },
        { header: 'by', value: (r) => r.actor || '(not recorded)' },
        { header: 'reason', value: (r) => r.reason },
        { header: 'run', value: (r) => r.ingest_id },
        { header: 'file', value: (r) => (r.line > 0 ? `${r.file}:${r.line}` : r.file) },
      ],
      { limit: rows.length, total },
    );
  } else {
    const max = f.limit ?? Number.MAX_SAFE_INTEGER;
    const rows = pages(wh, filter, max, () => (returned += 1));
    if (f.format === 'csv') await writeCsv<CorrectionRow>(out, csvColumns, rows);
    else await writeJson(out, rows);
  }
  // the trail holds the rows as loaded (amounts, dates, masked personal data): who read it is audited
  await auditCli(wh, undefined, 'corrections.list', '', {
    entity: f.entity ?? null,
    key: f.key ?? null,
    loan: f.loan ?? null,
    since: f.since ?? null,
    format: f.format,
    returned,
  });
  return returned;
}

/** every row up to `max`, read a page at a time (keyset), so a long trail is not held in memory */
async function* pages(
  wh: Warehouse,
  filter: CorrectionFilter,
  max: number,
  onRow: () => void,
): AsyncGenerator<CorrectionRow> {
  let left = max;
  let after: CorrectionFilter['after'];
  while (left > 0) {
    const rows = await listCorrections(wh, { ...filter, after }, Math.min(batch, left));
    for (const r of rows) {
      onRow();
      yield r;
    }
    if (rows.length < Math.min(batch, left)) return;
    left -= rows.length;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, ingest_id: last.ingest_id, entity: last.entity, key: last.key, line: last.line };
  }
}
