import { z } from 'zod';
import { isoDate, isoMonth, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { adapterNames } from '../../pipelines/adapters/index.ts';
import { ingestThroughAdapter } from '../../pipelines/adapters/adapt-and-ingest.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { retract } from '../../pipelines/ingest/retract.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { log } from '../progress.ts';
import { basename } from 'node:path';
import type { Receipt } from '../../pipelines/ingest/ingest-file.ts';
import { UserError } from '../../lib/user-error.ts';

const ingestFlags = {
  adapter: flag(z.enum(adapterNames).optional(), 'read a public dataset through its adapter', adapterNames.join('|')),
  'as-of': flag(isoDate.optional(), "adapter: the data's as-of date", 'YYYY-MM-DD'),
  'as-of-month': flag(isoMonth.optional(), 'adapter: the month the data stands for', 'YYYY-MM'),
  entity: flag(
    z.enum(rawEntities).optional(),
    "the entity of every file (otherwise from each file's name)",
    rawEntities.join('|'),
  ),
  'max-quarantined': flag(
    z
      .string()
      .trim()
      .min(1, 'expected a share such as 0.01')
      .transform(Number)
      .pipe(
        z
          .number({ error: 'expected a share such as 0.01' })
          .min(0, 'expected a share from 0 to 1')
          .max(1, 'expected a share from 0 to 1'),
      )
      .optional(),
    'exit 3 when a file quarantines more than this share of its rows (after loading it and printing the receipts)',
    'SHARE',
  ),
  correct: flag(
    z.boolean().default(false),
    "a row whose key is loaded with other content replaces the loaded row (the old row kept in row_corrections; the receipt's rows_corrected) instead of being quarantined; a row whose key is not loaded is quarantined ('no such key to correct')",
  ),
  retract: flag(
    z.boolean().default(false),
    "remove loaded rows by key: each file holds the entity's key column(s) (--entity, or the entity in its name; other columns ignored); the removed rows are kept in row_corrections, the receipt's rows_retracted; a key not loaded is quarantined ('no such key to retract'), the others are removed",
  ),
  loader: flag(
    outputFormat(['auto', 'engine', 'stream'], 'auto'),
    'engine: ClickHouse reads the file; stream: Node streams it in',
    'auto|engine|stream',
  ),
};
const ingestArgs = [
  {
    name: 'paths',
    schema: z.array(z.string()).min(1),
    help: 'files or directories',
    variadic: true,
    missing: 'name at least one file or directory to ingest',
  },
] as const;
export type IngestFlags = FlagValues<typeof ingestFlags> & { paths: string[] };

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'load CSV/JSONL/Parquet files: bad rows to quarantine, a receipt per file, idempotent',
  description:
    'Loads loan-book files (SPEC §3; entity from the file name, e.g. payments.csv). Every row that breaks the contract goes to quarantine with its line and reason (see `loanwatch quarantine`); re-running the same files changes nothing. A schedule file is judged loan by loan: a loan whose schedule has a gap in its installment numbers, due dates out of order or repays less than its principal has all its rows of the file quarantined under one reason. A row under a loaded key with other content is quarantined, naming what differs; with --correct it replaces the loaded row (audited in row_corrections).',
  args: ingestArgs,
  flags: ingestFlags,
  examples: [
    'loanwatch ingest ./book',
    'loanwatch ingest --correct ./corrections/payments-2024-06-28.csv',
    'loanwatch ingest --retract --entity payments ./reversals/keys-2024-06-28.csv',
    'loanwatch ingest --adapter credit_card_monthly_status ../shared/data/credit_card_monthly_status --as-of-month 2024-06',
  ],
  warehouse: true,
  check: (f) =>
    f.retract && (f.correct || f.adapter)
      ? `--retract removes rows by key: it does not go with ${f.correct ? '--correct' : '--adapter'}`
      : !f.adapter && (f['as-of'] || f['as-of-month'])
        ? '--as-of and --as-of-month go with --adapter'
        : f.adapter && f.paths.length !== 1
          ? `--adapter reads one dataset folder, not ${f.paths.length}`
          : undefined,
  run: ({ wh, config, out }, f) => runIngest(wh, config, out, f),
});

export async function runIngest(wh: Warehouse, config: Config, out: Output, f: IngestFlags) {
  const options = {
    piiSecret: config.LOANWATCH_PII_SECRET,
    loader: f.loader,
    entity: f.entity,
    maxDaysAhead: config.LOANWATCH_INGEST_MAX_DAYS_AHEAD,
    correct: f.correct,
    log,
  };
  const result = f.retract
    ? await retract(wh, f.paths, { entity: f.entity, log })
    : f.adapter
      ? (
          await ingestThroughAdapter(wh, f.adapter, f.paths[0]!, {
            adapter: { asOf: f['as-of'], asOfMonth: f['as-of-month'] },
            ingest: options,
          })
        ).result
      : await ingest(wh, f.paths, options);
  out.line(JSON.stringify({ ingest_id: result.ingestId, receipts: result.receipts, skipped: result.skipped }, null, 2));
  const limit = f['max-quarantined'];
  if (limit !== undefined) assertQuarantinedWithin(result.receipts, limit);
  return result;
}

/** A partial load made visible to a scheduler: the files that quarantined more than `limit` of their rows, exit 3. */
export class QuarantineLimitError extends UserError {
  constructor(message: string) {
    super(message, {
      exitCode: 3,
      hint: 'the rows are loaded and quarantined as the receipts say: `loanwatch quarantine --ingest <ingest_id>` lists the quarantined ones',
    });
  }
}

export function assertQuarantinedWithin(
  receipts: readonly Pick<Receipt, 'file' | 'rows_read' | 'rows_quarantined'>[],
  limit: number,
): void {
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
  const over = receipts.filter((r) => r.rows_read > 0 && r.rows_quarantined / r.rows_read > limit);
  if (over.length === 0) return;
  throw new QuarantineLimitError(
    `${over.map((r) => `${basename(r.file)}: ${r.rows_quarantined} of ${r.rows_read} rows quarantined (${pct(r.rows_quarantined / r.rows_read)})`).join('; ')}, above --max-quarantined ${pct(limit)}`,
  );
}
