import { afterEach, describe, expect, it } from 'vitest';
import { growTree, rowMajorCodes, type GbmOptions } from '../../../../models/gbm/gbm.ts';
import {
  HISTOGRAM_BINS,
  sharedFloat64,
  sharedInt32,
  sharedUint8,
  sumHistogram,
  trainingThreads,
  type TrainingThreads,
} from '../../../../models/gbm/training-worker.ts';
import { Rng } from '../../../../lib/random.ts';

const MISSING = 255;
const open: TrainingThreads[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

/** A generated training's shared arrays: n rows, nf features, margins around the base rate. */
function arrays(seed: number, n: number, nf: number) {
  const rng = new Rng(seed);
  const codes = Array.from({ length: nf }, () => {
    const bins = rng.int(2, 64);
    return Uint8Array.from({ length: n }, () => (rng.chance(0.08) ? MISSING : rng.int(0, bins - 1)));
  });
  const byRow = rowMajorCodes(codes, sharedUint8(n * nf));
  // set, not map: a typed array's map returns an unshared copy
  const z = sharedFloat64(n);
  z.set(Float64Array.from({ length: n }, () => rng.normal() - 2));
  const label = sharedUint8(n);
  label.set(Uint8Array.from({ length: n }, () => (rng.chance(0.1) ? 1 : 0)));
  const fittedRows = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.chance(0.85));
  const fitted = sharedInt32(fittedRows.length);
  fitted.set(fittedRows);
  const order = sharedInt32(fittedRows.length);
  const columns = codes.map((c) => {
    const shared = sharedUint8(c.length);
    shared.set(c);
    return shared;
  });
  return {
    codes,
    rng,
    a: { order, fitted, label, z, g: sharedFloat64(n), h: sharedFloat64(n), byRow, nf, columns },
  };
}

const threads = (a: ReturnType<typeof arrays>['a'], n: 1 | 2) => {
  const t = trainingThreads(a, n);
  open.push(t);
  return t;
};

/** Each row's gradient and hessian added to its bin of each feature, row after row: the reference sum. */
function rowByRow(a: ReturnType<typeof arrays>['a'], lo: number, hi: number, features: Int32Array): Float64Array {
  const out = new Float64Array(a.nf * HISTOGRAM_BINS * 3);
  for (let k = lo; k < hi; k++) {
    const i = a.order[k]!;
    for (const f of features) {
      const b = (f * HISTOGRAM_BINS + a.byRow[i * a.nf + f]!) * 3;
      out[b]! += a.g[i]!;
      out[b + 1]! += a.h[i]!;
      out[b + 2]!++;
    }
  }
  return out;
}

describe('the histogram sum', () => {
  it('gives the floats of adding the rows one by one, for every length and start (eight rows at a time and the rest)', () => {
    const { a } = arrays(4, 3_000, 5);
    threads(a, 1).gradients();
    a.order.set(a.fitted);
    const into = new Float64Array(a.nf * HISTOGRAM_BINS * 3);
    for (const features of [Int32Array.from([0, 1, 2, 3, 4]), Int32Array.from([3, 1])])
      for (let lo = 0; lo < 6; lo++)
        for (const len of [0, 1, 3, 7, 8, 9, 15, 16, 17, 23, 1_000, 2_001]) {
          sumHistogram(a.order, lo, lo + len, a.g, a.h, a.byRow, a.nf, features, into);
          expect(Array.from(into)).toEqual(Array.from(rowByRow(a, lo, lo + len, features)));
        }
  });
});

describe('the validation loss', () => {
  it('is the mean log-loss of the validation rows in their order, the same float on one thread and on two', () => {
    for (const n of [0, 1, 5_000]) {
      const { a, rng } = arrays(6, 8_000, 3);
      const validation = sharedInt32(n);
      validation.set(Int32Array.from({ length: n }, () => rng.int(0, 7_999)).sort());
      const withRows = { ...a, validation };
      let expected = 0;
      for (const i of validation) {
        const p = 1 / (1 + Math.exp(-a.z[i]!));
        expected -= a.label[i] ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
      }
      expected /= Math.max(1, n);
      for (const count of [1, 2] as const) expect(threads(withRows, count).validationLoss()()).toBe(expected);
    }
  });
});

