import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GbmTree } from './gbm.ts';
import { keptPerArray } from '../../lib/kept-per-array.ts';
import { sharedFloat64, sharedInt32, sharedUint8 } from './training-worker.ts';

/**
 * The trees' probabilities for many rows: every row's margin is the base plus each tree's leaf, in
 * the trees' order, then σ. The card's test part (before and after calibration) and any large batch
 * scored in Node read them over hundreds of thousands of rows and hundreds of trees, so a large
 * batch is cut in two halves and the second is summed on a worker thread: per row, so the halves
 * give exactly the floats one pass gives.
 */
export interface FlatTrees {
  /**
   * every tree padded to this depth: a leaf above it sits below split nodes that always go left
   * (bin 255), so a row takes `depth` steps in every tree, with no branch on where it goes
   */
  depth: number;
  trees: number;
  /** per tree its 2^depth − 1 split nodes in breadth-first order (node n's children 2n + 1, 2n + 2) */
  feature: Int32Array;
  bin: Int32Array;
  /** 1: a missing code (255) goes left */
  missingLeft: Int32Array;
  /** per tree its 2^depth leaves, left to right */
  value: Float64Array;
}

/** below this many row × tree steps a batch is summed here: starting a worker takes tens of milliseconds */
const WORKER_STEPS = 20_000_000;
const WORKER_WAIT_MS = 120_000;

const depthOf = (t: GbmTree, n = 0): number =>
  t.feature[n]! < 0 ? 0 : 1 + Math.max(depthOf(t, t.left[n]), depthOf(t, t.right[n]));

// once per forest: a model scoring many small batches (the counterfactual search: a few hundred rows
// at a time) would otherwise flatten every tree for each
const flatTreesOf = keptPerArray(flattenTrees);

/** The trees as complete binary trees in flat arrays in shared memory, so that a worker reads the same ones. */
export function flattenTrees(trees: GbmTree[]): FlatTrees {
  const depth = trees.reduce((d, t) => Math.max(d, depthOf(t)), 0);
  const inner = 2 ** depth - 1;
  const f: FlatTrees = {
    depth,
    trees: trees.length,
    feature: sharedInt32(trees.length * inner),
    bin: sharedInt32(trees.length * inner),
    missingLeft: sharedInt32(trees.length * inner),
    value: sharedFloat64(trees.length * (inner + 1)),
  };
  trees.forEach((t, k) => {
    const place = (n: number, at: number, d: number): void => {
      if (d === depth) {
        f.value[k * (inner + 1) + at - inner] = t.value[n]!;
        return;
      }
      const j = k * inner + at;
      const leaf = t.feature[n]! < 0;
      f.feature[j] = leaf ? 0 : t.feature[n]!;
      f.bin[j] = leaf ? 255 : t.bin[n]!;
      f.missingLeft[j] = !leaf && t.missingLeft[n] ? 1 : 0;
      place(leaf ? n : t.left[n]!, 2 * at + 1, d + 1);
      place(leaf ? n : t.right[n]!, 2 * at + 2, d + 1);
    };
    place(0, 0, 0);
  });
  return f;
}

/**
 * z[i] += Σ the trees' leaf values, in the trees' order, for rows [lo, hi); codes read row by row
 * (`nf` a row, 255 missing). A step goes right when the code is above the bin, unless it is missing
 * and missing goes left — in integer arithmetic, so the next node is computed, not branched to
 * (1M rows × 50 trees: 1.14 s against 1.56 s for the walk that branched). Self-contained
 * (no outer names): the worker runs this function's own source.
 */
export function addTrees(t: FlatTrees, byRow: Uint8Array, nf: number, lo: number, hi: number, z: Float64Array): void {
  const { depth, feature, bin, missingLeft, value } = t;
  const inner = 2 ** depth - 1;
  for (let i = lo; i < hi; i++) {
    const row = i * nf;
    let sum = z[i]!;
    for (let tree = 0; tree < t.trees; tree++) {
      const splits = tree * inner;
      let n = 0;
      for (let d = 0; d < depth; d++) {
        const j = splits + n;
        const c = byRow[row + feature[j]!]!;
        n = 2 * n + 1 + (((bin[j]! - c) >>> 31) ^ (((c + 1) >> 8) & missingLeft[j]!));
      }
      sum += value[tree * (inner + 1) + n - inner]!;
    }
    z[i] = sum;
  }
}

/** out[i] = σ(base + Σ leaf values) for rows [lo, hi). Self-contained but for addTrees (the worker runs both). */
export function sumTrees(
  byRow: Uint8Array,
  nf: number,
  lo: number,
  hi: number,
  base: number,
  t: FlatTrees,
  out: Float64Array,
): void {
  out.fill(base, lo, hi);
  addTrees(t, byRow, nf, lo, hi, out);
  for (let i = lo; i < hi; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
}

const workerSource = (add: string, kernel: string) => `
const { workerData } = require('node:worker_threads');
const addTrees = ${add};
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
    sumTrees(byRow, nf, 0, n, base, flatTreesOf(trees), out);
    return out;
  }
  // the worker reads the codes where they are when they are already shared (the training's, gbmProbability's)
  let codes = byRow;
  if (!(byRow.buffer instanceof SharedArrayBuffer)) {
    codes = sharedUint8(byRow.length);
    codes.set(byRow);
  }
  const flat = flatTreesOf(trees);
  const out = sharedFloat64(n);
  const done = sharedInt32(1);
  const mid = n >> 1;
  const worker = new Worker(workerSource(addTrees.toString(), sumTrees.toString()), {
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
