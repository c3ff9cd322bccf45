import { z } from 'zod';
import { isoDate, isoMonth, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { adapterNames } from '../../pipelines/adapters/index.ts';
import { ingestThroughAdapter } from '../../pipelines/adapters/adapt-and-ingest.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { loadGap, loadGapWords } from '../../pipelines/ingest/load-gap.ts';
import { retract } from '../../pipelines/ingest/retract.ts';
import { dataLastDate } from '../../warehouse/data-horizon.ts';
import { maskPersonalNumbers } from '../../warehouse/personal-numbers.ts';
import { rollback } from '../../pipelines/ingest/rollback.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { log } from '../progress.ts';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { unterminatedLastLine } from '../../pipelines/ingest/unterminated-last-line.ts';
import type { Receipt } from '../../pipelines/ingest/ingest-file.ts';
import { UserError } from '../../lib/user-error.ts';
import { byFlag, cliActor } from './cli-audit.ts';

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
    'exit 3 when a file quarantines more than this share of its rows (after loading it and printing the receipts); without it, exit 3 when a file quarantines every row',
    'SHARE',
  ),
  correct: flag(
    z.boolean().default(false),
    "a row whose key is loaded with other content replaces the loaded row (the old row kept in row_corrections; the receipt's rows_corrected) instead of being quarantined; a row whose key is not loaded is quarantined ('no such key to correct'), but for a retracted key, which it reinstates",
  ),
  retract: flag(
    z.boolean().default(false),
    "remove loaded rows by key: each file holds the entity's key column(s) (--entity, or the entity in its name; other columns ignored); the removed rows are kept in row_corrections, the receipt's rows_retracted; a key not loaded is quarantined ('no such key to retract'), the others are removed. A load that brings a retracted key back quarantines that row: --correct reinstates it",
  ),
  rollback: flag(
    z.string().trim().min(1, 'expected an ingest_id (loanwatch ingest-runs lists them)').optional(),
    "remove every row the ingest run loaded, in every table (audited in row_corrections, the receipts' mode rollback); refused, nothing removed, when rows of other runs build on them (rows naming its loans or customers, a correction of one of its rows): roll those loads back or retract their rows first; retract corrected rows (a --correct run cannot be rolled back). A second rollback of the run changes nothing and says so",
    'INGEST_ID',
  ),
  by: byFlag('--correct, --retract, --rollback: who makes the change (row_corrections.actor)'),
  reason: flag(
    z.string().trim().min(1, 'give the reason as text').max(500, 'at most 500 characters').optional(),
    '--correct, --retract, --rollback: why (row_corrections.reason; `loanwatch corrections` lists them)',
    'TEXT',
  ),
  loader: flag(
    outputFormat(['auto', 'engine', 'stream'], 'auto'),
    'engine: ClickHouse reads the file (a GBK file, bare-CR line ends or a quote never closed are read by the stream loader all the same); stream: Node streams it in; auto: the engine for a UTF-8 file on the embedded engine, else the stream',
    'auto|engine|stream',
  ),
};
const ingestArgs = [
  {
    name: 'paths',
    // none with --rollback (check)
    schema: z.array(z.string()),
    help: 'files or directories',
    variadic: true,
  },
] as const;
export type IngestFlags = FlagValues<typeof ingestFlags> & { paths: string[] };

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'load CSV/JSONL/Parquet files: bad rows to quarantine, a receipt per file, idempotent',
  description:
    "Loads loan-book files (SPEC §3; entity from the file name, e.g. payments.csv). Every row that breaks the contract goes to quarantine with its line and reason (see `loanwatch quarantine`); re-running the same files changes nothing. A row naming a loan, or a loan naming a customer, that is neither loaded nor in the run's files is quarantined (a run loads customers first, then loans, then the rest; a book that never had customers loads its loans unchecked). A schedule file is judged loan by loan: a loan whose schedule has a gap in its installment numbers, due dates out of order or repays less than its principal has all its rows of the file quarantined under one reason. A row under a loaded key with other content is quarantined, naming what differs; with --correct it replaces the loaded row (audited in row_corrections). --rollback ID removes every row an ingest run loaded (the wrong day's file), audited alike; the next snapshot refreshes their loans.",
  args: ingestArgs,
  flags: ingestFlags,
  examples: [
    'loanwatch ingest ./book',
    'loanwatch ingest --correct ./corrections/payments-2024-06-28.csv --reason "bank statement of 2024-06-28" --by zhou.ia',
    'loanwatch ingest --retract --entity payments ./reversals/keys-2024-06-28.csv --reason "reversed by the bank"',
    'loanwatch ingest --rollback 0b6f3c52-8d0e-4a47-9a43-2f1d7c9e5a10 --reason "the 06-27 files loaded as 06-28"',
    'loanwatch ingest --adapter credit_card_monthly_status ../shared/data/credit_card_monthly_status --as-of-month 2024-06',
  ],
  warehouse: true,
  check: (f) =>
    f.rollback !== undefined
      ? rollbackCheck(f)
      : !f.correct && !f.retract && (f.by !== undefined || f.reason !== undefined)
        ? `--${f.by !== undefined ? 'by' : 'reason'} goes with --correct, --retract or --rollback: a plain load changes no loaded row`
        : f.paths.length === 0
          ? 'name at least one file or directory to ingest'
          : f.retract && (f.correct || f.adapter)
            ? `--retract removes rows by key: it does not go with ${f.correct ? '--correct' : '--adapter'}`
            : !f.adapter && (f['as-of'] || f['as-of-month'])
              ? '--as-of and --as-of-month go with --adapter'
              : f.adapter && f.paths.length !== 1
                ? `--adapter reads one dataset folder, not ${f.paths.length}`
                : undefined,
  run: ({ wh, config, out }, f) => runIngest(wh, config, out, f),
});

