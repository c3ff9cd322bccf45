import { sigmoid } from '../../lib/random.ts';
import { subset, indicesWhere, type Dataset } from '../data/dataset.ts';
import type { HeldBack } from '../data/split.ts';
import { baselineEdges, calibrationTable, countByEdges, ece, type CalibrationRow } from '../evaluate/metrics.ts';
import { probabilityOf, type ModelArtifact } from '../model-types.ts';
import { rescaleScorecard } from '../scorecard/scorecard.ts';
import { applyPlatt, fitPlatt, logOdds, type PlattFit } from './platt.ts';

export type CalibrationMethod = 'platt' | 'none';

/** How a model's probabilities were calibrated, and what it did to the reliability curve (metrics.probability_calibration). */
export interface ProbabilityCalibration {
  method: CalibrationMethod;
  /** the held-back part of the training window the fit used */
  held_back: string;
  rows: number;
  bads: number;
  /** σ(a·z + b) of the model's log-odds z (a = 1, b = 0 when not calibrated) */
  a: number;
  b: number;
  fitted: PlattFit['fitted'] | 'not calibrated';
  /** why Platt scaling was asked for but not applied (too few events on the held-back part, a collapsed slope) */
  skipped?: string;
  /** ECE on the held-back part, before and after (after is in-sample there) */
  held_back_ece: { before: number; after: number };
  /** on the test part: ECE and the reliability curve (ten equal-count bins) before and after */
  test: {
    ece_before: number;
    ece_after: number;
    reliability_before: CalibrationRow[];
    reliability_after: CalibrationRow[];
  };
}

/**
 * Platt scaling folded into the model's last log-odds, so every scorer — TypeScript, table
 * scoring, the exported SQL — computes the calibrated probability with no extra stage: the
 * scorecard's coefficients, refined bin terms and intercept (its points recomputed), the network's output unit, the
 * trees' base and leaf values.
 */
export function foldPlatt(art: ModelArtifact, a: number, b: number): ModelArtifact {
  if (art.kind === 'scorecard') return rescaleScorecard(art, a, b);
  if (art.kind === 'gbm')
    return {
      ...art,
      base: a * art.base + b,
      trees: art.trees.map((t) => ({ ...t, value: t.value.map((v) => a * v) })),
    };
  const last = art.layers.at(-1);
  if (last?.activation !== 'sigmoid' || last.bias.length !== 1)
    throw new Error('a network to calibrate ends in one sigmoid unit');
  return {
    ...art,
    layers: [
      ...art.layers.slice(0, -1),
      { ...last, weights: last.weights.map((row) => row.map((w) => a * w)), bias: [a * last.bias[0]! + b] },
    ],
  };
}

/**
 * What a Platt fit needs to be trusted. Its two parameters come from the held-back part alone: with 10
 * bads of 156 rows the slope came out 0.058 and every PD was flattened into 0.037–0.103, a model that
 * ranked (AUC unchanged) but whose probabilities said nothing. Below 30 bads or 30 goods (the same
 * minimum the scorecard's refinement asks of that part) the model keeps its own probabilities; so it
 * does when the fitted slope is below 0.2 (the log-odds squeezed to a fifth of their spread or less:
 * the held-back rows barely rank as the model does) or not positive.
 */
export const plattMinimum = { events: 30, nonEvents: 30, slope: 0.2 };

/** Why the held-back part cannot carry a Platt fit, or null. */
export function tooFewForPlatt(label: Uint8Array): string | null {
  let bads = 0;
  for (const y of label) bads += y ? 1 : 0;
  const goods = label.length - bads;
  if (bads >= plattMinimum.events && goods >= plattMinimum.nonEvents) return null;
  return `the held-back part has ${bads} bad and ${goods} good rows, fewer than the ${plattMinimum.events} of each a Platt fit needs: the model's own probabilities are kept`;
}

/** Why a fitted Platt map is not applied, or null. */
export function collapsedPlatt(fit: PlattFit): string | null {
  if (fit.fitted === 'intercept only')
    return `the fitted slope was not positive (the held-back rows do not rank as the model does): the model's own probabilities are kept`;
  if (fit.a < plattMinimum.slope)
    return `the fitted slope a = ${fit.a.toFixed(3)} is below ${plattMinimum.slope} (it would flatten every probability towards the mean): the model's own probabilities are kept`;
  return null;
}

/** The held-back rows of the training window as a data set. */
export const heldBackRows = (train: Dataset, held: HeldBack) =>
  subset(
    train,
    indicesWhere(train.n, (i) => held.flags[i] === 1),
  );
