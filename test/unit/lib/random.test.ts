import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random.ts';

describe('Rng.bernoulli', () => {
  it('draws what next() would, in order, and leaves the generator where next() would', () => {
    for (const seed of [0, 1, 7, 2 ** 31 + 5, 4294967295])
      for (const p of [0, 1e-9, 0.2, 0.5, 0.8, 1 - 1e-9, 1])
        for (const n of [0, 1, 5, 1_000]) {
          const bulk = new Rng(seed);
          const one = new Rng(seed);
          const out = bulk.bernoulli(p, new Uint8Array(n));
          expect(Array.from(out)).toEqual(Array.from({ length: n }, () => (one.next() < p ? 1 : 0)));
          expect(bulk.next()).toBe(one.next());
        }
  });

  it('keeps about p of the draws', () => {
    const out = new Rng(3).bernoulli(0.8, new Uint8Array(100_000));
    expect(Math.abs(out.reduce((s, v) => s + v, 0) / out.length - 0.8)).toBeLessThan(0.01);
  });
});
