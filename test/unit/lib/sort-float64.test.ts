import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random.ts';
import { argsortFloat64, sortFloat64 } from '../../../lib/sort-float64.ts';

const same = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  // Object.is tells −0 from +0
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
};

describe('sortFloat64', () => {
  const rng = new Rng(11);
  const kinds: [string, () => number][] = [
    ['normal draws', () => rng.normal() * 1e3],
    ['small integers', () => rng.int(-3, 20)],
    ['one value', () => 7.25],
    ['signed zeros and infinities', () => rng.pick([0, -0, Infinity, -Infinity, 1, -1])],
    ['subnormals and huge numbers', () => rng.pick([5e-324, -5e-324, 1e-310, -1e308, 1.7e308, 2 ** -1074 * 3])],
    ['money amounts', () => Math.round(rng.uniform(-500, 1e6) * 100) / 100],
    ['wide magnitudes', () => (rng.chance(0.5) ? -1 : 1) * Math.exp(rng.uniform(-700, 700))],
  ];
  for (const [kind, draw] of kinds)
    it(`orders ${kind} as Float64Array.prototype.sort does, at every size`, () => {
      for (const n of [0, 1, 2, 4_095, 4_096, 4_097, 30_001]) {
        const values = Float64Array.from({ length: n }, draw);
        const expected = values.slice().sort();
        const got = sortFloat64(values);
        expect(got).toBe(values);
        same(got, expected);
      }
    });

  it('sorts a view in place without touching the numbers around it', () => {
    const whole = Float64Array.from({ length: 12_000 }, () => rng.normal());
    const before = whole.slice();
    const view = whole.subarray(1_000, 11_000);
    sortFloat64(view);
    same(view, before.subarray(1_000, 11_000).slice().sort());
    same(whole.subarray(0, 1_000), before.subarray(0, 1_000));
    same(whole.subarray(11_000), before.subarray(11_000));
  });
});

describe('argsortFloat64', () => {
  const rng = new Rng(12);
  const byComparator = (v: Float64Array) =>
    Int32Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
  const kinds: [string, () => number][] = [
    ['probabilities', () => 1 / (1 + Math.exp(-rng.normal() * 3))],
    ['few distinct values (ties)', () => rng.pick([0.1, 0.25, 0.5, 0.75])],
    ['signed zeros and infinities', () => rng.pick([0, -0, Infinity, -Infinity, 1, -1])],
    ['subnormals and huge numbers', () => rng.pick([5e-324, -5e-324, 1e-310, -1e308, 1.7e308])],
    ['wide magnitudes', () => (rng.chance(0.5) ? -1 : 1) * Math.exp(rng.uniform(-700, 700))],
  ];
  for (const [kind, draw] of kinds)
    it(`orders the positions of ${kind} as the comparator sort does (ties by position), at every size`, () => {
      for (const n of [0, 1, 2, 4_095, 4_096, 4_097, 30_001]) {
        const values = Float64Array.from({ length: n }, draw);
        const copy = values.slice();
        expect(Array.from(argsortFloat64(values))).toEqual(Array.from(byComparator(values)));
        // the values are read, not sorted
        expect(Array.from(values)).toEqual(Array.from(copy));
      }
    });

  it('reads any array of numbers, and keeps the comparator order when a NaN is present', () => {
    const plain = Array.from({ length: 5_000 }, () => rng.int(0, 9) / 10);
    expect(Array.from(argsortFloat64(plain))).toEqual(Array.from(byComparator(Float64Array.from(plain))));
    const withNaN = Float64Array.from({ length: 5_000 }, () => (rng.chance(0.01) ? Number.NaN : rng.normal()));
    expect(Array.from(argsortFloat64(withNaN))).toEqual(Array.from(byComparator(withNaN)));
  });
});
