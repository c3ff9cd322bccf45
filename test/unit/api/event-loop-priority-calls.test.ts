import { beforeEach, describe, expect, it, vi } from 'vitest';

// the nice values each thread reports, and what is set: the rule without touching real threads
const nice = new Map<number, number>();
const setPriority = vi.fn((tid: number, value: number) => void nice.set(tid, value));
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:os')>()),
  getPriority: (tid: number) => {
    const n = nice.get(tid);
    if (n === undefined) throw Object.assign(new Error('no such thread'), { code: 'ESRCH' });
    return n;
  },
  setPriority,
}));
const tasks: string[] = [];
vi.mock('node:fs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:fs')>()),
  readdirSync: () => tasks,
}));
// unit files share their worker's module cache (vitest.config.ts): a file before this one may have
// loaded the module with the real node:os and node:fs; loaded again here, it takes the mocks
vi.resetModules();
const { lowerHelperThreads } = await import('../../../api/event-loop-priority.ts');

describe('lowerHelperThreads, the rule', () => {
  beforeEach(() => {
    nice.clear();
    setPriority.mockClear();
    tasks.length = 0;
  });

  it('lowers threads below the value, leaves lower ones and the main thread, and skips a thread that ended', () => {
    nice.set(process.pid, 0);
    nice.set(101, 0);
    nice.set(102, 15);
    nice.set(103, 10);
    tasks.push(String(process.pid), '101', '102', '103', '104');
    lowerHelperThreads({ nice: 10 })();
    expect(setPriority.mock.calls).toEqual([[101, 10]]);
    expect(nice.get(process.pid)).toBe(0);
  });

  it('lowers a thread that appears later, or reuses an id, at the next pass', async () => {
    nice.set(process.pid, 0);
    nice.set(201, 0);
    tasks.push(String(process.pid), '201');
    const stop = lowerHelperThreads({ nice: 10, everyMs: 5 });
    nice.set(201, 0); // the id reused by a new thread at nice 0
    nice.set(202, 0);
    tasks.push('202');
    await new Promise((r) => setTimeout(r, 30));
    stop();
    expect(nice.get(201)).toBe(10);
    expect(nice.get(202)).toBe(10);
  });
});
