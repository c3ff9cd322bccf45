import { fork, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bookEntities, type BookEntity, type BookSinks } from './book-files.ts';
import type { GenerateOptions } from './generate-book.ts';

/** What a worker is told: the book, its share of the chunks, and where to put their parts. */
export interface WorkerJob {
  o: Pick<GenerateOptions, 'loans' | 'months' | 'asOf' | 'seed' | 'badRows' | 'format'>;
  worker: number;
  workers: number;
  chunkLoans: number;
  partsDir: string;
}

/** A worker's finished chunk: its folder of part files and their line and row counts. */
export interface ChunkDone {
  chunk: number;
  dir: string;
  parts: Record<BookEntity, { line: number; rows: number }>;
  badRows: number;
}

// workers run the TypeScript sources through tsx, as bin/loanwatch.mjs does
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const workerModule = fileURLToPath(new URL('./generate-worker.ts', import.meta.url));

/**
 * Appends a finished chunk to the book: each part file below what the book's file already holds,
 * and the chunk's bad-row records with their line numbers moved by the same offset.
 */
async function appendChunk(sinks: BookSinks, c: ChunkDone) {
  const offset = Object.fromEntries(bookEntities.map((e) => [e, sinks.entity[e].line])) as Record<BookEntity, number>;
  for (const e of bookEntities)
    await sinks.entity[e].appendPart(join(c.dir, basename(sinks.entity[e].path)), c.parts[e]);
  if (c.badRows > 0) {
    const lines = createInterface({ input: createReadStream(join(c.dir, 'bad_rows.jsonl')), crlfDelay: Infinity });
    for await (const line of lines) {
      const record = JSON.parse(line) as { entity: BookEntity; file: string; line: number; kind: string };
      record.file = sinks.entity[record.entity].path;
      record.line += offset[record.entity];
      sinks.badRows.raw(JSON.stringify(record));
    }
    await sinks.badRows.flushIfFull();
  }
  rmSync(c.dir, { recursive: true, force: true });
}

/**
 * Writes the book's loans with `workers` processes: each writes its chunks into part files, and
 * the chunks are appended to the book's files in book order as they finish. Returns the number of
 * bad rows injected. A worker that fails stops the others; the parts folder is removed either way.
 */
export async function writeWithWorkers(a: {
  o: GenerateOptions;
  sinks: BookSinks;
  workers: number;
  chunkLoans: number;
  onChunk: (loansDone: number) => void;
}): Promise<number> {
  const partsDir = join(a.o.outDir, '.parts');
  rmSync(partsDir, { recursive: true, force: true });
  mkdirSync(partsDir, { recursive: true });
  const chunks = Math.ceil(a.o.loans / a.chunkLoans);
  const finished = new Map<number, ChunkDone>();
  let next = 0;
  let badRows = 0;
  let appending = Promise.resolve();
  const children: ChildProcess[] = [];
  const appendReady = async () => {
    for (let c = finished.get(next); c; c = finished.get(next)) {
      finished.delete(next);
      await appendChunk(a.sinks, c);
      badRows += c.badRows;
      next++;
      a.onChunk(Math.min(next * a.chunkLoans, a.o.loans));
    }
  };
  try {
    await Promise.all(
      Array.from({ length: a.workers }, (_, worker) => {
        const child = fork(workerModule, [], {
          execArgv: ['--import', tsx],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        const { loans, months, asOf, seed, badRows: share, format } = a.o;
        const job: WorkerJob = {
          o: { loans, months, asOf, seed, badRows: share, format },
          worker,
          workers: a.workers,
          chunkLoans: a.chunkLoans,
          partsDir,
        };
        child.send(job);
        return new Promise<void>((resolve, reject) => {
          let failure: string | undefined;
          child.on('message', (m: ChunkDone | { error: string }) => {
            if ('error' in m) {
              failure = m.error;
              return;
            }
            finished.set(m.chunk, m);
            appending = appending.then(appendReady);
            appending.catch(reject);
          });
          child.on('error', reject);
          // 'close', not 'exit': it comes after the IPC channel has delivered the last chunk's message
          child.on('close', (code, signal) => {
            if (code === 0) resolve();
            else
              reject(
                new Error(`generator worker ${String(worker)} failed: ${failure ?? signal ?? `exit ${String(code)}`}`),
              );
          });
        });
      }),
    );
    await appending;
    if (next !== chunks) throw new Error(`generator workers wrote ${String(next)} of ${String(chunks)} chunks`);
    return badRows;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await appending.catch(() => undefined);
    rmSync(partsDir, { recursive: true, force: true });
  }
}
