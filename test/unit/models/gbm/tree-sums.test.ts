import { describe, expect, it } from 'vitest';
import { treeLeaf, type GbmTree } from '../../../../models/gbm/gbm.ts';
import { treeProbabilities } from '../../../../models/gbm/tree-sums.ts';
import { Rng } from '../../../../lib/random.ts';

/** a random tree of up to `depth` levels over `nf` features */
function randomTree(rng: Rng, nf: number, depth: number): GbmTree {
  const t: GbmTree = { feature: [], bin: [], missingLeft: [], left: [], right: [], value: [] };
  const node = (d: number): number => {
    const n = t.value.length;
    const leaf = d >= depth || rng.chance(0.2);
    t.feature.push(leaf ? -1 : rng.int(0, nf - 1));
    t.bin.push(leaf ? 0 : rng.int(0, 62));
    t.missingLeft.push(rng.chance(0.5));
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(rng.normal() * 0.05);
    if (!leaf) {
      t.left[n] = node(d + 1);
      t.right[n] = node(d + 1);
    }
    return n;
  };
  node(0);
  return t;
}

describe('the trees summed for many rows', () => {
  it('gives every row the floats of summing its leaves one tree after another, on one thread and on two', () => {
    const rng = new Rng(5);
    const nf = 9;
    for (const [n, trees] of [
      [1_000, 30],
      [70_001, 320],
    ] as const) {
      const byRow = Uint8Array.from({ length: n * nf }, () => (rng.chance(0.07) ? 255 : rng.int(0, 63)));
      const forest = Array.from({ length: trees }, () => randomTree(rng, nf, rng.int(1, 5)));
      const base = -2.1;
      const reference = Float64Array.from({ length: n }, (_, i) => {
        let z = base;
        for (const t of forest) z += t.value[treeLeaf(t, byRow, nf, i)]!;
        return 1 / (1 + Math.exp(-z));
      });
      expect(Array.from(treeProbabilities(forest, base, byRow, nf, n, 1))).toEqual(Array.from(reference));
      expect(Array.from(treeProbabilities(forest, base, byRow, nf, n, 2))).toEqual(Array.from(reference));
    }
  });

  it('sums a forest that grew since it was last summed (a training adds trees to the same array) with every tree', () => {
    const rng = new Rng(8);
    const nf = 5;
    const n = 300;
    const byRow = Uint8Array.from({ length: n * nf }, () => (rng.chance(0.1) ? 255 : rng.int(0, 63)));
    const forest: GbmTree[] = [];
    for (let round = 0; round < 6; round++) {
      forest.push(randomTree(rng, nf, rng.int(1, 4 + (round % 2))));
      const reference = Float64Array.from({ length: n }, (_, i) => {
        let z = 0.3;
        for (const t of forest) z += t.value[treeLeaf(t, byRow, nf, i)]!;
        return 1 / (1 + Math.exp(-z));
      });
      // twice each time: the second reads the trees kept flat by the first
      for (let k = 0; k < 2; k++)
        expect(Array.from(treeProbabilities(forest, 0.3, byRow, nf, n, 1))).toEqual(Array.from(reference));
    }
  });

  it('sums trees that are single leaves (no split anywhere: depth 0)', () => {
    const leaf = (v: number): GbmTree => ({
      feature: [-1],
      bin: [0],
      missingLeft: [false],
      left: [-1],
      right: [-1],
      value: [v],
    });
    const p = treeProbabilities([leaf(0.25), leaf(-0.5)], 0.1, new Uint8Array(3 * 2), 2, 3, 1);
    expect(Array.from(p)).toEqual([1, 2, 3].map(() => 1 / (1 + Math.exp(-(0.1 + 0.25 - 0.5)))));
  });
});
