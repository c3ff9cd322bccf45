import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The two sums a boosting round spends its time in — the gradients of every fitted row and a
 * node's gradient histograms — each done in two fixed halves: the second half on a worker thread
 * when the machine has a second core, on the calling thread otherwise. A histogram is the first
 * half's sums plus the second's, in that order, whichever thread summed them, so a model trained
 * on one core equals the model trained on two (the gradients are per row and do not depend on the
 * split at all).
 *
 * A histogram of `nf` features × 256 bins holds a bin's gradient, hessian and row count side by
 * side (one cache line per update, not three); the count so that a bin emptied by the subtraction
 * is empty, not a rounding residue.
 */
export const HISTOGRAM_BINS = 256;

/** below this many rows a node is summed in one piece: waking the worker would cost more than it saves */
const SPLIT_ROWS = 16_384;
/** a worker that has not answered in this long is given up on, and its half summed here */
const WORKER_WAIT_MS = 60_000;

/**
 * The histogram sum. Eight rows at a time, feature by feature: their updates are independent, so
 * the processor overlaps them (40 % less time than row after row at the root, 4 rows at a time 30 %);
 * a bin still receives its rows in order, so the floats are the same. Self-contained (no outer
 * names): the worker runs this function's own source.
 */
export function sumHistogram(
  order: Int32Array,
  lo: number,
  hi: number,
  g: Float64Array,
  h: Float64Array,
  byRow: Uint8Array,
  nf: number,
  features: Int32Array,
  into: Float64Array,
): void {
  into.fill(0);
  const nFeatures = features.length;
  let k = lo;
  for (; k + 7 < hi; k += 8) {
    const i0 = order[k + 0]!;
    const i1 = order[k + 1]!;
    const i2 = order[k + 2]!;
    const i3 = order[k + 3]!;
    const i4 = order[k + 4]!;
    const i5 = order[k + 5]!;
    const i6 = order[k + 6]!;
    const i7 = order[k + 7]!;
    const g0 = g[i0]!;
    const h0 = h[i0]!;
    const g1 = g[i1]!;
    const h1 = h[i1]!;
    const g2 = g[i2]!;
    const h2 = h[i2]!;
    const g3 = g[i3]!;
    const h3 = h[i3]!;
    const g4 = g[i4]!;
    const h4 = h[i4]!;
    const g5 = g[i5]!;
    const h5 = h[i5]!;
    const g6 = g[i6]!;
    const h6 = h[i6]!;
    const g7 = g[i7]!;
    const h7 = h[i7]!;
    const r0 = i0 * nf;
    const r1 = i1 * nf;
    const r2 = i2 * nf;
    const r3 = i3 * nf;
    const r4 = i4 * nf;
    const r5 = i5 * nf;
    const r6 = i6 * nf;
    const r7 = i7 * nf;
    for (let j = 0; j < nFeatures; j++) {
      const f = features[j]!;
      const base = f * 256;
      let b = (base + byRow[r0 + f]!) * 3;
      into[b]! += g0;
      into[b + 1]! += h0;
      into[b + 2]!++;
      b = (base + byRow[r1 + f]!) * 3;
      into[b]! += g1;
      into[b + 1]! += h1;
      into[b + 2]!++;
      b = (base + byRow[r2 + f]!) * 3;
      into[b]! += g2;
      into[b + 1]! += h2;
      into[b + 2]!++;
      b = (base + byRow[r3 + f]!) * 3;
      into[b]! += g3;
      into[b + 1]! += h3;
      into[b + 2]!++;
      b = (base + byRow[r4 + f]!) * 3;
      into[b]! += g4;
      into[b + 1]! += h4;
      into[b + 2]!++;
      b = (base + byRow[r5 + f]!) * 3;
      into[b]! += g5;
      into[b + 1]! += h5;
      into[b + 2]!++;
      b = (base + byRow[r6 + f]!) * 3;
      into[b]! += g6;
      into[b + 1]! += h6;
      into[b + 2]!++;
      b = (base + byRow[r7 + f]!) * 3;
      into[b]! += g7;
      into[b + 1]! += h7;
      into[b + 2]!++;
    }
  }
  for (; k < hi; k++) {
    const i = order[k]!;
    const gi = g[i]!;
    const hi_ = h[i]!;
    const row = i * nf;
    for (let j = 0; j < nFeatures; j++) {
      const f = features[j]!;
      const b = (f * 256 + byRow[row + f]!) * 3;
      into[b]! += gi;
      into[b + 1]! += hi_;
      into[b + 2]!++;
    }
  }
}

