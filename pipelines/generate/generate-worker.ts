/**
 * A generator worker process (forked by generate-workers.ts): writes the chunks of the book that
 * are its own — chunk c belongs to worker c mod workers — each into a folder of part files, and
 * reports each finished chunk to the parent, which appends the parts to the book in book order.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allSinks, bookEntities, openBookSinks, type BookSinks } from './book-files.ts';
import { bookFrame, LoanDraws } from './loan-draws.ts';
import { writeLoan } from './write-loan.ts';
import type { ChunkDone, WorkerJob } from './generate-workers.ts';

// stack traces of a worker are not for users (bin/loanwatch.mjs does the same)
process.setSourceMapsEnabled(false);

const send = (message: ChunkDone | { error: string }) =>
  new Promise<void>((resolve, reject) => {
    process.send!(message, (e: Error | null) => {
      if (e) reject(e);
      else resolve();
    });
  });

async function finish(chunk: number, dir: string, sinks: BookSinks, badRows: number) {
  for (const s of allSinks(sinks)) await s.close();
  const parts = Object.fromEntries(
    bookEntities.map((e) => [e, { line: sinks.entity[e].line, rows: sinks.entity[e].rows }]),
  );
  await send({ chunk, dir, parts: parts as ChunkDone['parts'], badRows });
}

async function run(job: WorkerJob) {
  const frame = bookFrame(job.o);
  let open = null as { chunk: number; dir: string; sinks: BookSinks; badRows: number } | null;
  // every loan's attributes are drawn, in book order; only this worker's chunks are simulated and written
  for (const d of new LoanDraws(frame, job.o.seed)) {
    const chunk = Math.floor((d.loanSeq - 1) / job.chunkLoans);
    if (chunk % job.workers !== job.worker) continue;
    if (open?.chunk !== chunk) {
      if (open) await finish(open.chunk, open.dir, open.sinks, open.badRows);
      const dir = join(job.partsDir, String(chunk));
      mkdirSync(dir, { recursive: true });
      open = { chunk, dir, sinks: openBookSinks(dir, job.o.format, false), badRows: 0 };
    }
    open.badRows += writeLoan(d, frame, job.o, open.sinks);
    if (d.loanSeq % 2000 === 0) for (const s of allSinks(open.sinks)) await s.flushIfFull();
  }
  if (open) await finish(open.chunk, open.dir, open.sinks, open.badRows);
}

process.once('message', (job: WorkerJob) => {
  run(job).then(
    () => {
      process.disconnect();
    },
    async (e: unknown) => {
      await send({ error: e instanceof Error ? e.message : String(e) }).catch(() => undefined);
      process.exit(1);
    },
  );
});