describe('a split’s partition', () => {
  it('puts the rows going left, then those going right, each in their order, on one thread and on two', () => {
    const { a, codes, rng } = arrays(5, 90_000, 4);
    const one = threads(a, 1);
    const two = threads(a, 2);
    for (let trial = 0; trial < 12; trial++) {
      const f = rng.int(0, 3);
      const bin = rng.int(0, 40);
      const missingLeft = rng.chance(0.5);
      const lo = rng.int(0, 5_000);
      const hi = rng.int(lo, a.fitted.length);
      const passengers = Int32Array.from({ length: rng.int(0, 40_000) }, () => rng.int(0, 89_999));
      const plo = rng.int(0, Math.floor(passengers.length / 3));
      const phi = rng.int(plo, passengers.length);
      const goesLeft = (i: number) => {
        const code = codes[f]![i]!;
        return code === MISSING ? missingLeft : code <= bin;
      };
      const expectRows = Array.from(a.fitted.subarray(lo, hi));
      const expectPassengers = Array.from(passengers.subarray(plo, phi));
      for (const t of [one, two]) {
        a.order.set(a.fitted);
        const ps = passengers.slice();
        const [mid, pmid] = t.partition(lo, hi, ps, plo, phi, f, codes[f]!, bin, missingLeft);
        const inOrder = Array.from(a.order.subarray(lo, hi));
        expect(inOrder).toEqual([...expectRows.filter(goesLeft), ...expectRows.filter((i) => !goesLeft(i))]);
        expect(mid - lo).toBe(expectRows.filter(goesLeft).length);
        expect(Array.from(ps.subarray(plo, phi))).toEqual([
          ...expectPassengers.filter(goesLeft),
          ...expectPassengers.filter((i) => !goesLeft(i)),
        ]);
        expect(pmid - plo).toBe(expectPassengers.filter(goesLeft).length);
        // nothing outside the ranges moves
        expect(Array.from(a.order.subarray(0, lo))).toEqual(Array.from(a.fitted.subarray(0, lo)));
        expect(Array.from(a.order.subarray(hi))).toEqual(Array.from(a.fitted.subarray(hi)));
        expect(Array.from(ps.subarray(0, plo))).toEqual(Array.from(passengers.subarray(0, plo)));
        expect(Array.from(ps.subarray(phi))).toEqual(Array.from(passengers.subarray(phi)));
      }
    }
  });
});

describe('a worker whose job fails', () => {
  it('leaves its part to this thread, which gives the same results, and is not asked again', () => {
    const { a, codes } = arrays(8, 60_000, 3);
    // the worker splits by its own copy of the codes: without one, its partition throws
    const broken = threads(
      { ...a, columns: [null as unknown as (typeof a.columns)[number], ...a.columns.slice(1)] },
      2,
    );
    const one = threads({ ...a }, 1);
    const features = Int32Array.from([0, 1, 2]);
    for (const t of [broken, broken, one]) {
      a.order.set(a.fitted);
      const passengers = Int32Array.from({ length: 100 }, (_, k) => k * 7);
      const [mid] = t.partition(0, a.fitted.length, passengers, 0, 100, 0, codes[0]!, 20, true);
      const left = Array.from(a.fitted).filter((i) => codes[0]![i]! <= 20 || codes[0]![i] === MISSING);
      expect(mid).toBe(left.length);
      expect(Array.from(a.order.subarray(0, mid))).toEqual(left);
      // later jobs are this thread's: the same histograms as one thread's
      const h2 = new Float64Array(3 * HISTOGRAM_BINS * 3);
      const h1 = new Float64Array(3 * HISTOGRAM_BINS * 3);
      t.histogram(0, a.fitted.length, features, h2);
      one.histogram(0, a.fitted.length, features, h1);
      expect(Array.from(h2)).toEqual(Array.from(h1));
    }
  });
});