/** Logistic-loss gradient and hessian of rows[lo, hi). Self-contained, as sumHistogram. */
export function sumGradients(
  rows: Int32Array,
  lo: number,
  hi: number,
  z: Float64Array,
  label: Uint8Array,
  g: Float64Array,
  h: Float64Array,
): void {
  for (let k = lo; k < hi; k++) {
    const i = rows[k]!;
    const p = 1 / (1 + Math.exp(-z[i]!));
    g[i] = p - label[i]!;
    h[i] = Math.max(p * (1 - p), 1e-12);
  }
}

/**
 * Rows rows[lo, hi) split by codes `c` (255 missing): those going left (code ≤ bin, or missing when
 * `missingLeft` is 1) written from leftOut[leftAt] on, those going right from rightOut[rightAt] on,
 * each in their order; returns how many went left. `leftOut` may be `rows` with leftAt ≤ lo (in
 * place). Written to both, kept in one: a random split mispredicts half its branches (40 % slower).
 * Self-contained, as sumHistogram.
 */
export function splitRows(
  rows: Int32Array,
  lo: number,
  hi: number,
  c: Uint8Array,
  bin: number,
  missingLeft: number,
  leftOut: Int32Array,
  leftAt: number,
  rightOut: Int32Array,
  rightAt: number,
): number {
  let a = leftAt,
    z = rightAt;
  for (let k = lo; k < hi; k++) {
    const i = rows[k]!;
    const code = c[i]!;
    // right: a code above the bin (missing, 255, is above any), unless missing goes left
    const right = ((bin - code) >>> 31) ^ (((code + 1) >> 8) & missingLeft);
    leftOut[a] = i;
    rightOut[z] = i;
    a += 1 - right;
    z += right;
  }
  return a - leftAt;
}

/** The summed log-loss of rows[lo, hi) at margins z, in their order. Self-contained, as sumHistogram. */
export function sumLogLoss(rows: Int32Array, lo: number, hi: number, z: Float64Array, label: Uint8Array): number {
  let s = 0;
  for (let k = lo; k < hi; k++) {
    const i = rows[k]!;
    const p = 1 / (1 + Math.exp(-z[i]!));
    s -= label[i] ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
  }
  return s;
}

/** What a training shares with its worker, each array in shared memory (see the `shared…` helpers). */
export interface TrainingArrays {
  /** the rows of the tree being grown, in the order its nodes partition them */
  order: Int32Array;
  /** the fitted rows, whose gradients are computed each round */
  fitted: Int32Array;
  label: Uint8Array;
  z: Float64Array;
  g: Float64Array;
  h: Float64Array;
  byRow: Uint8Array;
  nf: number;
  /** the codes feature by feature: given, the worker partitions part of each node's rows */
  columns?: Uint8Array[];
  /** the early-stopping rows, whose log-loss the worker sums */
  validation?: Int32Array;
}

export interface TrainingThreads {
  arrays: TrainingArrays;
  /** the histograms of order[lo, hi) over `features` into `into` (length nf × 256 × 3) */
  histogram(lo: number, hi: number, features: Int32Array, into: Float64Array): void;
  /** g and h of every fitted row from the margins z */
  gradients(): void;
  /**
   * starts summing the validation rows' mean log-loss at the margins z (on the worker, so this
   * thread can go on with other work); the returned function waits for it
   */
  validationLoss(): () => number;
  /**
   * order[lo, hi) and passengers[plo, phi) each stably partitioned by a split of codes `c` (feature
   * `feature`): the rows going left, then those going right, each in their order. Returns where the
   * right rows and the right passengers start. The worker splits part of the rows while this
   * thread splits the rest and the passengers.
   */
  partition(
    lo: number,
    hi: number,
    passengers: Int32Array,
    plo: number,
    phi: number,
    feature: number,
    c: Uint8Array,
    bin: number,
    missingLeft: boolean,
  ): [number, number];
  close(): void;
}

