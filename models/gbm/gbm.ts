import { Rng } from '../../lib/random.ts';
import { keptPerArray } from '../../lib/kept-per-array.ts';
import { column, indicesWhere, sortedPresent, type Dataset } from '../data/dataset.ts';
import { heldBackPart, type HeldBack } from '../data/split.ts';
import { auc } from '../evaluate/metrics.ts';
import {
  HISTOGRAM_BINS,
  sharedFloat64,
  sharedInt32,
  sharedUint8,
  trainingThreads,
  type TrainingThreads,
} from './training-worker.ts';
import { treeProbabilities } from './tree-sums.ts';
import {
  defaultGradeEdges,
  defaultScaling,
  gradeOf,
  pointsOf,
  type Scaling,
  type Scores,
} from '../scorecard/scorecard.ts';

/**
 * Gradient-boosted trees for the bad probability (logistic loss, second-order, histogram splits):
 * the "more models are welcome if they win" of SPEC §6. Numeric features are cut at up to 63
 * quantile edges with missing values routed by each split's learned default direction;
 * categories are ordered by training bad rate and split as ranges of that order (an unseen
 * category takes the riskiest end). Rows are sampled (seeded) for large data; each tree is grown on
 * a seeded share of the fitted rows and of the features (stochastic boosting); rounds stop early
 * when the validation log-loss has not improved for `patience` rounds.
 */
export interface GbmFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  edges: number[];
  levels: string[];
}
export interface GbmTree {
  feature: number[];
  bin: number[];
  missingLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
}
export interface GbmArtifact {
  kind: 'gbm';
  features: GbmFeature[];
  trees: GbmTree[];
  base: number;
  learningRate: number;
  gradeEdges: number[];
  /** points of its probability (train --points --odds --pdo); absent before 2026-12-07: the default scaling */
  scaling?: Scaling;
  training: { rounds: number; bestRound: number; validationLoss: number; seed: number };
  baseline: { scoreEdges: number[]; scoreCounts: number[] };
}
export interface GbmOptions {
  rounds: number;
  maxDepth: number;
  learningRate: number;
  lambda: number;
  minChildHess: number;
  maxBins: number;
  patience: number;
  maxRows: number;
  seed: number;
  /** share of the fitted rows each tree is grown on (stochastic boosting; 1: all) */
  subsample?: number;
  /** share of the features each tree may split on (1: all) */
  colsample?: number;
}
export const defaultGbmOptions: GbmOptions = {
  rounds: 400,
  maxDepth: 4,
  learningRate: 0.05,
  lambda: 1,
  minChildHess: 1,
  maxBins: 64,
  patience: 40,
  maxRows: 1_000_000,
  seed: 1,
  subsample: 0.8,
  colsample: 0.8,
};

const MISSING = 255;

function encodeFeature(
  ds: Dataset,
  name: string,
  maxBins: number,
  label?: Uint8Array,
): { f: GbmFeature; codes: Uint8Array } {
  const col = column(ds, name);
  // in shared memory: the training's worker partitions part of each node's rows by them
  const codes = sharedUint8(ds.n);
  if (col.kind === 'numeric') {
    const xs = sortedPresent(col.values);
    const edges: number[] = [];
    for (let k = 1; k < maxBins; k++) {
      const e = xs[Math.floor((k * xs.length) / maxBins)];
      if (e !== undefined && e > xs[0]! && (edges.length === 0 || e > edges[edges.length - 1]!)) edges.push(e);
    }
    const f: GbmFeature = { name, kind: 'numeric', edges, levels: [] };
    for (let i = 0; i < ds.n; i++) codes[i] = numericCode(f, col.values[i]!);
    return { f, codes };
  }
  const bad = new Float64Array(col.levels.length);
  const n = new Float64Array(col.levels.length);
  for (let i = 0; i < ds.n; i++) {
    const c = col.codes[i]!;
    if (c >= 0) {
      n[c]!++;
      bad[c]! += label ? label[i]! : 0;
    }
  }
  const levels = col.levels
    .map((l, c) => [l, n[c]! ? bad[c]! / n[c] : 0] as const)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxBins - 1)
    .map(([l]) => l);
  const f: GbmFeature = { name, kind: 'categorical', edges: [], levels };
  const byLevel = col.levels.map((l) => categoryCode(f, l));
  for (let i = 0; i < ds.n; i++) codes[i] = col.codes[i]! < 0 ? MISSING : byLevel[col.codes[i]!]!;
  return { f, codes };
}

