import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Column, Dataset } from '../../../../models/data/dataset.ts';
import { baselineCounts, featureBaseline, maxLevels } from '../../../../models/evaluate/feature-baseline.ts';
import { csiOf, largestCsi } from '../../../../models/evaluate/csi.ts';
import { psi } from '../../../../models/evaluate/metrics.ts';
import { trainModels } from '../../../../models/train.ts';
import { modelFeatures, type ModelArtifact } from '../../../../models/model-types.ts';

const numeric = (name: string, xs: number[]): Column => ({ name, kind: 'numeric', values: Float64Array.from(xs) });
const categorical = (name: string, xs: (string | null)[]): Column => {
  const levels = [...new Set(xs.filter((x): x is string => x !== null))];
  return {
    name,
    kind: 'categorical',
    levels,
    codes: Int32Array.from(xs, (x) => (x === null ? -1 : levels.indexOf(x))),
  };
};
const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);

describe('feature baselines (CSI bins of features without bins of their own)', () => {
  it.each([50, 1_000, 30_001])(
    '%i rows: ten decile ranges of about a tenth each, plus missing and special bins',
    (n) => {
      const rng = new Rng(n);
      const xs = Array.from({ length: n }, (_, i) =>
        i === 0 || i === n - 1 || i === n >> 1 ? Number.NaN : i % 17 === 0 ? -1 : rng.normal(),
      );
      const b = featureBaseline(numeric('x', xs), [-1]);
      if (b.kind !== 'numeric') throw new Error('numeric expected');
      expect(b.specials).toEqual([-1]);
      expect(b.edges.length).toBe(9);
      expect(b.counts.length).toBe(1 + 1 + 10);
      expect(sum(b.counts)).toBe(n);
      expect(b.counts[0]).toBe(3);
      expect(b.counts[1]).toBe(xs.filter((x) => x === -1).length);
      const regular = n - 3 - b.counts[1]!;
      for (const c of b.counts.slice(2)) expect(Math.abs(c - regular / 10)).toBeLessThanOrEqual(1);
      // the training rows themselves have no CSI; beyond the training range they fall in the end ranges
      expect(psi(b.counts, baselineCounts(b, numeric('x', xs)))).toBe(0);
      const far = baselineCounts(b, numeric('x', [-1e9, 1e9, Number.NaN, -1]));
      expect(far).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    },
  );

  it('a value held by most rows does not leave empty ranges; infinities and a column of one value stay valid', () => {
    const b = featureBaseline(
      numeric('x', [...new Array<number>(900).fill(0), ...Array.from({ length: 100 }, (_, i) => i + 1)]),
    );
    if (b.kind !== 'numeric') throw new Error('numeric expected');
    expect(b.edges).toEqual([...b.edges].sort((x, y) => x - y));
    expect(new Set(b.edges).size).toBe(b.edges.length);
    expect(b.counts.slice(1).every((c) => c > 0)).toBe(true);
    const inf = featureBaseline(
      numeric('x', [1, 2, 3, Infinity, Infinity, Infinity, Infinity, Infinity, Infinity, Infinity]),
    );
    expect(JSON.parse(JSON.stringify(inf))).toEqual(inf);
    const one = featureBaseline(numeric('x', [5, 5, 5]));
    expect(one.counts).toEqual([0, 3]);
  });

  it('categories: a bin per training category, missing, and other for unseen and rare ones', () => {
    const xs = ['a, b', 'a', 'b', null, 'a, b', ...Array.from({ length: maxLevels + 5 }, (_, i) => `c${i}`)];
    const b = featureBaseline(categorical('k', xs));
    if (b.kind !== 'categorical') throw new Error('categorical expected');
    expect(b.levels.length).toBe(maxLevels);
    expect(b.levels[0]).toBe('a, b');
    expect(sum(b.counts)).toBe(xs.length);
    expect(b.counts[0]).toBe(1);
    expect(b.counts.at(-1)).toBe(xs.length - 1 - sum(b.counts.slice(1, -1)));
    expect(baselineCounts(b, categorical('k', ['never seen', null, 'a, b']))).toEqual([
      1,
      1,
      ...new Array<number>(maxLevels - 1).fill(0),
      1,
    ]);
  });

  it('boosted trees get a CSI of every feature they read; a shifted feature has the largest', async () => {
    const rng = new Rng(3);
    const make = (n: number, shift: number): Dataset => {
      const x = Array.from({ length: n }, () => rng.normal() + shift);
      const z = Array.from({ length: n }, () => rng.normal());
      const k = Array.from({ length: n }, () => (rng.chance(0.3) ? 'p' : 'q'));
      return {
        n,
        columns: [numeric('x', x), numeric('z', z), categorical('k', k)],
        label: Uint8Array.from(x, (v) => (rng.chance(1 / (1 + Math.exp(1 - v))) ? 1 : 0)),
        period: new Array<string>(n).fill(''),
        ids: Array.from({ length: n }, (_, i) => String(i)),
      };
    };
    const train = make(3_000, 0);
    const [gbm, network] = await trainModels(train, make(1_000, 0), ['x', 'z', 'k'], 'test', {
      kinds: ['gbm', 'network'],
      seed: 1,
      gbm: { rounds: 10 },
      network: { epochs: 2 },
    });
    for (const m of [gbm!, network!]) {
      const later = make(2_000, 1);
      const csi = csiOf(m.artifact, m.artifact.featureBaselines ?? [], later);
      expect(Object.keys(csi).sort()).toEqual(modelFeatures(m.artifact).sort());
      if (m.kind === 'gbm') {
        expect(Object.keys(csi).sort()).toEqual(['k', 'x', 'z']);
        expect(largestCsi(csi)?.variable).toBe('x');
        expect(csi.x).toBeGreaterThan(0.25);
        expect(csi.z).toBeLessThan(0.1);
      }
    }
    // the artifact is stored as JSON: the baselines survive it
    expect((JSON.parse(JSON.stringify(gbm!.artifact)) as ModelArtifact).featureBaselines).toEqual(
      gbm!.artifact.featureBaselines,
    );
  });
});
