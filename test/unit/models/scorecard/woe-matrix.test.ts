import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import type { VariableBins } from '../../../../models/scorecard/binning.ts';
import { refine, woeMatrix, woePatterns } from '../../../../models/scorecard/woe-matrix.ts';

/** k numeric columns of small integers, each binned one bin per value (WoE = the value / 3, two values sharing one). */
function book(seed: number, n: number, k: number, levels: number) {
  const rng = new Rng(seed);
  const columns = Array.from({ length: k }, (_, j) => ({
    name: `x${j}`,
    kind: 'numeric' as const,
    values: Float64Array.from({ length: n }, () => Math.floor(rng.next() * levels)),
  }));
  const ds: Dataset = {
    n,
    columns,
    label: Uint8Array.from({ length: n }, () => (rng.chance(0.2) ? 1 : 0)),
    period: [],
    ids: [],
  };
  const vars: VariableBins[] = columns.map((c) => ({
    feature: c.name,
    kind: 'numeric',
    bins: Array.from({ length: levels }, (_, b) => ({
      rule: { type: 'range' as const, lo: b === 0 ? null : b, hi: b === levels - 1 ? null : b + 1 },
      count: 0,
      bad: 0,
      woe: Math.min(b, levels - 2) / 3,
    })),
    iv: 0,
    fallback: 0,
    totalBad: 0,
    totalGood: 0,
  }));
  return { ds, vars };
}

describe('woePatterns', () => {
  it.each([
    [1, 0, 3, 4],
    [2, 1, 1, 2],
    [3, 500, 0, 3],
    [4, 3000, 4, 5],
    [5, 20000, 6, 3],
  ])('seed %i, %i rows of %i variables: each row counted once in the pattern of its WoE', (seed, n, k, levels) => {
    const { ds, vars } = book(seed, n, k, levels);
    const { x } = woeMatrix(ds, vars);
    const expected = new Map<string, [number, number]>();
    for (let i = 0; i < n; i++) {
      const key = Array.from(x.subarray(i * k, i * k + k)).join();
      const e = expected.get(key) ?? [0, 0];
      expected.set(key, [e[0] + 1, e[1] + ds.label[i]!]);
    }
    const p = woePatterns(ds, vars);
    const got = new Map<string, [number, number]>();
    for (let g = 0; g < p.patterns; g++) {
      const key = Array.from(p.x.subarray(g * k, g * k + k)).join();
      got.set(key, [(got.get(key)?.[0] ?? 0) + p.weight[g]!, (got.get(key)?.[1] ?? 0) + p.bads[g]!]);
    }
    // bins sharing a WoE make patterns that look alike: merged here, both counted
    expect(got).toEqual(expected);
    expect(p.weight.reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('numbers groups by first appearance, the same with the lookup array or the map', () => {
    const rng = new Rng(9);
    const n = 5000;
    const bins = [7, 3, 11].map((b) => ({ b, idx: Uint8Array.from({ length: n }, () => Math.floor(rng.next() * b)) }));
    const withArray = new Int32Array(n);
    const withMap = new Int32Array(n);
    let a = 1;
    let m = 1;
    for (const { b, idx } of bins) {
      a = refine(withArray, idx, a, b);
      m = refine(withMap, idx, m, b, 0);
    }
    expect(m).toBe(a);
    expect(withMap).toEqual(withArray);
    let seen = -1;
    for (const g of withArray) {
      expect(g).toBeLessThanOrEqual(seen + 1);
      seen = Math.max(seen, g);
    }
  });
});