/** How many edges are at or below x (the edges ascend): a binary search, once per row and feature. */
function numericCode(f: GbmFeature, x: number): number {
  if (Number.isNaN(x)) return MISSING;
  let lo = 0;
  let hi = f.edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x >= f.edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** An unseen category sits beyond the riskiest known one. */
const categoryCode = (f: GbmFeature, v: string) => {
  const k = f.levels.indexOf(v);
  return k < 0 ? f.levels.length : k;
};

export function encode(art: Pick<GbmArtifact, 'features'>, ds: Dataset): Uint8Array[] {
  return art.features.map((f) => {
    const col = column(ds, f.name);
    const codes = new Uint8Array(ds.n);
    if (col.kind === 'numeric') for (let i = 0; i < ds.n; i++) codes[i] = numericCode(f, col.values[i]!);
    else {
      const by = col.levels.map((l) => categoryCode(f, l));
      for (let i = 0; i < ds.n; i++) codes[i] = col.codes[i]! < 0 ? MISSING : by[col.codes[i]!]!;
    }
    return codes;
  });
}

/**
 * The codes row by row (row i's codes at i × features … i × features + features − 1): a histogram
 * pass then reads each row's codes, gradient and hessian once, where reading feature by feature
 * fetched the gradient and hessian of a scattered row once per feature.
 */
export function rowMajorCodes(
  codes: Uint8Array[],
  out: Uint8Array = new Uint8Array(codes.length * (codes[0]?.length ?? 0)),
): Uint8Array {
  const nf = codes.length;
  const n = codes[0]?.length ?? 0;
  for (let f = 0; f < nf; f++) {
    const c = codes[f]!;
    for (let i = 0; i < n; i++) out[i * nf + f] = c[i]!;
  }
  return out;
}

/** A training's histogram buffers, kept from one tree to the next (each tree used to allocate ~5 MB). */
const scratch = new WeakMap<TrainingThreads, { buffers: (readonly [Float64Array, Float64Array])[] }>();

/** two histogram buffers per depth (a node's children are built into its depth + 1 pair) */
function scratchOf(sums: TrainingThreads, histogramSize: number, maxDepth: number) {
  const kept = scratch.get(sums);
  if (kept && kept.buffers.length >= maxDepth + 2 && kept.buffers[0]![0].length === histogramSize) return kept;
  const made = {
    buffers: Array.from(
      { length: maxDepth + 2 },
      () => [new Float64Array(histogramSize), new Float64Array(histogramSize)] as const,
    ),
  };
  scratch.set(sums, made);
  return made;
}

/** Rows a tree is not grown on but whose leaf the caller needs, and where each leaf's rows are reported. */
export interface TreeLeaves {
  /**
   * partitioned in place alongside the grown rows (the unsampled and validation rows of a round):
   * a leaf's share is found by the splits' own partition, in place of walking each row down the tree
   */
  passengers?: Int32Array;
  /** each leaf with its rows, order[lo, hi) of `threads.arrays.order`, and its passengers */
  onLeaf: (node: number, lo: number, hi: number, passengers: Int32Array) => void;
}

/**
 * One tree, grown depth-first over `rows` (partitioned in place, one array for the whole tree).
 * Each node's gradient histograms come from its parent's: the smaller child's are summed over its
 * rows and the larger's are the parent's less those (LightGBM's subtraction), so a level costs a
 * pass over the smaller halves only. `byRow` is rowMajorCodes(codes) (made here when not given).
 */
export function growTree(
  codes: Uint8Array[],
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array,
  o: GbmOptions,
  allowed: Uint8Array,
  byRow: Uint8Array = rowMajorCodes(codes),
  threads?: TrainingThreads,
  leaves?: TreeLeaves,
): GbmTree {
  const t: GbmTree = { feature: [], bin: [], missingLeft: [], left: [], right: [], value: [] };
  const nf = codes.length;
  const B = HISTOGRAM_BINS;
  const features = Int32Array.from({ length: nf }, (_, f) => f).filter((f) => allowed[f] === 1);
  const sums =
    threads ??
    trainingThreads(
      // growing alone: the caller's gradients; `fitted`, `label` and `z` serve only gradients()
      { order: new Int32Array(rows.length), fitted: rows, label: new Uint8Array(0), z: g, g, h, byRow, nf },
      1,
    );
  const order = sums.arrays.order.subarray(0, rows.length);
  order.set(rows);
  const passengers = leaves?.passengers ?? new Int32Array(0);
  const { buffers } = scratchOf(sums, nf * B * 3, o.maxDepth);
  const onLeaf = (node: number, lo: number, hi: number, plo: number, phi: number) =>
    leaves?.onLeaf(node, lo, hi, passengers.subarray(plo, phi));
  type Histogram = Float64Array;
  const build = (lo: number, hi: number, into: Histogram) => {
    sums.histogram(lo, hi, features, into);
  };
  /**
   * A node of rows order[lo, hi) and passengers[plo, phi) whose gradient and hessian sums are G and H
   * (the root's from its histograms, a child's from its parent's split): a leaf, or split into two
   * children. A node at the last depth needs no histograms (`hist` null): its value is all there is
   * to know.
   */
  const grow = (
    lo: number,
    hi: number,
    plo: number,
    phi: number,
    depth: number,
    hist: Histogram | null,
    G: number,
    H: number,
  ): number => {
    const node = t.value.length;
    t.feature.push(-1);
    t.bin.push(0);
    t.missingLeft.push(false);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(-G / (H + o.lambda));
    if (depth >= o.maxDepth || hi - lo < 2 || !hist) {
      onLeaf(node, lo, hi, plo, phi);
      return node;
    }
    const parent = (G * G) / (H + o.lambda);
    let best = { gain: 1e-9, f: -1, bin: 0, missingLeft: false, leftG: 0, leftH: 0, seenMissing: false };
    for (let f = 0; f < nf; f++) {
      if (!allowed[f]) continue;
      const base = f * B;
      const m3 = (base + MISSING) * 3;
      const hasMissing = hist[m3 + 2]! > 0;
      const mg = hasMissing ? hist[m3]! : 0,
        mh = hasMissing ? hist[m3 + 1]! : 0;
      let lg = 0,
        lh = 0;
      for (let b = 0; b < MISSING - 1; b++) {
        const b3 = (base + b) * 3;
        if (hist[b3 + 2] === 0) continue;
        lg += hist[b3]!;
        lh += hist[b3 + 1]!;
        for (let m = 0; m < 2; m++) {
          const LG = lg + (m ? mg : 0),
            LH = lh + (m ? mh : 0);
          const RG = G - LG,
            RH = H - LH;
          if (LH < o.minChildHess || RH < o.minChildHess) continue;
          const gain = (LG * LG) / (LH + o.lambda) + (RG * RG) / (RH + o.lambda) - parent;
          if (gain > best.gain)
            best = { gain, f, bin: b, missingLeft: m === 1, leftG: LG, leftH: LH, seenMissing: hasMissing };
        }
      }
    }
    // a missing value this node never saw goes the riskier way (the child of the higher log-odds): sent
    // right, as the largest value, a blank age or duration lowered an applicant's risk by up to a grade
    if (best.f >= 0 && !best.seenMissing)
      best.missingLeft = -best.leftG / (best.leftH + o.lambda) > -(G - best.leftG) / (H - best.leftH + o.lambda);
    if (best.f < 0) {
      onLeaf(node, lo, hi, plo, phi);
      return node;
    }
    const { bin, missingLeft } = best;
    const [mid, pmid] = sums.partition(lo, hi, passengers, plo, phi, best.f, codes[best.f]!, bin, missingLeft);
    t.feature[node] = best.f;
    t.bin[node] = best.bin;
    t.missingLeft[node] = best.missingLeft;
    const { leftG, leftH } = best;
    if (depth + 1 >= o.maxDepth) {
      // the children are leaves: the split's sums are their values
      t.left[node] = grow(lo, mid, plo, pmid, depth + 1, null, leftG, leftH);
      t.right[node] = grow(mid, hi, pmid, phi, depth + 1, null, G - leftG, H - leftH);
      return node;
    }
    const [small, large] = buffers[depth + 1]!;
    const leftSmaller = mid - lo <= hi - mid;
    // the smaller child's histograms summed, the larger's by subtraction from the parent's
    if (leftSmaller) build(lo, mid, small);
    else build(mid, hi, small);
    for (let k = 0; k < nf * B * 3; k++) large[k] = hist[k]! - small[k]!;
    t.left[node] = grow(lo, mid, plo, pmid, depth + 1, leftSmaller ? small : large, leftG, leftH);
    t.right[node] = grow(mid, hi, pmid, phi, depth + 1, leftSmaller ? large : small, G - leftG, H - leftH);
    return node;
  };
  const [root] = buffers[0]!;
  build(0, order.length, root);
  // the root's sums from its histograms: every row is in one bin of each feature
  let G = 0,
    H = 0;
  for (let b = features[0]! * B * 3, end = b + B * 3; b < end; b += 3) {
    G += root[b]!;
    H += root[b + 1]!;
  }
  grow(0, order.length, 0, passengers.length, 0, root, G, H);
  return t;
}

/**
 * The rows of `from` each kept with probability `share` (one draw per row, in order), into `into`,
 * and the others into `rest`: `filter` with a callback took a quarter of a round's time.
 */
function sampleRows(
  from: Int32Array,
  share: number,
  rng: Rng,
  into: Int32Array,
  rest: Int32Array,
  kept: Uint8Array,
): [Int32Array, Int32Array] {
  rng.bernoulli(share, kept.subarray(0, from.length));
  let m = 0,
    r = 0;
  for (let k = 0; k < from.length; k++) {
    const i = from[k]!;
    const sampled = kept[k]!;
    // written to both, kept in one (no branch to mispredict on a random draw)
    into[m] = i;
    rest[r] = i;
    m += sampled;
    r += 1 - sampled;
  }
  return [into.subarray(0, m), rest.subarray(0, r)];
}

export function trainGbm(
  ds: Dataset,
  features: string[],
  o: GbmOptions = defaultGbmOptions,
  log: (line: string) => void = () => undefined,
  /** the early-stopping part, never fitted on (default: the held-back part of models/data/split.ts) */
  heldBack: HeldBack = heldBackPart(ds, o.seed),
): GbmArtifact {
  return trainGbmWithMargins(ds, features, o, log, heldBack).artifact;
}

/**
 * The trained trees and every row's log-odds under them (base, then the kept trees in order: the
 * floats `gbmProbability` sums before σ). The training has them already — its margins at the best
 * round — so its calibration need not score a million rows twice more.
 */
export function trainGbmWithMargins(
  ds: Dataset,
  features: string[],
  o: GbmOptions = defaultGbmOptions,
  log: (line: string) => void = () => undefined,
  heldBack: HeldBack = heldBackPart(ds, o.seed),
): { artifact: GbmArtifact; margins: Float64Array } {
  const rng = new Rng(o.seed);
  const keep = Math.min(1, o.maxRows / Math.max(1, ds.n));
  const isVal = heldBack.flags;
  const use = new Uint8Array(ds.n);
  for (let i = 0; i < ds.n; i++) use[i] = rng.next() < keep ? 1 : 0;
  const fitIdx = indicesWhere(ds.n, (i) => use[i] === 1 && !isVal[i]);
  const valIdx = indicesWhere(ds.n, (i) => use[i] === 1 && isVal[i] === 1);
  const fitLabel = Uint8Array.from(ds.label).map((y, i) => (isVal[i] ? 0 : y));
  const enc = features.map((f) => encodeFeature(ds, f, o.maxBins, fitLabel));
  const codes = enc.map((e) => e.codes);
  // shared with the histogram worker: the codes, the gradients and the tree's row order
  const byRow = rowMajorCodes(codes, sharedUint8(ds.n * codes.length));
  const sampled = new Int32Array(fitIdx.length);
  const unsampled = new Int32Array(fitIdx.length);
  const sampledMask = new Uint8Array(fitIdx.length);
  const passengers = new Int32Array(fitIdx.length + valIdx.length);
  const nf = codes.length;
  const mean = fitIdx.reduce((s, i) => s + ds.label[i]!, 0) / Math.max(1, fitIdx.length);
  const base = Math.log(Math.max(mean, 1e-6) / Math.max(1 - mean, 1e-6));
  const z = sharedFloat64(ds.n).fill(base);
  const g = sharedFloat64(ds.n);
  const h = sharedFloat64(ds.n);
  const fitted = sharedInt32(fitIdx.length);
  fitted.set(fitIdx);
  const label = sharedUint8(ds.n);
  label.set(ds.label);
  const validation = sharedInt32(valIdx.length);
  validation.set(valIdx);
  const sums = trainingThreads({
    order: sharedInt32(fitIdx.length),
    fitted,
    label,
    z,
    g,
    h,
    byRow,
    nf,
    columns: codes,
    validation,
  });
  const trees: GbmTree[] = [];
  let best = { loss: Infinity, round: 0 };
  // the margins after the best round so far (the trees after it are dropped)
  const zBest = new Float64Array(ds.n).fill(base);
  const sub = o.subsample ?? 1;
  const col = o.colsample ?? 1;
  /** a round's rows and features: one draw per fitted row, then one per feature */
  const draw = () => {
    const [rows, rest] =
      sub < 1 ? sampleRows(fitIdx, sub, rng, sampled, unsampled, sampledMask) : [fitIdx, fitIdx.subarray(0, 0)];
    const allowed = Uint8Array.from(codes, () => (col < 1 ? (rng.next() < col ? 1 : 0) : 1));
    if (!allowed.some((a) => a === 1)) allowed[Math.floor(rng.next() * allowed.length)] = 1;
    return { rows, rest, allowed };
  };
  try {
    let next = draw();
    for (let r = 0; r < o.rounds && r - best.round <= o.patience; r++) {
      sums.gradients();
      const { rows, rest, allowed } = next;
      // the unsampled and the validation rows ride along the tree's partitions to their leaves
      passengers.set(rest);
      passengers.set(valIdx, rest.length);
      const leaves: [number, number, number, Int32Array][] = [];
      const t = growTree(codes, rows, g, h, o, allowed, byRow, sums, {
        passengers: passengers.subarray(0, rest.length + valIdx.length),
        onLeaf: (node, lo, hi, riders) => leaves.push([node, lo, hi, riders]),
      });
      t.value = t.value.map((v) => v * o.learningRate);
      trees.push(t);
      // the tree's rows sit grouped by leaf in the row order it leaves behind
      const order = sums.arrays.order;
      for (const [node, lo, hi, riders] of leaves) {
        const v = t.value[node]!;
        for (let k = lo; k < hi; k++) z[order[k]!]! += v;
        for (const i of riders) z[i]! += v;
      }
      // the next round's rows drawn while the worker sums the loss (the draws in the same order;
      // the tree has copied this round's rows and passengers)
      const lossSum = sums.validationLoss();
      next = draw();
      const loss = lossSum();
      if (loss < best.loss - 1e-7) {
        best = { loss, round: r };
        zBest.set(z);
      }
      if ((r + 1) % 25 === 0) {
        // the AUC of the margins equals that of the probabilities (σ is monotonic)
        const zVal = Float64Array.from(valIdx, (i) => z[i]!);
        const yVal = Uint8Array.from(valIdx, (i) => ds.label[i]!);
        log(`gbm round ${r + 1}: validation loss ${loss.toFixed(5)}, AUC ${auc(zVal, yVal).toFixed(4)}`);
      }
    }
  } finally {
    sums.close();
  }
  const kept = trees.slice(0, best.round + 1);
  // rows left out of a sampled training were never summed: walked down the kept trees, in their order
  for (let i = 0; i < ds.n; i++)
    if (use[i] === 0) {
      let sum = base;
      for (const t of kept) sum += t.value[treeLeaf(t, byRow, nf, i)]!;
      zBest[i] = sum;
    }
  const art: GbmArtifact = {
    kind: 'gbm',
    features: enc.map((e) => e.f),
    trees: kept,
    base,
    learningRate: o.learningRate,
    gradeEdges: defaultGradeEdges,
    training: { rounds: trees.length, bestRound: best.round + 1, validationLoss: best.loss, seed: o.seed },
    // the calibrated model's, set by calibrateModel
    baseline: { scoreEdges: [], scoreCounts: [] },
  };
  return { artifact: art, margins: zBest };
}

/** The leaf row i falls in, its codes read from rowMajorCodes (`nf` features a row). */
export function treeLeaf(t: GbmTree, byRow: Uint8Array, nf: number, i: number): number {
  let n = 0;
  const row = i * nf;
  while (t.feature[n]! >= 0) {
    const c = byRow[row + t.feature[n]!]!;
    n = (c === MISSING ? t.missingLeft[n] : c <= t.bin[n]!) ? t.left[n]! : t.right[n]!;
  }
  return n;
}

/**
 * What each split on the way to a leaf added to the log-odds, summed per feature (path attribution:
 * every node holds the Newton value of its rows, so a split moves the prediction from the node's
 * value to its child's, and the moves along a path add up to leaf − root). By feature index, an
 * array over the tree's nodes (0 off the leaves and off the feature's paths): the SQL export writes
 * the same constants, so both scorers rank the same reasons.
 */
export function leafContributions(t: GbmTree): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  const walk = (n: number, path: [number, number][]) => {
    const f = t.feature[n]!;
    if (f < 0) {
      for (const [pf, delta] of path) {
        let a = out.get(pf);
        if (!a) out.set(pf, (a = new Float64Array(t.value.length)));
        a[n]! += delta;
      }
      return;
    }
    for (const child of [t.left[n]!, t.right[n]!]) walk(child, [...path, [f, t.value[child]! - t.value[n]!]]);
  };
  walk(0, []);
  return out;
}