describe('the boosting round on two threads', () => {
  it('sums the same gradients and the same histograms, float for float, on one thread and on two', () => {
    for (const [seed, n] of [
      [1, 20_000],
      [2, 70_001],
      [3, 41_234],
    ] as const) {
      const one = arrays(seed, n, 7);
      const two = arrays(seed, n, 7);
      threads(one.a, 1).gradients();
      const t2 = threads(two.a, 2);
      t2.gradients();
      expect(Array.from(two.a.g)).toEqual(Array.from(one.a.g));
      expect(Array.from(two.a.h)).toEqual(Array.from(one.a.h));
      // a histogram over the fitted rows, a feature subset, a part above and one below the split size
      for (const [lo, hi] of [
        [0, one.a.fitted.length],
        [5, 9_000],
        [1_000, Math.min(one.a.fitted.length, 40_000)],
      ] as const) {
        one.a.order.set(one.a.fitted);
        two.a.order.set(two.a.fitted);
        const features = Int32Array.from([0, 2, 3, 6]);
        const h1 = new Float64Array(7 * HISTOGRAM_BINS * 3);
        const h2 = new Float64Array(7 * HISTOGRAM_BINS * 3);
        threads(one.a, 1).histogram(lo, hi, features, h1);
        t2.histogram(lo, hi, features, h2);
        expect(Array.from(h2)).toEqual(Array.from(h1));
        // and each bin holds what summing the rows one by one gives, to float rounding
        const plain = new Float64Array(h1.length);
        sumHistogram(one.a.order, lo, hi, one.a.g, one.a.h, one.a.byRow, 7, features, plain);
        h1.forEach((v, k) => {
          expect(v).toBeCloseTo(plain[k]!, 9);
        });
      }
    }
  });

  it('grows the same tree on one thread and on two, and reports every leaf with its rows', () => {
    const o: GbmOptions = {
      rounds: 1,
      maxDepth: 5,
      learningRate: 0.1,
      lambda: 1,
      minChildHess: 1,
      maxBins: 64,
      patience: 1,
      maxRows: 1e6,
      seed: 1,
    };
    const one = arrays(9, 60_000, 6);
    const two = arrays(9, 60_000, 6);
    for (const s of [one, two]) {
      const t = threads(s.a, 1);
      t.gradients();
    }
    const allowed = Uint8Array.from([1, 1, 0, 1, 1, 1]);
    const rows = one.a.fitted;
    const leaves: [number, number, number][] = [];
    // rows the tree is not grown on (every row not fitted, and some fitted ones again) ride to their leaves
    const fitted = new Set(rows);
    const passengers = Int32Array.from({ length: 60_000 }, (_, i) => i).filter((i) => !fitted.has(i) || i % 7 === 0);
    const riders: [number, Int32Array][] = [];
    const t1 = growTree(one.codes, rows, one.a.g, one.a.h, o, allowed, one.a.byRow, threads(one.a, 1));
    const t2 = growTree(two.codes, rows, two.a.g, two.a.h, o, allowed, two.a.byRow, threads(two.a, 2), {
      passengers: passengers.slice(),
      onLeaf: (n, lo, hi, ps) => {
        leaves.push([n, lo, hi]);
        riders.push([n, ps.slice()]);
      },
    });
    expect(t2).toEqual(t1);
    expect(t1.feature.length).toBeGreaterThan(7);
    // the leaves cover the rows once each, and every row in a leaf's range walks down to that leaf
    expect(leaves.map(([n]) => n).sort((a, b) => a - b)).toEqual(t2.feature.flatMap((f, n) => (f < 0 ? [n] : [])));
    expect(leaves.reduce((s, [, lo, hi]) => s + hi - lo, 0)).toBe(rows.length);
    for (const [node, lo, hi] of leaves)
      for (let k = lo; k < hi; k++) {
        const i = two.a.order[k]!;
        let n = 0;
        while (t2.feature[n]! >= 0) {
          const c = two.codes[t2.feature[n]!]![i]!;
          n = (c === MISSING ? t2.missingLeft[n] : c <= t2.bin[n]!) ? t2.left[n]! : t2.right[n]!;
        }
        expect(n).toBe(node);
      }
    // each passenger in exactly one leaf, the one it walks down to
    expect(riders.flatMap(([, ps]) => Array.from(ps)).sort((a, b) => a - b)).toEqual(Array.from(passengers));
    for (const [node, ps] of riders)
      for (const i of ps) {
        let n = 0;
        while (t2.feature[n]! >= 0) {
          const c = two.codes[t2.feature[n]!]![i]!;
          n = (c === MISSING ? t2.missingLeft[n] : c <= t2.bin[n]!) ? t2.left[n]! : t2.right[n]!;
        }
        expect(n).toBe(node);
      }
  });
});
