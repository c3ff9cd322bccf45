import { describe, expect, it } from 'vitest';
import { growTree, type GbmOptions, type GbmTree } from '../../../../models/gbm/gbm.ts';
import { Rng } from '../../../../lib/random.ts';

const MISSING = 255;

/** The plain way: every node's histograms summed over its own rows (what histogram subtraction must equal). */
function plainTree(
  codes: Uint8Array[],
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array,
  o: GbmOptions,
  allowed: Uint8Array,
) {
  const t: GbmTree = { feature: [], bin: [], missingLeft: [], left: [], right: [], value: [] };
  const grow = (idx: number[], depth: number): number => {
    const node = t.value.length;
    let G = 0,
      H = 0;
    for (const i of idx) {
      G += g[i]!;
      H += h[i]!;
    }
    t.feature.push(-1);
    t.bin.push(0);
    t.missingLeft.push(false);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(-G / (H + o.lambda));
    if (depth >= o.maxDepth || idx.length < 2) return node;
    const parent = (G * G) / (H + o.lambda);
    let best = { gain: 1e-9, f: -1, bin: 0, missingLeft: false };
    codes.forEach((c, f) => {
      if (!allowed[f]) return;
      const hg = new Float64Array(256);
      const hh = new Float64Array(256);
      for (const i of idx) {
        hg[c[i]!]! += g[i]!;
        hh[c[i]!]! += h[i]!;
      }
      let lg = 0,
        lh = 0;
      for (let b = 0; b < MISSING - 1; b++) {
        lg += hg[b]!;
        lh += hh[b]!;
        if (hg[b] === 0 && hh[b] === 0) continue;
        for (const ml of [false, true]) {
          const LG = lg + (ml ? hg[MISSING]! : 0),
            LH = lh + (ml ? hh[MISSING]! : 0);
          if (LH < o.minChildHess || H - LH < o.minChildHess) continue;
          const gain = (LG * LG) / (LH + o.lambda) + ((G - LG) * (G - LG)) / (H - LH + o.lambda) - parent;
          if (gain > best.gain) best = { gain, f, bin: b, missingLeft: ml };
        }
      }
    });
    if (best.f < 0) return node;
    const c = codes[best.f]!;
    // no missing value of the feature here: one would go to the child of the higher value (the riskier)
    if (!idx.some((i) => c[i] === MISSING)) {
      let LG = 0,
        LH = 0;
      for (const i of idx)
        if (c[i]! <= best.bin) {
          LG += g[i]!;
          LH += h[i]!;
        }
      best.missingLeft = -LG / (LH + o.lambda) > -(G - LG) / (H - LH + o.lambda);
    }
    const left = (i: number) => (c[i] === MISSING ? best.missingLeft : c[i]! <= best.bin);
    t.feature[node] = best.f;
    t.bin[node] = best.bin;
    t.missingLeft[node] = best.missingLeft;
    t.left[node] = grow(
      idx.filter((i) => left(i)),
      depth + 1,
    );
    t.right[node] = grow(
      idx.filter((i) => !left(i)),
      depth + 1,
    );
    return node;
  };
  grow([...rows], 0);
  return t;
}

/** the same tree: nodes in the same order, the same splits, leaf values equal to float rounding */
function expectSameTree(a: GbmTree, b: GbmTree) {
  const shape = (t: GbmTree) =>
    t.feature.map((f, n) => [f, f < 0 ? 0 : t.bin[n], f < 0 ? false : t.missingLeft[n], t.left[n], t.right[n]]);
  expect(shape(a)).toEqual(shape(b));
  a.value.forEach((v, n) => {
    expect(v).toBeCloseTo(b.value[n]!, 9);
  });
}

describe('growing a tree with histogram subtraction', () => {
  it('grows the tree that summing every node would, on data with missing codes, few and many bins, and a feature subset', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const rng = new Rng(seed);
      const n = rng.int(200, 3000);
      const bins = [rng.int(2, 8), 64, rng.int(10, 40), 3];
      const codes = bins.map((k) =>
        Uint8Array.from({ length: n }, () => (rng.chance(0.1) ? MISSING : rng.int(0, k - 1))),
      );
      const g = Float64Array.from({ length: n }, (_, i) => rng.uniform(-1, 1) + (codes[0]![i]! % 3) * 0.3);
      const h = Float64Array.from({ length: n }, () => rng.uniform(0.05, 0.25));
      const rows = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.chance(0.8));
      const o: GbmOptions = {
        rounds: 1,
        maxDepth: rng.int(1, 6),
        learningRate: 0.1,
        lambda: 1,
        minChildHess: rng.chance(0.5) ? 1 : 5,
        maxBins: 64,
        patience: 1,
        maxRows: n,
        seed,
      };
      const allowed = Uint8Array.from(bins, () => (rng.chance(0.75) ? 1 : 0));
      if (!allowed.includes(1)) allowed[1] = 1;
      const fast = growTree(codes, rows, g, h, o, allowed);
      expect(fast.value.length).toBeGreaterThan(1);
      expectSameTree(fast, plainTree(codes, rows, g, h, o, allowed));
    }
  });
});