/**
 * The probabilities alone, summed as scoreGbm sums them (base, then the trees in order): what
 * fitting, calibration and evaluation read — scoreGbm's reason codes per row cost several times
 * the sum on a million rows.
 */
export function gbmProbability(art: Pick<GbmArtifact, 'features' | 'trees' | 'base'>, ds: Dataset): Float64Array {
  const nf = art.features.length;
  // in shared memory: a large batch's second half is summed on a worker (tree-sums.ts)
  const byRow = rowMajorCodes(encode(art, ds), sharedUint8(ds.n * nf));
  return treeProbabilities(art.trees, art.base, byRow, nf, ds.n);
}

type LeafPaths = (readonly (readonly [number, number])[])[][];
/** Per tree and leaf, only the features on the leaf's path (adding the zeros would not change a sum). */
const leafPaths = (trees: readonly GbmTree[]): LeafPaths =>
  trees.map((t) => {
    const byFeature = [...leafContributions(t)];
    return t.value.map((_, n) => byFeature.filter(([, c]) => c[n] !== 0).map(([f, c]) => [f, c[n]!] as const));
  });
// once per forest: scoring small batches one after another (the counterfactual search) spent half its
// time walking every tree again
const leafPathsOf = keptPerArray(leafPaths);

/** Reasons of a tree model: the features whose splits pushed the log-odds up most (largest first, at most three). */
const gbmReasonCount = 3;