/** --rollback names a run: no files, and none of the flags that say how to read files */
function rollbackCheck(f: IngestFlags): string | undefined {
  if (f.paths.length > 0)
    return `--rollback removes the rows of an ingest run: it takes no files (${f.paths.length} given)`;
  const other = (
    [
      ['correct', f.correct],
      ['retract', f.retract],
      ['adapter', f.adapter !== undefined],
      ['entity', f.entity !== undefined],
      ['max-quarantined', f['max-quarantined'] !== undefined],
      ['as-of', f['as-of'] !== undefined],
      ['as-of-month', f['as-of-month'] !== undefined],
    ] as const
  ).find(([, given]) => given);
  return other ? `--rollback does not go with --${other[0]}` : undefined;
}

export async function runIngest(wh: Warehouse, config: Config, out: Output, f: IngestFlags) {
  // a reason is stored masked, as a recorded action's is: the trail never carries a phone or ID number
  const origin = { actor: cliActor(f.by), reason: f.reason ? await maskPersonalNumbers(wh, f.reason) : '' };
  if (f.rollback !== undefined) {
    const r = await rollback(wh, f.rollback, { origin, log });
    out.line(
      JSON.stringify(
        { ingest_id: r.ingestId, rolled_back: r.rolledBack, changed: r.changed, receipts: r.receipts },
        null,
        2,
      ),
    );
    return r;
  }
  const options = {
    piiSecret: config.LOANWATCH_PII_SECRET,
    loader: f.loader,
    entity: f.entity,
    maxDaysAhead: config.LOANWATCH_INGEST_MAX_DAYS_AHEAD,
    correct: f.correct,
    origin,
    log,
  };
  // the day the data ended before this load: a load that starts days after it is told (a missing day's files)
  const dataEnded = f.retract ? null : await dataLastDate(wh);
  const result = f.retract
    ? await retract(wh, f.paths, { entity: f.entity, origin, log })
    : f.adapter
      ? (
          await ingestThroughAdapter(wh, f.adapter, f.paths[0]!, {
            adapter: { asOf: f['as-of'], asOfMonth: f['as-of-month'] },
            ingest: options,
          })
        ).result
      : await ingest(wh, f.paths, options);
  const gap = await loadGap(wh, dataEnded);
  if (gap) log(`ingest: warning: ${loadGapWords(gap)}`);
  const unterminated = unterminatedFiles(result.receipts);
  for (const u of unterminated)
    log(
      `ingest: warning: ${basename(u.file)} ends without a line break after its last line ${JSON.stringify(u.last_line)}: if the file was cut short, that row may be incomplete — compare it with the source (a file saved without a final line break is fine)`,
    );
  out.line(
    JSON.stringify(
      {
        ingest_id: result.ingestId,
        receipts: result.receipts,
        skipped: result.skipped,
        ...(gap ? { load_gap: gap } : {}),
        ...(unterminated.length ? { unterminated_last_line: unterminated } : {}),
      },
      null,
      2,
    ),
  );
  // without --max-quarantined, a file of which nothing loaded still fails the run: exit 0 told a
  // scheduler that a day whose payments were all refused (a changed export) had loaded
  assertQuarantinedWithin(result.receipts, f['max-quarantined']);
  return result;
}

/** The CSV files of a load with rows that end without a line break, with their last line (unterminatedLastLine). */
function unterminatedFiles(receipts: readonly Pick<Receipt, 'file' | 'format' | 'rows_read'>[]) {
  return receipts.flatMap((r) => {
    const line = r.format === 'csv' && r.rows_read > 0 && existsSync(r.file) ? unterminatedLastLine(r.file) : null;
    return line === null ? [] : [{ file: r.file, last_line: line }];
  });
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
  limit: number | undefined,
): void {
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
  const share = (r: (typeof receipts)[number]) => r.rows_quarantined / r.rows_read;
  const over = receipts.filter((r) => r.rows_read > 0 && (limit === undefined ? share(r) === 1 : share(r) > limit));
  if (over.length === 0) return;
  if (limit === undefined)
    throw new QuarantineLimitError(
      `${over.map((r) => `${basename(r.file)}: all ${r.rows_read} rows quarantined`).join('; ')}: nothing of ${over.length === 1 ? 'it' : 'them'} loaded (--max-quarantined 1 accepts that)`,
    );
  throw new QuarantineLimitError(
    `${over.map((r) => `${basename(r.file)}: ${r.rows_quarantined} of ${r.rows_read} rows quarantined (${pct(share(r))})`).join('; ')}, above --max-quarantined ${pct(limit)}`,
  );
}
