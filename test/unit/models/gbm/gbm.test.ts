import { describe, expect, it } from 'vitest';
import {
  encode,
  gbmProbability,
  leafContributions,
  rowMajorCodes,
  scoreGbm,
  trainGbm,
  trainGbmWithMargins,
  treeLeaf,
} from '../../../../models/gbm/gbm.ts';
import { Rng } from '../../../../lib/random.ts';

/** Three features: `strong` drives the risk, `weak` a little, `noise` not at all. */
function data(seed: number, n = 4000) {
  const rng = new Rng(seed);
  const strong = new Float64Array(n);
  const weak = new Float64Array(n);
  const noise = new Float64Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    strong[i] = rng.uniform(0, 1);
    weak[i] = rng.uniform(0, 1);
    noise[i] = rng.uniform(0, 1);
    label[i] = rng.chance(1 / (1 + Math.exp(-(-3 + 4 * strong[i]! + 0.8 * weak[i]!)))) ? 1 : 0;
  }
  const columns = [
    { name: 'strong', kind: 'numeric' as const, values: strong },
    { name: 'weak', kind: 'numeric' as const, values: weak },
    { name: 'noise', kind: 'numeric' as const, values: noise },
  ];
  return { n, columns, label, period: Array.from({ length: n }, () => ''), ids: Array.from({ length: n }, String) };
}

const options = {
  rounds: 60,
  maxDepth: 3,
  learningRate: 0.1,
  lambda: 1,
  minChildHess: 1,
  maxBins: 32,
  patience: 20,
  maxRows: 100_000,
  seed: 1,
};

describe('reason codes of boosted trees', () => {
  const ds = data(7);
  const art = trainGbm(ds, ['strong', 'weak', 'noise'], options);

  it('attribute each row’s log-odds exactly: base + roots + contributions = the model’s log-odds', () => {
    const byRow = rowMajorCodes(encode(art, ds));
    const contributions = art.trees.map(leafContributions);
    const { probability } = scoreGbm(art, ds);
    for (let i = 0; i < ds.n; i += 37) {
      let total = art.base;
      art.trees.forEach((t, k) => {
        const leaf = treeLeaf(t, byRow, art.features.length, i);
        total += t.value[0]!;
        for (const c of contributions[k]!.values()) total += c[leaf]!;
      });
      expect(1 / (1 + Math.exp(-total))).toBeCloseTo(probability[i]!, 10);
    }
  });

  it('name the features that raised a row’s risk, the strongest first, never one that lowered it', () => {
    const { reasons, probability } = scoreGbm(art, ds);
    const high = [...probability.keys()].filter((i) => ds.columns[0]!.values[i]! > 0.9);
    const low = [...probability.keys()].filter((i) => ds.columns[0]!.values[i]! < 0.1);
    // a high `strong` value is the first reason of nearly every such row; a low one is never a reason
    expect(high.filter((i) => reasons[i]![0] === 'strong').length / high.length).toBeGreaterThan(0.95);
    expect(low.some((i) => reasons[i]!.includes('strong'))).toBe(false);
    expect(reasons.every((r) => r.length <= 3 && new Set(r).size === r.length)).toBe(true);
  });
});

describe('a forest scored again', () => {
  const ds = data(9);
  const art = trainGbm(ds, ['strong', 'weak', 'noise'], options);
  it('after trees were added to its array, scores as the same trees scored afresh (reasons and probabilities)', () => {
    const growing = { ...art, trees: art.trees.slice(0, 3) };
    expect(scoreGbm(growing, ds)).toEqual(scoreGbm({ ...art, trees: art.trees.slice(0, 3) }, ds));
    growing.trees.push(...art.trees.slice(3));
    expect(scoreGbm(growing, ds)).toEqual(scoreGbm({ ...art, trees: [...art.trees] }, ds));
    expect(Array.from(gbmProbability(growing, ds))).toEqual(Array.from(scoreGbm(art, ds).probability));
  });
});

describe('the margins a training hands over', () => {
  // rows held back (early stopping), rows sampled out (maxRows), and rounds after the best one dropped
  for (const [maxRows, patience] of [
    [100_000, 20],
    [1_500, 5],
    [900, 0],
  ] as const)
    it(`are the kept trees' log-odds of every row, the scorer's floats (maxRows ${maxRows}, patience ${patience})`, () => {
      const ds = data(11, 3000);
      const flags = Uint8Array.from({ length: ds.n }, (_, i) => (i % 5 === 0 ? 1 : 0));
      const { artifact, margins } = trainGbmWithMargins(
        ds,
        ['strong', 'weak', 'noise'],
        { ...options, rounds: 40, maxRows, patience, subsample: 0.7 },
        undefined,
        { flags, description: 'every fifth row' },
      );
      expect(artifact.trees.length).toBeLessThanOrEqual(artifact.training.rounds);
      const probability = gbmProbability(artifact, ds);
      expect(margins.length).toBe(ds.n);
      for (let i = 0; i < ds.n; i++) expect(1 / (1 + Math.exp(-margins[i]!))).toBe(probability[i]);
    });
});

describe('a value missing where training had none', () => {
  it('goes the riskier way at each split: risk rising or falling with the feature, a blank scores near its riskiest values', () => {
    for (const sign of [1, -1]) {
      const ds = data(13);
      // `strong` drives the risk up, or (mirrored) down: the riskiest values are at 1, or at 0
      if (sign < 0) ds.columns[0]!.values = ds.columns[0]!.values.map((v) => 1 - v);
      const art = trainGbm(ds, ['strong', 'weak', 'noise'], options);
      const rows = (strong: number) => ({
        n: 1,
        columns: [
          { name: 'strong', kind: 'numeric' as const, values: Float64Array.of(strong) },
          { name: 'weak', kind: 'numeric' as const, values: Float64Array.of(0.5) },
          { name: 'noise', kind: 'numeric' as const, values: Float64Array.of(0.5) },
        ],
        label: Uint8Array.of(0),
        period: [''],
        ids: ['1'],
      });
      const p = (strong: number) => scoreGbm(art, rows(strong)).probability[0]!;
      const riskiest = sign > 0 ? p(0.99) : p(0.01);
      expect(p(Number.NaN), `sign ${sign}`).toBeGreaterThan(p(0.5));
      expect(Math.abs(p(Number.NaN) - riskiest), `sign ${sign}`).toBeLessThan(0.1);
    }
  });
});