export const sharedFloat64 = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));
export const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));
export const sharedUint8 = (n: number) => new Uint8Array(new SharedArrayBuffer(n));

// control words: 0 job number (bumped by the caller), 1 jobs done (set by the worker), 2 lo, 3 hi,
// 4 feature count (or the split's feature), 5 job kind (0 histogram, 1 gradients, 2 stop,
// 3 partition, 4 validation loss), 6 the split's bin, 7 missing goes left, 8 rows gone left,
// 9 the job failed (1: this thread does it; every job's part can be done again from its inputs)
const workerSource = (histogram: string, gradients: string, split: string, loss: string) => `
const { workerData } = require('node:worker_threads');
const sumHistogram = ${histogram};
const sumGradients = ${gradients};
const splitRows = ${split};
const sumLogLoss = ${loss};
const { control, features, out, order, fitted, label, z, g, h, byRow, nf, columns, validation, spareLeft, spareRight } = workerData;
let seen = 0;
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  const kind = control[5];
  if (kind === 2) break;
  control[9] = 0;
  try {
    if (kind === 0) sumHistogram(order, control[2], control[3], g, h, byRow, nf, features.subarray(0, control[4]), out);
    else if (kind === 4) out[0] = sumLogLoss(validation, control[2], control[3], z, label);
    else if (kind === 3)
      control[8] = splitRows(order, control[2], control[3], columns[control[4]], control[6], control[7], spareLeft, control[2], spareRight, control[2]);
    else sumGradients(fitted, control[2], control[3], z, label, g, h);
  } catch {
    control[9] = 1;
  }
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}
`;

interface Helper {
  worker: Worker;
  control: Int32Array;
  features: Int32Array;
  out: Float64Array;
  job: number;
}

/**
 * The threads of one training. `threads` 2 starts one worker (the default when the machine has a
 * second core), 1 does both halves here.
 */
