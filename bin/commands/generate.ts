import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { generateBook } from '../../pipelines/generate/generate-book.ts';
import { progress } from '../progress.ts';

export const generateFlags = z.object({
  out: z.string().default('./book'),
  loans: z.coerce.number().int().min(1).max(100_000_000).default(20_000),
  months: z.coerce.number().int().min(1).max(240).default(36),
  'as-of': isoDate.default('2024-06-30'),
  seed: z.coerce.number().int().default(20240630),
  'bad-rows': z.coerce.number().min(0).max(0.5).default(0),
  format: z.enum(['csv', 'jsonl']).default('csv'),
});

export async function generateCommand(flags: z.infer<typeof generateFlags>) {
  const bar = progress('generate', flags.loans, 'loans');
  const manifest = await generateBook({
    loans: flags.loans, months: flags.months, asOf: flags['as-of'], seed: flags.seed, badRows: flags['bad-rows'],
    outDir: flags.out, format: flags.format, onProgress: (d) => bar.update(d),
  });
  bar.stop();
  console.log(JSON.stringify({ out: flags.out, ...manifest }, null, 2));
  return manifest;
}
