import { z } from 'zod';
import { count, isoDate, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { progress } from '../progress.ts';

const generateFlags = {
  out: flag(z.string().min(1).default('./book'), 'folder to write the files into', 'DIR'),
  loans: flag(count(1, 100_000_000).default(20_000), 'number of loans', 'N'),
  months: flag(count(1, 240).default(36), 'months of history', 'M'),
  'as-of': flag(isoDate.default('2024-06-30'), "the data's last day", 'YYYY-MM-DD'),
  seed: flag(
    z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').default(20240630),
    'random seed (same seed, same book)',
    'N',
  ),
  'bad-rows': flag(
    z.coerce.number({ error: 'expected a share such as 0.01' }).min(0).max(0.5, 'expected at most 0.5').default(0),
    'share of contract-breaking rows to inject',
    'SHARE',
  ),
  format: flag(outputFormat(['csv', 'jsonl'], 'csv'), 'file format', 'csv|jsonl'),
};
export type GenerateFlags = FlagValues<typeof generateFlags>;

export const generate = defineCommand({
  name: 'generate',
  summary: 'write a synthetic loan book (SPEC §3 files, the truth and injected bad rows)',
  description:
    'A realistic synthetic book: five products, seven regions, cohorts with seasonality and a macro shock, missed and partial payments, cures, restructurings, charge-offs, recoveries and collection actions; truth.csv holds the true probability of the early-warning target for every loan-month.',
  flags: generateFlags,
  examples: ['loanwatch generate --out ./book --loans 5000 --bad-rows 0.01'],
  warehouse: false,
  run: ({ out }, f) => generateCommand(out, f),
});

export async function generateCommand(out: Output, flags: GenerateFlags) {
  const bar = progress('generate', flags.loans, 'loans');
  const manifest = await generateBook({
    loans: flags.loans,
    months: flags.months,
    asOf: flags['as-of'],
    seed: flags.seed,
    badRows: flags['bad-rows'],
    outDir: flags.out,
    format: flags.format,
    onProgress: (d) => {
      bar.update(d);
    },
  });
  bar.stop();
  out.line(JSON.stringify({ out: flags.out, ...manifest }, null, 2));
  return manifest;
}