/** Float64 sum of the trees in order (the reference for the SQL export), and each row's reason codes. */
export function scoreGbm(art: GbmArtifact, ds: Dataset): Scores {
  const byRow = rowMajorCodes(encode(art, ds));
  const nf = art.features.length;
  const onPath = leafPathsOf(art.trees);
  const probability = new Float64Array(ds.n);
  const reasons: string[][] = [];
  const byFeature = new Float64Array(art.features.length);
  for (let i = 0; i < ds.n; i++) {
    let z = art.base;
    byFeature.fill(0);
    art.trees.forEach((t, k) => {
      const leaf = treeLeaf(t, byRow, nf, i);
      z += t.value[leaf]!;
      for (const [f, c] of onPath[k]![leaf]!) byFeature[f]! += c;
    });
    probability[i] = 1 / (1 + Math.exp(-z));
    reasons.push(
      art.features
        .map((f, j) => [f.name, byFeature[j]!] as const)
        .filter(([, c]) => c > 1e-9)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, gbmReasonCount)
        .map(([name]) => name),
    );
  }
  return {
    probability,
    points: probability.map((p) => pointsOf(p, art.scaling ?? defaultScaling)),
    grade: Array.from(probability, (p) => gradeOf(p, art.gradeEdges)),
    reasons,
  };
}
