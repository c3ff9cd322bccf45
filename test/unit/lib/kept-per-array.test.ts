import { describe, expect, it } from 'vitest';
import { keptPerArray } from '../../../lib/kept-per-array.ts';

describe('a value kept per array', () => {
  it('is computed once per array and length: again when the array grew, apart for another array', () => {
    const calls: number[] = [];
    const sum = keptPerArray((xs: number[]) => {
      calls.push(xs.length);
      return xs.reduce((a, b) => a + b, 0);
    });
    const xs = [1, 2];
    expect([sum(xs), sum(xs)]).toEqual([3, 3]);
    xs.push(4);
    expect([sum(xs), sum(xs)]).toEqual([7, 7]);
    expect(sum([1, 2])).toBe(3);
    expect(calls).toEqual([2, 3, 2]);
  });
});
