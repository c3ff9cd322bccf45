import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_VERSION, type generateBook } from '../../pipelines/generate/generate-book.ts';

/** The generated book every large benchmark uses (bench/ingest-snapshot, bench/scale): its date, seed and bad-row share. */
export const benchBook = { asOf: '2024-06-30', seed: 20240630, badRows: 0.01 } as const;

/** The folder of a bench book of this size under `work`. */
export const benchBookDir = (work: string, loans: number, months: number) => join(work, `book-${loans}x${months}`);

// the fields of generateBook's manifest.json that decide whether a book on disk can be reused
type BookManifest = Pick<Awaited<ReturnType<typeof generateBook>>, 'loans' | 'months' | 'seed' | 'generatorVersion'>;

/** True when `dir` holds a book generated with these loans and months, the bench seed and this generator version. */
export function reusableBenchBook(dir: string, loans: number, months: number): boolean {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return false;
  const m = JSON.parse(readFileSync(path, 'utf8')) as BookManifest;
  return (
    m.loans === loans && m.months === months && m.seed === benchBook.seed && m.generatorVersion === GENERATOR_VERSION
  );
}
