import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { networkInputs, networkProbability } from '../../../../models/nn/forward-pass.ts';
import type { NetworkArtifact, NetworkInput } from '../../../../models/nn/network.ts';

/** The forward pass spelled out: each unit bias + Σ input × weight over the inputs in order, zeros skipped. */
function reference(art: NetworkArtifact, ds: Dataset): Float64Array {
  const k = art.inputs.length;
  const x = networkInputs(art.inputs, ds);
  return Float64Array.from({ length: ds.n }, (_, i) => {
    let a = Array.from(x.subarray(i * k, (i + 1) * k));
    for (const layer of art.layers) {
      const out = layer.bias.slice();
      a.forEach((v, r) => {
        if (v !== 0) for (let c = 0; c < out.length; c++) out[c]! += v * layer.weights[r]![c]!;
      });
      a = out.map((z) => (layer.activation === 'relu' ? Math.max(z, 0) : 1 / (1 + Math.exp(-z))));
    }
    return a[0]!;
  });
}

function network(seed: number, n: number, hidden: number[]) {
  const rng = new Rng(seed);
  const numeric = (name: string, missing: number) => ({
    name,
    kind: 'numeric' as const,
    values: Float64Array.from({ length: n }, () => (rng.chance(missing) ? Number.NaN : rng.normal() * 1000)),
  });
  const ds: Dataset = {
    n,
    columns: [
      numeric('amount', 0.2),
      numeric('days', 0.5),
      {
        name: 'region',
        kind: 'categorical',
        codes: Int32Array.from({ length: n }, () => rng.int(-1, 2)),
        levels: ['n', 's', 'w'],
      },
    ],
    label: new Uint8Array(n),
    period: [],
    ids: [],
  };
  const range = (lo: number | null, hi: number | null, woe: number) => ({
    rule: { type: 'range' as const, lo, hi },
    count: 1,
    bad: 0,
    woe,
  });
  const inputs: NetworkInput[] = [
    { type: 'slog', feature: 'amount', mean: 2, sd: 3 },
    {
      type: 'woe',
      feature: 'days',
      bins: {
        feature: 'days',
        kind: 'numeric',
        bins: [range(null, 0, 0.4), range(0, null, 0), { rule: { type: 'missing' }, count: 1, bad: 0, woe: -0.7 }],
        iv: 1,
        fallback: 0,
        totalBad: 1,
        totalGood: 1,
      },
    },
    { type: 'slog', feature: 'days', mean: -1, sd: 2 },
    {
      type: 'woe',
      feature: 'region',
      bins: {
        feature: 'region',
        kind: 'categorical',
        bins: [
          { rule: { type: 'categories', values: ['n', 's'] }, count: 1, bad: 0, woe: 0.3 },
          { rule: { type: 'categories', values: ['w'] }, count: 1, bad: 0, woe: -0.2 },
          { rule: { type: 'missing' }, count: 1, bad: 0, woe: 0.9 },
        ],
        iv: 1,
        fallback: 0,
        totalBad: 1,
        totalGood: 1,
      },
    },
  ];
  let width = inputs.length;
  const layers = [...hidden, 1].map((units, l) => {
    const layer = {
      weights: Array.from({ length: width }, () =>
        Array.from({ length: units }, () => (rng.chance(0.1) ? 0 : rng.normal())),
      ),
      bias: Array.from({ length: units }, () => rng.normal() * 0.1),
      activation: l === hidden.length ? ('sigmoid' as const) : ('relu' as const),
    };
    width = units;
    return layer;
  });
  const art = {
    kind: 'network',
    inputs,
    layers,
    gradeEdges: [],
    baseline: { scoreEdges: [], scoreCounts: [] },
  } as unknown as NetworkArtifact;
  return { art, ds };
}

describe('networkProbability', () => {
  it.each([
    [1, 0, [8]],
    [2, 1, [3]],
    [3, 1023, [32, 16]],
    [4, 2049, [7, 5, 9]],
    [5, 5000, [32, 16]],
  ])('seed %i, %i rows, hidden %j: the same floats as the forward pass spelled out', (seed, n, hidden) => {
    const { art, ds } = network(seed, n, hidden);
    expect(networkProbability(art, ds)).toEqual(reference(art, ds));
  });
});
