import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GbmTree } from './gbm.ts';
import { sharedFloat64, sharedInt32, sharedUint8 } from './training-worker.ts';

/**
 * The trees' probabilities for many rows: every row's margin is the base plus each tree's leaf, in
 * the trees' order, then σ. A training reads them three times over a million rows and hundreds of
 * trees (the baseline, the calibration's held-back rows, the test part), so a large batch is cut
 * in two halves and the second is summed on a worker thread: per row, so the halves give exactly
 * the floats one pass gives.
 */
export interface FlatTrees {
  /** node index of each tree's root in the arrays below */
  roots: Int32Array;
  /** split feature (-1 at a leaf), threshold bin, missing-goes-left, children (global node indices), value */
  feature: Int32Array;
  bin: Int32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** below this many row × tree steps a batch is summed here: starting a worker takes tens of milliseconds */
const WORKER_STEPS = 20_000_000;
const WORKER_WAIT_MS = 120_000;

/** The trees as flat arrays in shared memory, so that a worker reads the same ones. */
export function flattenTrees(trees: GbmTree[]): FlatTrees {
  const nodes = trees.reduce((s, t) => s + t.value.length, 0);
  const f: FlatTrees = {
    roots: sharedInt32(trees.length),
    feature: sharedInt32(nodes),
    bin: sharedInt32(nodes),
    missingLeft: sharedUint8(nodes),
    left: sharedInt32(nodes),
    right: sharedInt32(nodes),
    value: sharedFloat64(nodes),
  };
  let at = 0;
  trees.forEach((t, k) => {
    f.roots[k] = at;
    t.value.forEach((v, n) => {
      f.feature[at + n] = t.feature[n]!;
      f.bin[at + n] = t.bin[n]!;
      f.missingLeft[at + n] = t.missingLeft[n] ? 1 : 0;
      f.left[at + n] = at + t.left[n]!;
      f.right[at + n] = at + t.right[n]!;
      f.value[at + n] = v;
    });
    at += t.value.length;
  });
  return f;
}

/**
 * out[i] = σ(base + Σ leaf values) for rows [lo, hi), codes read row by row (`nf` a row, 255
 * missing). Self-contained (no outer names): the worker runs this function's own source.
 */
export function sumTrees(
  byRow: Uint8Array,
  nf: number,
  lo: number,
  hi: number,
  base: number,
  t: FlatTrees,
  out: Float64Array,
): void {
  const { roots, feature, bin, missingLeft, left, right, value } = t;
  const nTrees = roots.length;
  for (let i = lo; i < hi; i++) {
    const row = i * nf;
    let z = base;
    for (let k = 0; k < nTrees; k++) {
      let n = roots[k]!;
      let f = feature[n]!;
      while (f >= 0) {
        const c = byRow[row + f]!;
        n = (c === 255 ? missingLeft[n] === 1 : c <= bin[n]!) ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      z += value[n]!;
    }
    out[i] = 1 / (1 + Math.exp(-z));
  }
}

const workerSource = (kernel: string) => `
const { workerData } = require('node:worker_threads');
const sumTrees = ${kernel};
const { byRow, nf, lo, hi, base, trees, out, done } = workerData;
let state = 1;
try { sumTrees(byRow, nf, lo, hi, base, trees, out); } catch { state = 2; }
Atomics.store(done, 0, state);
Atomics.notify(done, 0);
`;

/** The probabilities of `n` rows whose codes are `byRow` (rowMajorCodes of the model's encoding). */
export function treeProbabilities(
  trees: GbmTree[],
  base: number,
  byRow: Uint8Array,
  nf: number,
  n: number,
  threads = Math.min(2, availableParallelism()),
): Float64Array {
  if (threads < 2 || n * trees.length < WORKER_STEPS) {
    const out = new Float64Array(n);
    sumTrees(byRow, nf, 0, n, base, flattenTrees(trees), out);
    return out;
  }
  // the worker reads the codes where they are when they are already shared (the training's, gbmProbability's)
  let codes = byRow;
  if (!(byRow.buffer instanceof SharedArrayBuffer)) {
    codes = sharedUint8(byRow.length);
    codes.set(byRow);
  }
  const flat = flattenTrees(trees);
  const out = sharedFloat64(n);
  const done = sharedInt32(1);
  const mid = n >> 1;
  const worker = new Worker(workerSource(sumTrees.toString()), {
    eval: true,
    workerData: { byRow: codes, nf, lo: mid, hi: n, base, trees: flat, out, done },
  });
  worker.unref();
  worker.on('error', () => undefined);
  sumTrees(codes, nf, 0, mid, base, flat, out);
  const deadline = Date.now() + WORKER_WAIT_MS;
  while (Atomics.load(done, 0) === 0 && Date.now() < deadline) Atomics.wait(done, 0, 0, 1_000);
  // a worker that failed or did not answer leaves its half to this thread
  if (Atomics.load(done, 0) !== 1) {
    void worker.terminate();
    sumTrees(codes, nf, mid, n, base, flat, out);
  }
  return Float64Array.from(out);
}
