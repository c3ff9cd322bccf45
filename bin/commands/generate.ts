import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { boundedNumber, count, outputFormat, seedNumber } from '../flags.ts';
import { engineDate } from '../../lib/date-schemas.ts';
import { addMonthEnds, monthEndOf } from '../../lib/dates.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { addDays } from '../../lib/dates.ts';
import { generateDailyDeltas } from '../../pipelines/generate/daily-deltas.ts';
import { progress } from '../progress.ts';
import { UserError } from '../../lib/user-error.ts';

const generateFlags = {
  out: flag(z.string().min(1).default('./book'), 'folder to write the files into', 'DIR'),
  loans: flag(count(1, 100_000_000).default(20_000), 'number of loans', 'N'),
  months: flag(count(1, 240).default(36), 'months of history', 'M'),
  'as-of': flag(engineDate.default('2024-06-30'), "the data's last day", 'YYYY-MM-DD'),
  seed: flag(seedNumber.default(20240630), 'random seed (same seed, same book)', 'N'),
  'bad-rows': flag(
    boundedNumber('a share', { min: 0, max: 0.5 }, '0.01').default(0),
    'share of contract-breaking rows to inject',
    'SHARE',
  ),
  format: flag(outputFormat(['csv', 'jsonl'], 'csv'), 'file format', 'csv|jsonl'),
  workers: flag(
    count(1, 64).default(availableParallelism()),
    'processes writing loans at once, 10,000 loans each at a time (the book is the same for any number)',
    'N',
  ),
  'daily-from': flag(
    engineDate.optional(),
    'daily files instead: OUT/base with everything known by this day, then OUT/day-YYYY-MM-DD per day (the book runs to this day + --days; --as-of is not used)',
    'YYYY-MM-DD',
  ),
  days: flag(count(1, 366).default(5), 'with --daily-from: days of daily files after it', 'N'),
  force: flag(
    z.boolean().default(false),
    'write into a folder that already holds files (those of the same names are replaced)',
  ),
};
export type GenerateFlags = FlagValues<typeof generateFlags>;

export const generate = defineCommand({
  name: 'generate',
  summary: 'write a synthetic loan book (SPEC §3 files, the truth and injected bad rows)',
  description:
    'A realistic synthetic book: five products, seven regions, cohorts with seasonality and a macro shock, missed and partial payments, cures, restructurings, charge-offs, recoveries and collection actions; truth.csv holds the true probability of the early-warning target for every loan-month.',
  flags: generateFlags,
  examples: [
    'loanwatch generate --out ./book --loans 5000 --bad-rows 0.01',
    'loanwatch generate --out ./daily --loans 5000 --daily-from 2024-06-27 --days 5',
  ],
  // a flag the chosen kind of book does not read is refused, not ignored
  check: (f, given) =>
    bookBeforeEngine(f) ??
    (f['daily-from'] === undefined
      ? given.has('days')
        ? '--days goes with --daily-from'
        : undefined
      : given.has('as-of')
        ? '--daily-from sets the days (the book runs to it + --days): leave out --as-of'
        : f.format !== 'csv'
          ? '--daily-from writes CSV files: leave out --format'
          : f['bad-rows'] > 0
            ? '--daily-from writes clean daily files: leave out --bad-rows'
            : undefined),
  warehouse: false,
  run: ({ out }, f) => generateCommand(out, f),
});

/** a book whose first months fall before the engine's first day (1970-01-01) could not be loaded: every row quarantined */
function bookBeforeEngine(f: {
  'as-of': string;
  'daily-from'?: string | undefined;
  months: number;
}): string | undefined {
  const end = f['daily-from'] ?? f['as-of'];
  const start = addMonthEnds(monthEndOf(end), -f.months);
  return start < '1970-01-31'
    ? `--months ${f.months} before ${end} starts in ${start.slice(0, 7)}: the warehouse takes dates from 1970-01-01`
    : undefined;
}

/**
 * A folder holding files is refused without --force: the book's files (payments.csv, loans.csv, …)
 * would replace a lender's own of the same names, or a book already generated and ingested there,
 * without a word.
 */
function assertEmptyOutFolder(dir: string, force: boolean) {
  if (force || !existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`--out ${dir} is a file, not a folder`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  throw new UserError(
    `--out ${dir} already holds ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} (${shown}): generate would replace files of the same names`,
    { hint: 'choose an empty or new folder, or add --force to write into it' },
  );
}

export async function generateCommand(out: Output, flags: GenerateFlags) {
  assertEmptyOutFolder(flags.out, flags.force);
  const from = flags['daily-from'];
  if (from !== undefined) {
    if (flags.format !== 'csv') throw new UserError('--daily-from writes CSV files: leave out --format');
    if (flags['bad-rows'] > 0) throw new UserError('--daily-from writes clean daily files: leave out --bad-rows');
    const m = await generateDailyDeltas({
      loans: flags.loans,
      months: flags.months,
      seed: flags.seed,
      from,
      days: flags.days,
      outDir: flags.out,
    });
    out.line(JSON.stringify({ out: flags.out, last_day: addDays(from, flags.days), ...m }, null, 2));
    return m;
  }
  const bar = progress('generate', flags.loans, 'loans');
  const manifest = await generateBook({
    loans: flags.loans,
    months: flags.months,
    asOf: flags['as-of'],
    seed: flags.seed,
    badRows: flags['bad-rows'],
    outDir: flags.out,
    format: flags.format,
    workers: flags.workers,
    onProgress: (d) => {
      bar.update(d);
    },
  });
  bar.stop();
  out.line(JSON.stringify({ out: flags.out, ...manifest }, null, 2));
  return manifest;
}
