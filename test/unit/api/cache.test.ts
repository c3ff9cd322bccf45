import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approxBytes, TtlCache } from '../../../api/cache.ts';

describe('TtlCache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());
  const flush = () => new Promise((r) => setImmediate(r));

  it('shares one load between concurrent misses, forgets failures, reloads after expiry', async () => {
    const c = new TtlCache<string, number>(1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([c.get('k', load), c.get('k', load)])).toEqual([1, 1]);
    await expect(c.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await flush();
    expect(await c.get('bad', load)).toBe(2);
    vi.setSystemTime(1500);
    expect(await c.get('k', load)).toBe(3); // strict: a reader waits for the reload
  });

  it('stale-while-revalidate answers the old value during one background reload, then the new one', async () => {
    const c = new TtlCache<string, string>(1000, 10, true);
    expect(await c.get('k', () => Promise.resolve('v1'))).toBe('v1');
    await flush();
    vi.setSystemTime(1500);
    let release!: (v: string) => void;
    let reloads = 0;
    const slow = () => {
      reloads++;
      return new Promise<string>((r) => {
        release = r;
      });
    };
    expect(await c.get('k', slow)).toBe('v1');
    expect(await c.get('k', slow)).toBe('v1');
    expect(reloads).toBe(1);
    release('v2');
    await flush();
    expect(await c.get('k', slow)).toBe('v2');
    vi.setSystemTime(3000);
    expect(await c.get('k', () => Promise.reject(new Error('down')))).toBe('v2'); // a failed reload keeps serving the old value
    await flush();
    expect(await c.get('k', () => Promise.resolve('v3'))).toBe('v2');
    await flush();
    expect(await c.get('k', () => Promise.resolve('v4'))).toBe('v3');
  });

  it('is bounded in bytes: the oldest settled values go first, a value over the whole budget is not kept', async () => {
    const c = new TtlCache<string, string>(60_000, 1000, false, 100);
    let loads = 0;
    const val = (n: number) => () => {
      loads++;
      return Promise.resolve('x'.repeat(n));
    };
    await c.get('a', val(40));
    await c.get('b', val(40));
    await flush();
    expect(c.size).toEqual({ entries: 2, bytes: 80 });
    await c.get('c', val(40)); // 120 > 100: a goes
    await flush();
    expect(c.size).toEqual({ entries: 2, bytes: 80 });
    loads = 0;
    await c.get('b', val(40));
    await c.get('c', val(40));
    expect(loads).toBe(0);
    await c.get('a', val(40));
    expect(loads).toBe(1);
    expect((await c.get('huge', val(500))).length).toBe(500); // its readers get it …
    await flush();
    expect(c.size.bytes).toBeLessThanOrEqual(100); // … the cache does not keep it
    await c.get('huge', val(500));
    expect(loads).toBe(3);
  });

  it('measures values by their serialized size, or the size they declare', () => {
    expect(approxBytes('abc')).toBe(3);
    expect(approxBytes(Buffer.alloc(10))).toBe(10);
    expect(approxBytes({ approxBytes: 1234, rows: [] })).toBe(1234);
    expect(approxBytes({ a: [1, 2] })).toBe(JSON.stringify({ a: [1, 2] }).length);
  });
});