export function trainingThreads(
  arrays: TrainingArrays,
  threads = Math.min(2, availableParallelism()),
): TrainingThreads {
  const { order, fitted, label, z, g, h, byRow, nf, columns } = arrays;
  const size = nf * HISTOGRAM_BINS * 3;
  const secondHalf = new Float64Array(size);
  // a split's rows going right (this thread's part from lo, the worker's from its own start), and
  // the worker's going left: the worker never writes the row order, so a part it did not finish is
  // split here again from the same rows
  const spareLeft = sharedInt32(order.length);
  const spareRight = sharedInt32(order.length);
  let passengerSpare = new Int32Array(0);
  let helper: Helper | null = null;
  if (threads > 1) {
    const control = sharedInt32(10);
    const features = sharedInt32(nf);
    const out = sharedFloat64(size);
    const worker = new Worker(
      workerSource(sumHistogram.toString(), sumGradients.toString(), splitRows.toString(), sumLogLoss.toString()),
      {
        eval: true,
        workerData: { control, features, out, spareLeft, spareRight, ...arrays },
      },
    );
    // a training never waits for its worker to exit; a worker that fails is replaced by this thread
    worker.unref();
    worker.on('error', () => {
      helper = null;
    });
    helper = { worker, control, features, out, job: 0 };
  }
  /** hands [lo, hi) to the worker; the returned function waits for it (false: do the half here) */
  const start = (kind: 0 | 1 | 3 | 4, lo: number, hi: number, features?: Int32Array): (() => boolean) => {
    const w = helper;
    if (!w) return () => false;
    if (features) {
      w.features.set(features);
      w.control[4] = features.length;
    }
    w.control[2] = lo;
    w.control[3] = hi;
    w.control[5] = kind;
    const job = ++w.job;
    Atomics.store(w.control, 0, job);
    Atomics.notify(w.control, 0);
    return () => {
      const deadline = Date.now() + WORKER_WAIT_MS;
      while (Atomics.load(w.control, 1) !== job) {
        if (Date.now() > deadline) {
          helper = null;
          void w.worker.terminate();
          return false;
        }
        Atomics.wait(w.control, 1, job - 1, 1_000);
      }
      if (w.control[9] === 0) return true;
      // a job that threw would throw again: the rest of the training runs on this thread
      helper = null;
      void w.worker.terminate();
      return false;
    };
  };
  return {
    arrays,
    histogram(lo, hi, features, into) {
      if (hi - lo < SPLIT_ROWS) {
        sumHistogram(order, lo, hi, g, h, byRow, nf, features, into);
        return;
      }
      const mid = lo + ((hi - lo) >> 1);
      const done = start(0, mid, hi, features);
      sumHistogram(order, lo, mid, g, h, byRow, nf, features, into);
      let second = helper?.out ?? secondHalf;
      // a half the worker did not do is summed here: the same floats, only later
      if (!done()) sumHistogram(order, mid, hi, g, h, byRow, nf, features, (second = secondHalf));
      for (let k = 0; k < size; k++) into[k]! += second[k]!;
    },
    partition(lo, hi, passengers, plo, phi, feature, c, bin, missingLeft) {
      const ml = missingLeft ? 1 : 0;
      // the worker's part of the rows about equals this thread's rest and the passengers
      const w = helper;
      const cut =
        w && columns && hi - lo >= SPLIT_ROWS ? Math.max(lo, hi - Math.round((hi - lo + (phi - plo)) / 2)) : hi;
      let done = () => false;
      if (w && cut < hi) {
        w.control[4] = feature;
        w.control[6] = bin;
        w.control[7] = ml;
        done = start(3, cut, hi);
      }
      const left = splitRows(order, lo, cut, c, bin, ml, order, lo, spareRight, lo);
      if (passengerSpare.length < phi - plo) passengerSpare = new Int32Array(passengers.length);
      const passengersLeft = splitRows(passengers, plo, phi, c, bin, ml, passengers, plo, passengerSpare, 0);
      passengers.set(passengerSpare.subarray(0, phi - plo - passengersLeft), plo + passengersLeft);
      const worked = cut < hi && done();
      const workerLeft =
        cut === hi
          ? 0
          : worked
            ? w!.control[8]!
            : splitRows(order, cut, hi, c, bin, ml, spareLeft, cut, spareRight, cut);
      // left: this part's (in place), the worker's; right: this part's, the worker's
      const right = cut - lo - left;
      order.set(spareLeft.subarray(cut, cut + workerLeft), lo + left);
      order.set(spareRight.subarray(lo, lo + right), lo + left + workerLeft);
      order.set(spareRight.subarray(cut, cut + (hi - cut - workerLeft)), lo + left + workerLeft + right);
      return [lo + left + workerLeft, plo + passengersLeft];
    },
    validationLoss() {
      const rows = arrays.validation ?? new Int32Array(0);
      const mean = (sum: number) => sum / Math.max(1, rows.length);
      const w = helper;
      const done = start(4, 0, rows.length);
      // one sum in the rows' order, whichever thread adds it up: the same float
      return () => mean(done() ? w!.out[0]! : sumLogLoss(rows, 0, rows.length, z, label));
    },
    gradients() {
      const mid = fitted.length >> 1;
      const done = start(1, mid, fitted.length);
      sumGradients(fitted, 0, mid, z, label, g, h);
      if (!done()) sumGradients(fitted, mid, fitted.length, z, label, g, h);
    },
    close() {
      const w = helper;
      if (!w) return;
      w.control[5] = 2;
      Atomics.store(w.control, 0, ++w.job);
      Atomics.notify(w.control, 0);
      helper = null;
    },
  };
}
