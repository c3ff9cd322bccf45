import { randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

/**
 * Output files are written beside their place under a temporary name and renamed into it once
 * complete: a write that fails half-way (a full disk, a killed process) leaves the file that was
 * there before, not a truncated one, and nothing under the final name.
 */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Whether the name holds something other than a regular file (or nothing): a device, a pipe or a
 * terminal (`--out /dev/stdout`) is written as it is — a rename would replace it.
 */
function special(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

/** An error about the temporary file, told of the file the user named (`--out /sys/b.csv`: permission denied). */
function ofFinalPath(e: unknown, tmp: string, path: string): unknown {
  const sys = e as NodeJS.ErrnoException;
  if (tmp === path || !(e instanceof Error) || sys.path !== tmp) return e;
  sys.path = path;
  e.message = e.message.replaceAll(tmp, path);
  return e;
}

/** writeFileSync, all or nothing. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  if (special(path)) {
    writeFileSync(path, data);
    return;
  }
  const tmp = temporaryPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw ofFinalPath(e, tmp, path);
  }
}

/** A write stream whose file appears under `path` only on commit(); abort() removes what was written. */
export interface AtomicWriteStream {
  stream: WriteStream;
  /** resolves once the file is open (rejects when it cannot be created there) */
  opened: Promise<unknown>;
  commit(): Promise<void>;
  abort(): void;
}

export function atomicWriteStream(path: string): AtomicWriteStream {
  const tmp = special(path) ? path : temporaryPath(path);
  const stream = createWriteStream(tmp, { encoding: 'utf8' });
  // an error before commit() is seen by whoever awaits; this keeps it from being unhandled meanwhile
  stream.on('error', () => undefined);
  return {
    stream,
    opened: once(stream, 'open').catch((e: unknown) => {
      throw ofFinalPath(e, tmp, path);
    }),
    commit: async () => {
      stream.end();
      await once(stream, 'finish');
      if (tmp !== path) renameSync(tmp, path);
    },
    abort: () => {
      stream.destroy();
      if (tmp !== path) rmSync(tmp, { force: true });
    },
  };
}
