import { existsSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerHelperThreads } from '../../../api/event-loop-priority.ts';

const linux = existsSync('/proc/self/task');
const threads = () => readdirSync('/proc/self/task').map(Number);
// a thread's nice value, or undefined once it has ended (ESRCH)
const niceOf = (tid: number) => {
  try {
    return getPriority(tid);
  } catch {
    return undefined;
  }
};
const niceOfLiving = (tids: number[]) => tids.map(niceOf).filter((n) => n !== undefined);
// a thread that stays alive until terminated
const idleWorker = () => new Worker('setInterval(() => {}, 1000)', { eval: true });
const started = (w: Worker) =>
  new Promise<void>((resolve) => {
    w.once('online', () => {
      resolve();
    });
  });

describe.runIf(linux)('lowerHelperThreads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('lowers every thread but the event loop, and threads started later at its next pass', async () => {
    const mainNice = getPriority(process.pid);
    const expected = Math.max(10, mainNice);
    const before = idleWorker();
    workers.push(before);
    await started(before);
    const stop = lowerHelperThreads({ nice: 10, everyMs: 20 });
    try {
      expect(getPriority(process.pid)).toBe(mainNice);
      const helpers = threads().filter((t) => t !== process.pid);
      expect(helpers.length).toBeGreaterThan(1);
      for (const n of niceOfLiving(helpers)) expect(n).toBe(expected);

      const known = new Set(threads());
      const later = idleWorker();
      workers.push(later);
      await started(later);
      const fresh = threads().filter((t) => !known.has(t));
      expect(fresh.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 100));
      for (const n of niceOfLiving(fresh)) expect(n).toBe(expected);
      expect(getPriority(process.pid)).toBe(mainNice);
    } finally {
      stop();
    }
  });
});
