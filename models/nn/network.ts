import { Rng } from '../../lib/random.ts';
import { column, indicesWhere, subset, type Dataset } from '../data/dataset.ts';
import { heldBackPart, type HeldBack } from '../data/split.ts';
import { auc } from '../evaluate/metrics.ts';
import { binColumn, type BinningOptions, type VariableBins } from '../scorecard/binning.ts';
import {
  defaultGradeEdges,
  defaultScaling,
  gradeOf,
  pointsOf,
  type Scaling,
  type Scores,
} from '../scorecard/scorecard.ts';
import { initTf, type Tf } from '../tf.ts';
import { inputSources, networkInputs, networkProbability, slog } from './forward-pass.ts';

/** One input: the WoE of a variable's fine bins, or a standardised signed log of a numeric value (missing → 0). */
export type NetworkInput =
  { type: 'woe'; feature: string; bins: VariableBins } | { type: 'slog'; feature: string; mean: number; sd: number };

export interface DenseLayer {
  weights: number[][];
  bias: number[];
  activation: 'relu' | 'sigmoid';
}

export interface NetworkArtifact {
  kind: 'network';
  inputs: NetworkInput[];
  layers: DenseLayer[];
  gradeEdges: number[];
  /** points of its probability (train --points --odds --pdo); absent before 2026-12-07: the default scaling */
  scaling?: Scaling;
  training: {
    epochs: number;
    bestEpoch: number;
    validationLoss: number;
    validation: string;
    seed: number;
    batchSize: number;
    learningRate: number;
  };
  baseline: { scoreEdges: number[]; scoreCounts: number[] };
}

export interface NetworkOptions {
  /** batch size and learning rate at up to 100k training rows; larger data uses proportionally larger batches (see batchFor) */
  hidden: number[];
  epochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  binning: BinningOptions;
  minIv: number;
  seed: number;
  gradeEdges: number[];
  /** at most about this many training rows (seeded sample); validation at most a quarter of it */
  maxRows: number;
}

export const defaultNetworkOptions: NetworkOptions = {
  hidden: [32, 16],
  epochs: 60,
  patience: 4,
  batchSize: 512,
  learningRate: 0.002,
  l2: 1e-5,
  binning: {
    method: 'chimerge',
    maxBins: 10,
    minBinShare: 0.02,
    monotonic: false,
    specialValues: [],
    fineBins: 50,
    chiThreshold: 3.841,
  },
  minIv: 0.02,
  seed: 1,
  gradeEdges: defaultGradeEdges,
  maxRows: 250_000,
};

/**
 * Large training sets take larger batches (about 200 steps per epoch, at most 8192 rows) with the
 * learning rate scaled by √(batch growth): tfjs's per-step cost dominates small batches, and a
 * million rows at 512 per step took ten minutes for no better validation loss.
 */
export function batchFor(
  n: number,
  o: Pick<NetworkOptions, 'batchSize' | 'learningRate'>,
): { batchSize: number; learningRate: number } {
  let batchSize = o.batchSize;
  while (batchSize < 8192 && n / batchSize > 200 && n > 100_000) batchSize *= 2;
  return { batchSize, learningRate: o.learningRate * Math.sqrt(batchSize / o.batchSize) };
}

/**
 * tfjs-layers' ModelLoggingVerbosity (0 silent, 1 a progress logger when one is registered): the
 * package exports it only as the type of ModelFitArgs.verbose, so a level is checked into it.
 */
type Verbosity = Exclude<NonNullable<Tf.ModelFitArgs['verbose']>, 2>;
const isVerbosity = (v: number): v is Verbosity => v === 0 || v === 1;
function verbosity(level: 0 | 1): Verbosity {
  if (!isVerbosity(level)) throw new RangeError(`no fit verbosity ${level}`);
  return level;
}
const silent = verbosity(0);

/**
 * A small dense network (tfjs) on WoE and standardised numeric inputs. Validation is the held-back
 * part of the training window (models/data/split.ts heldBackPart: the latest periods, about a sixth
 * of the rows, or a seeded random fifth of a table); training stops after `patience` epochs without a better validation loss
 * and keeps the best epoch's weights. Weight initialisation and the per-epoch shuffle are seeded.
 */