/** The rows the models are fitted on. */
export const fittingRows = (train: Dataset, held: HeldBack) =>
  subset(
    train,
    indicesWhere(train.n, (i) => held.flags[i] !== 1),
  );

/** A calibrated model and the probabilities its calibration computed, which the report and the card reuse. */
export interface Calibrated {
  artifact: ModelArtifact;
  method: CalibrationMethod;
  fit: PlattFit | null;
  /** the uncalibrated model's probabilities of the held-back rows */
  heldBefore: Float64Array;
  /** the calibrated model's probabilities of the training rows (its PSI baseline) */
  train: Float64Array;
  /** why Platt scaling was asked for and not applied */
  skipped?: string;
}

/** The raw model's log-odds of the training rows and of the held-back rows, when its training computed them. */
export interface RawLogOdds {
  train: Float64Array;
  heldBack: Float64Array;
}

/**
 * Calibrates a trained model on the held-back part (Platt scaling, or none). The returned artifact
 * carries the calibration in its parameters and a PSI baseline of its probabilities on the training
 * rows (the trainers leave the baseline empty: it is the calibrated model's). Given the raw model's
 * log-odds z (the trees' training has them), nothing is scored again: the held-back probabilities
 * are σ(z), the same floats the scorer gives, and the calibrated ones σ(a·z + b), which the folded
 * model's own sum equals up to rounding (its base and leaves are multiplied by a one by one).
 */
export function calibrateModel(
  raw: ModelArtifact,
  method: CalibrationMethod,
  parts: { train: Dataset; heldBack: Dataset; rawLogOdds?: RawLogOdds },
): Calibrated {
  const z = parts.rawLogOdds;
  const heldBefore = z ? z.heldBack.map(sigmoid) : probabilityOf(raw, parts.heldBack);
  const few = method === 'platt' ? tooFewForPlatt(parts.heldBack.label) : null;
  const fitted: PlattFit | null =
    method === 'platt' && !few ? fitPlatt(Float64Array.from(heldBefore, logOdds), parts.heldBack.label) : null;
  const skipped = few ?? (fitted ? collapsedPlatt(fitted) : null);
  const fit = skipped ? null : fitted;
  const calibrated = fit ? foldPlatt(raw, fit.a, fit.b) : raw;
  const train = z ? z.train.map((v) => sigmoid(fit ? fit.a * v + fit.b : v)) : probabilityOf(calibrated, parts.train);
  const scoreEdges = baselineEdges(train);
  const artifact = { ...calibrated, baseline: { scoreEdges, scoreCounts: countByEdges(train, scoreEdges) } };
  return { artifact, method, fit, heldBefore, train, ...(skipped ? { skipped } : {}) };
}

/**
 * What the calibration did: ECE on the held-back part and the reliability curve and ECE on the test
 * part, before and after; with the calibrated model's probabilities of the test rows. The test part
 * is scored once, by the calibrated model (the floats every scorer gives, which the card reports);
 * the "before" figures are the fitted map σ(a·z + b) undone on them, and the held-back "after" the map
 * applied — the raw model's probabilities up to rounding, where a second and third scoring pass cost
 * the trees seconds on the book (diagnostics, printed to four places).
 */
export function calibrationReport(
  raw: ModelArtifact,
  c: Calibrated,
  parts: { heldBack: Dataset; heldBackDescription: string; test: Dataset },
): { report: ProbabilityCalibration; test: Float64Array } {
  const { heldBack, test } = parts;
  const { fit, heldBefore, artifact } = c;
  const heldAfter = fit ? heldBefore.map((p) => applyPlatt(fit, p)) : heldBefore;
  const testAfter = probabilityOf(fit ? artifact : raw, test);
  const testBefore = fit ? testAfter.map((p) => sigmoid((logOdds(p) - fit.b) / fit.a)) : testAfter;
  let bads = 0;
  for (const y of heldBack.label) bads += y;
  return {
    test: testAfter,
    report: {
      method: c.method,
      held_back: parts.heldBackDescription,
      rows: heldBack.n,
      bads,
      a: fit?.a ?? 1,
      b: fit?.b ?? 0,
      fitted: fit?.fitted ?? 'not calibrated',
      ...(c.skipped ? { skipped: c.skipped } : {}),
      held_back_ece: { before: ece(heldBefore, heldBack.label), after: ece(heldAfter, heldBack.label) },
      test: {
        ece_before: ece(testBefore, test.label),
        ece_after: ece(testAfter, test.label),
        reliability_before: calibrationTable(testBefore, test.label),
        reliability_after: calibrationTable(testAfter, test.label),
      },
    },
  };
}
