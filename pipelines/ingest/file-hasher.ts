import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of the input files, computed in one background thread at the lowest CPU priority while
 * the engine loads earlier files. The engine keeps both cores busy most of the time but not all
 * of it (about 1.8 cores on average over an ingest), and hashing the 1M-loan book costs about
 * 1.2 s of one core: at nice 19 it runs in those gaps instead of in front of each file
 * (ingest 22.2 → 20.7 s).
 * Files are hashed in the order they were queued; a file's hash is awaited only where it is
 * needed (quarantine lines and the receipt name the file by it).
 */
export interface FileHasher {
  sha256(path: string): Promise<string>;
  close(): Promise<void>;
}

// Plain JavaScript, run with `eval`, so the worker needs no TypeScript loader. On Linux
// setpriority(PRIO_PROCESS, 0) sets the calling thread's nice value only, so the rest of the
// process keeps its priority. Reads are 8 MB: with 64 KB the per-chunk overhead made hashing
// 600 MB take 1.9 s, not 0.5 s.
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
try { require('node:os').setPriority(19); } catch {}
const buf = Buffer.allocUnsafe(8 << 20);
parentPort.on('message', ({ id, path }) => {
  let fd = null;
  try {
    fd = openSync(path, 'r');
    const h = createHash('sha256');
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    parentPort.postMessage({ id, sha: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  } finally {
    if (fd !== null) closeSync(fd);
  }
});
`;

export function startFileHasher(): FileHasher {
  const worker = new Worker(workerSource, { eval: true });
  const pending = new Map<number, { resolve: (sha: string) => void; reject: (e: Error) => void }>();
  const queued = new Map<string, Promise<string>>();
  let next = 0;
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; sha?: string; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.sha !== undefined) p?.resolve(m.sha);
    else p?.reject(new Error(`cannot hash the file: ${m.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', () => {
    failAll(new Error('file hasher stopped'));
  });
  return {
    sha256(path) {
      let sha = queued.get(path);
      if (!sha) {
        const id = next++;
        sha = new Promise<string>((resolve, reject) => pending.set(id, { resolve, reject }));
        // a rejection is reported where the hash is awaited, not as an unhandled one here
        sha.catch(() => undefined);
        queued.set(path, sha);
        worker.postMessage({ id, path });
      }
      return sha;
    },
    async close() {
      await worker.terminate();
    },
  };
}