export async function trainNetwork(
  ds: Dataset,
  features: string[],
  o: NetworkOptions = defaultNetworkOptions,
  log: (line: string) => void = () => undefined,
  heldBack: HeldBack = heldBackPart(ds, o.seed),
): Promise<NetworkArtifact> {
  const tf = await initTf();
  const rng = new Rng(o.seed);
  const isVal = (i: number) => heldBack.flags[i] === 1;
  const validation = heldBack.description;
  // a seeded uniform sample caps the rows the network sees (the scorecard always uses every row):
  // beyond a few hundred thousand rows its validation loss stops improving while time keeps growing
  const keepFit = Math.min(1, o.maxRows / Math.max(1, ds.n));
  const keepVal = Math.min(1, o.maxRows / 4 / Math.max(1, ds.n / 6));
  const draw = Float64Array.from({ length: ds.n }, () => rng.next());
  const fit = subset(
    ds,
    indicesWhere(ds.n, (i) => !isVal(i) && draw[i]! < keepFit),
  );
  const val = subset(
    ds,
    indicesWhere(ds.n, (i) => isVal(i) && draw[i]! < keepVal),
  );
  const inputs: NetworkInput[] = [];
  for (const f of features) {
    const vb = binColumn(column(fit, f), fit.label, o.binning);
    if (vb.iv < o.minIv) continue;
    inputs.push({ type: 'woe', feature: f, bins: vb });
    const col = column(fit, f);
    if (col.kind === 'numeric') {
      let s = 0,
        ss = 0,
        m = 0;
      for (const v of col.values)
        if (!Number.isNaN(v)) {
          const t = slog(v);
          s += t;
          ss += t * t;
          m++;
        }
      const mean = m ? s / m : 0;
      const sd = m ? Math.sqrt(Math.max(ss / m - mean * mean, 0)) : 0;
      if (sd > 1e-9) inputs.push({ type: 'slog', feature: f, mean, sd });
    }
  }
  const k = inputs.length;
  const model = tf.sequential();
  [...o.hidden, 1].forEach((units, l) => {
    model.add(
      tf.layers.dense({
        units,
        activation: l === o.hidden.length ? 'sigmoid' : 'relu',
        ...(l === 0 ? { inputShape: [k] } : {}),
        kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed * 100 + l }),
        biasInitializer: 'zeros',
        kernelRegularizer: o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined,
      }),
    );
  });
  const { batchSize, learningRate } = batchFor(fit.n, o);
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy' });
  const xFit = tf.tensor2d(Float32Array.from(networkInputs(inputs, fit)), [fit.n, k]);
  const yFit = tf.tensor2d(Float32Array.from(fit.label), [fit.n, 1]);
  const xVal = tf.tensor2d(Float32Array.from(networkInputs(inputs, val)), [val.n, k]);
  let best = { loss: Infinity, epoch: 0, weights: [] as Tf.Tensor[] };
  let epoch = 0;
  try {
    for (; epoch < o.epochs && epoch - best.epoch < o.patience + 1; epoch++) {
      const order = Int32Array.from({ length: fit.n }, (_, i) => i);
      for (let i = fit.n - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const tEpoch = performance.now();
      const idx = tf.tensor1d(order, 'int32');
      const xs = tf.gather(xFit, idx);
      const ys = tf.gather(yFit, idx);
      await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false, verbose: silent });
      tf.dispose([idx, xs, ys]);
      if (process.env.LW_DEBUG) console.error(`epoch ${epoch}: fit ${(performance.now() - tEpoch).toFixed(0)} ms`);
      const tFit = performance.now();
      const pv = model.predict(xVal, { batchSize: 16384 }) as Tf.Tensor;
      const pVal = await pv.data();
      pv.dispose();
      let loss = 0;
      for (let i = 0; i < val.n; i++) {
        const q = Math.min(Math.max(pVal[i]!, 1e-7), 1 - 1e-7);
        loss -= val.label[i] ? Math.log(q) : Math.log(1 - q);
      }
      loss /= Math.max(1, val.n);
      log(`network epoch ${epoch + 1}: validation loss ${loss.toFixed(5)}, AUC ${auc(pVal, val.label).toFixed(4)}`);
      if (process.env.LW_DEBUG)
        console.error(
          `epoch ${epoch}: loss ${loss.toFixed(5)}, validation ${(performance.now() - tFit).toFixed(0)} ms, batch ${batchSize}`,
        );
      if (loss < best.loss - 1e-6) {
        tf.dispose(best.weights);
        best = { loss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      }
    }
    model.setWeights(best.weights);
    const layers: DenseLayer[] = [];
    for (let l = 0; l < model.layers.length; l++) {
      const [w, b] = model.layers[l]!.getWeights();
      const [rows, cols] = w!.shape as [number, number];
      const wd = Array.from(await w!.data());
      layers.push({
        weights: Array.from({ length: rows }, (_, r) => wd.slice(r * cols, (r + 1) * cols)),
        bias: Array.from(await b!.data()),
        activation: l === model.layers.length - 1 ? 'sigmoid' : 'relu',
      });
    }
    const art: NetworkArtifact = {
      kind: 'network',
      inputs,
      layers,
      gradeEdges: o.gradeEdges,
      training: {
        epochs: epoch,
        bestEpoch: best.epoch + 1,
        validationLoss: best.loss,
        validation,
        seed: o.seed,
        batchSize,
        learningRate,
      },
      // the calibrated model's, set by calibrateModel
      baseline: { scoreEdges: [], scoreCounts: [] },
    };
    return art;
  } finally {
    tf.dispose([xFit, yFit, xVal, ...best.weights]);
    model.dispose();
  }
}

export function scoreNetwork(art: NetworkArtifact, ds: Dataset): Scores {
  const k = art.inputs.length;
  // one assignment of each WoE input's bins, read by the reasons and the forward pass
  const sources = inputSources(art.inputs, ds);
  const x = networkInputs(art.inputs, ds, sources);
  const probability = networkProbability(art, ds, sources);
  const grade = Array.from(probability, (p) => gradeOf(p, art.gradeEdges));
  // reason codes of a network: the WoE inputs that push hardest towards risk (WoE > 0, largest first)
  const reasons = Array.from({ length: ds.n }, (_, i) =>
    art.inputs
      .map((inp, j) => [inp.feature, inp.type === 'woe' ? x[i * k + j]! : 0] as const)
      .filter(([, w]) => w > 1e-9)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([f]) => f),
  );
  const points = probability.map((p) => pointsOf(p, art.scaling ?? defaultScaling));
  return { probability, points, grade, reasons };
}
