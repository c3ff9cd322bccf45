import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { dateInMonth } from './dates.ts';
import type { FileFormat } from '../files/table-sink.ts';
import { allSinks, bookEntities, entityFile, openBookSinks, type BookSinks } from './book-files.ts';
import { bookFrame, LoanDraws, type BookFrame } from './loan-draws.ts';
import { writeLoan } from './write-loan.ts';
import { writeWithWorkers } from './generate-workers.ts';
import { makeDirectory } from '../../lib/make-directory.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';

export { entityColumns } from './book-files.ts';

export interface GenerateOptions {
  loans: number;
  /** months of origination cohorts, ending at the as-of month */
  months: number;
  /** month-end of the data (YYYY-MM-DD) */
  asOf: string;
  seed: number;
  /** share of extra contract-breaking rows per file */
  badRows: number;
  outDir: string;
  format: FileFormat;
  /** processes writing loans at once (default 1); the book is the same for any number */
  workers?: number;
  /** loans per chunk, a worker's unit of work (default 10,000; smaller in tests) */
  chunkLoans?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Bumped whenever the generator's output for a seed changes (caches of generated books key on it). */
export const GENERATOR_VERSION = 6;

/** Loans per chunk: a worker's unit of work, appended to the book's files in book order. */
const defaultChunkLoans = 10_000;

/** Generates a synthetic loan book in the SPEC §3 formats plus truth.csv and manifest.json. Streams to disk. */
export async function generateBook(o: GenerateOptions) {
  makeDirectory(o.outDir);
  // a book written here before in the other format would sit beside this one, and ingest would load both
  const other = o.format === 'csv' ? 'jsonl' : 'csv';
  for (const e of bookEntities) if (e !== 'truth') rmSync(join(o.outDir, entityFile(e, other)), { force: true });
  const frame = bookFrame(o);
  const sinks = openBookSinks(o.outDir, o.format);
  const chunkLoans = o.chunkLoans ?? defaultChunkLoans;
  const chunks = Math.ceil(o.loans / chunkLoans);
  const workers = Math.max(1, Math.min(o.workers ?? 1, chunks));
  let badCount: number;
  try {
    badCount =
      workers === 1
        ? await writeInProcess(frame, o, sinks)
        : await writeWithWorkers({ o, sinks, workers, chunkLoans, onChunk: (done) => o.onProgress?.(done, o.loans) });
    for (const s of allSinks(sinks)) await s.close();
  } catch (e) {
    await Promise.all(allSinks(sinks).map((s) => s.abort()));
    throw e;
  }
  o.onProgress?.(o.loans, o.loans);
  const manifest = {
    generator: 'loanwatch generate',
    generatorVersion: GENERATOR_VERSION,
    seed: o.seed,
    loans: o.loans,
    months: o.months,
    asOf: o.asOf,
    format: o.format,
    macroShock: { from: dateInMonth(frame.shockStart, 1), months: 6 },
    rows: Object.fromEntries(bookEntities.map((e) => [e, sinks.entity[e].rows])),
    badRows: badCount,
  };
  writeFileAtomic(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

async function writeInProcess(frame: BookFrame, o: GenerateOptions, sinks: BookSinks) {
  let badCount = 0;
  for (const d of new LoanDraws(frame, o.seed)) {
    badCount += writeLoan(d, frame, o, sinks);
    if (d.loanSeq % 2000 === 0) {
      for (const s of allSinks(sinks)) await s.flushIfFull();
      o.onProgress?.(d.loanSeq, o.loans);
    }
  }
  return badCount;
}
