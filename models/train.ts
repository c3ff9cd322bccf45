import { DatasetError, fingerprint, indicesWhere, type Dataset } from './data/dataset.ts';
import { auc, baselineEdges, calibrationTable, countByEdges, gainsTable, psi, quality } from './evaluate/metrics.ts';
import type { ModelArtifact, ModelKind, ModelMetrics } from './model-types.ts';
import { defaultNetworkOptions, trainNetwork, type NetworkOptions } from './nn/network.ts';
import { defaultGbmOptions, trainGbmWithMargins, type GbmOptions } from './gbm/gbm.ts';
import {
  defaultScaling,
  defaultScorecardOptions,
  trainScorecard,
  type Scaling,
  type ScorecardOptions,
} from './scorecard/scorecard.ts';
import { chooseByFolds } from './scorecard/fold-choice.ts';
import type { BinningOptions } from './scorecard/binning.ts';
import type { GateOptions } from './data/quality-gate.ts';
import { heldBackPart, partFingerprint, type HeldBack } from './data/split.ts';
import { featureBaselines } from './evaluate/csi.ts';
import {
  calibrateModel,
  calibrationReport,
  fittingRows,
  heldBackRows,
  type CalibrationMethod,
  type RawLogOdds,
} from './calibration/calibrate.ts';
import { calibrationWarnings } from './calibration/calibration-warnings.ts';

/** Binning options with the gate's per-column special values added (none: unchanged). */
const withSpecials = (b: BinningOptions, specials: Record<string, number[]> | undefined): BinningOptions =>
  specials && Object.keys(specials).length ? { ...b, specialByFeature: { ...b.specialByFeature, ...specials } } : b;

/** The special values binning keeps apart for one feature (as binColumn reads the options). */
const specialsOf = (b: BinningOptions, feature: string): number[] => [
  ...(!b.specialFeatures || b.specialFeatures.includes(feature) ? b.specialValues : []),
  ...(b.specialByFeature && Object.hasOwn(b.specialByFeature, feature) ? b.specialByFeature[feature]! : []),
];

export interface TrainRequest {
  kinds: ModelKind[];
  seed: number;
  scorecard?: Partial<ScorecardOptions>;
  network?: Partial<NetworkOptions>;
  gbm?: Partial<GbmOptions>;
  /** the data-quality gate's settings (train flags); workflows.ts runs the gate before trainModels */
  gate?: Partial<GateOptions>;
  /** special values per column (the gate's sentinel codes), binned apart by the scorecard and the network's WoE inputs */
  specialByFeature?: Record<string, number[]>;
  /** progress lines (stages, epochs and rounds with the running validation AUC) */
  log?: (line: string) => void;
  /** the points scale of every kind (train --points --odds --pdo; default SPEC §6's 600 at 50:1, PDO 20) */
  scaling?: Scaling;
  /** probability calibration on the held-back part of the training window (default platt) */
  calibration?: CalibrationMethod;
}

export interface TrainedModel {
  kind: ModelKind;
  artifact: ModelArtifact;
  metrics: ModelMetrics;
  fingerprint: string;
  seed: number;
}

/**
 * What makes training impossible, refused before anything is trained or registered: special values
 * given for a column that is not a feature, a training or test part that is empty or has one outcome.
 */
export function checkTrainingInput(train: Dataset, test: Dataset, features: string[], r: TrainRequest): HeldBack {
  const unknown = (r.scorecard?.binning?.specialFeatures ?? []).filter((f) => !features.includes(f));
  if (unknown.length)
    throw new DatasetError(
      `special values are given for ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not features' : 'is not a feature'}; features: ${features.join(', ')}`,
    );
  const badsOf = (labels: Uint8Array) => {
    let bads = 0;
    for (const y of labels) bads += y;
    return bads;
  };
  // one outcome in every row: no seed or test share can help, the target or its bad value is wrong
  const all = badsOf(train.label) + badsOf(test.label);
  const rows = train.n + test.n;
  if (rows > 0 && (all === 0 || all === rows))
    throw new DatasetError(
      `all ${rows} rows are ${all ? 'bad' : 'good'}: the target has one outcome in every row, and a model needs both; for a table check --target and --bad-value, for the book train on more loans (--loan-share, or another --seed for another sample)`,
    );
  for (const [part, d] of [
    ['training', train],
    ['test', test],
  ] as const) {
    const bads = badsOf(d.label);
    if (d.n === 0 || bads === 0 || bads === d.n)
      throw new DatasetError(
        `the ${part} part ${d.n === 0 ? 'is empty' : `has ${d.n} rows, all ${bads ? 'bad' : 'good'}`}: a model cannot be ${part === 'test' ? 'measured (AUC needs both outcomes)' : 'fitted on one outcome'}; use more rows, another --seed or a larger --test-share`,
      );
  }
  // the rows the models are fitted on: the training part less its held-back part (early stopping, calibration)
  const held = heldBackPart(train, r.seed);
  let fitBad = 0;
  let fitRows = 0;
  for (let i = 0; i < train.n; i++)
    if (held.flags[i] === 0) {
      fitRows++;
      fitBad += train.label[i]!;
    }
  if (Math.min(fitBad, fitRows - fitBad) < minFittingOutcomeRows)
    throw new DatasetError(
      `the models would be fitted on ${fitRows} rows (the training part less ${held.description}, held back), ${fitBad} bad and ${fitRows - fitBad} good: fewer than ${minFittingOutcomeRows} of an outcome give bins and weights of noise (a scorecard of ±1,000 points, every row grade A); use more rows (for a table a smaller --test-share, for the book a larger --loan-share)`,
    );
  return held;
}

/** The fewest rows of each outcome a model is fitted on (a bin's WoE, a split, a weight from fewer is noise). */
export const minFittingOutcomeRows = 10;

/**
 * The test AUC at or below which a model ranks no better than chance: warned of at training (printed
 * and in the card) and refused as a champion by the promote gate (registry.ts `minAuc`).
 */
export const chanceAuc = 0.5;

/** A model that ranks its test rows no better than chance is registered, but never silently. */
export function weakModelWarnings(kind: string, testAuc: number): string[] {
  return testAuc <= chanceAuc
    ? [
        `${kind}: test AUC ${testAuc.toFixed(4)} ≤ ${chanceAuc}: it ranks the test rows no better than chance (worse than random below it); do not use it — the promote gate refuses it`,
      ]
    : [];
}

/** Trains each requested model on `train` and measures it on `test` (an out-of-time or seeded random hold-out). */
export async function trainModels(
  train: Dataset,
  test: Dataset,
  features: string[],
  split: string,
  r: TrainRequest,
): Promise<TrainedModel[]> {
  const held = checkTrainingInput(train, test, features, r);
  const log = r.log ?? (() => undefined);
  const fp = await fingerprint(train);
  const testRows = partFingerprint(test);
  const trainEnd = train.period.length && train.period[0] !== '' ? [...new Set(train.period)].sort().at(-1)! : null;
  const method = r.calibration ?? 'platt';
  // one held-back part for every model: the network's and the trees' early-stopping slice and the
  // rows the calibration is fitted on; the scorecard (no early stopping) is fitted without it when
  // it calibrates, so the calibration sees rows no model was fitted on
  const heldBack = heldBackRows(train, held);
  const fitting = method === 'none' ? train : fittingRows(train, held);
  const specialBinning = withSpecials(r.scorecard?.binning ?? defaultScorecardOptions.binning, r.specialByFeature);
  const out: TrainedModel[] = [];
  for (const kind of r.kinds) {
    const t0 = performance.now();
    log(
      kind === 'scorecard'
        ? `scorecard: binning ${features.length} features, selecting, fitting`
        : `${kind}: binning and training`,
    );
    // the trees' training hands over its rows' log-odds: their calibration scores nothing again
    let rawLogOdds: RawLogOdds | undefined;
    const scorecardOptions: ScorecardOptions = {
      ...defaultScorecardOptions,
      ...r.scorecard,
      ...(r.scaling ? { scaling: r.scaling } : {}),
      binning: specialBinning,
    };
    // a table (no month-ends whose latest judge out of time) may take the joint scorecard, when k folds
    // of the fitting rows rank it clearly better than the classic; the held-back part stays unseen
    const folds =
      kind === 'scorecard' && new Set(train.period).size < 3
        ? await chooseByFolds(fitting, features, scorecardOptions, r.seed, log)
        : null;
    const raw: ModelArtifact =
      kind === 'scorecard'
        ? (folds?.joint ?? {
            ...(await trainScorecard(
              fitting,
              features,
              scorecardOptions,
              // the held-back rows judge the correlation limit only when no fit has seen them
              method === 'none' ? undefined : heldBack,
            )),
            ...(folds ? { foldChoice: folds.report } : {}),
          })
        : kind === 'network'
          ? await trainNetwork(
              train,
              features,
              {
                ...defaultNetworkOptions,
                seed: r.seed,
                ...r.network,
                binning: withSpecials(r.network?.binning ?? defaultNetworkOptions.binning, r.specialByFeature),
              },
              log,
              held,
            )
          : (() => {
              const gbm = trainGbmWithMargins(
                train,
                features,
                { ...defaultGbmOptions, seed: r.seed, ...r.gbm },
                log,
                held,
              );
              const heldIndex = indicesWhere(train.n, (i) => held.flags[i] === 1);
              rawLogOdds = { train: gbm.margins, heldBack: Float64Array.from(heldIndex, (i) => gbm.margins[i]!) };
              return gbm.artifact;
            })();
    const calibrated = calibrateModel(raw, method, { train, heldBack, rawLogOdds });
    // the model's time: its fit and calibration; scoring the test part is measuring it, not training it
    const seconds = (performance.now() - t0) / 1000;
    // trees (and any network input without WoE bins) carry no bins of their own: CSI needs the training distribution
    const baselines = featureBaselines(calibrated.artifact, train, (f) => specialsOf(specialBinning, f));
    // the scorecard's points are built on its scaling; the others' points are their probability's, on the same scale
    const scaled: ModelArtifact =
      calibrated.artifact.kind === 'scorecard'
        ? calibrated.artifact
        : { ...calibrated.artifact, scaling: r.scaling ?? defaultScaling };
    const artifact: ModelArtifact = baselines.length ? { ...scaled, featureBaselines: baselines } : scaled;
    const { report, test: pTest } = calibrationReport(raw, calibrated, {
      heldBack,
      heldBackDescription: held.description,
      test,
    });
    if (report.skipped) log(`${kind}: not calibrated: ${report.skipped}`);
    else if (method !== 'none')
      log(
        `${kind}: calibrated (Platt, a ${report.a.toFixed(3)}, b ${report.b.toFixed(3)}) on ${report.rows} held-back rows; test ECE ${report.test.ece_before.toFixed(4)} → ${report.test.ece_after.toFixed(4)}`,
      );
    const pTrain = calibrated.train;
    if (!pTrain.every(Number.isFinite) || !pTest.every(Number.isFinite))
      throw new Error(`${kind} produced a non-finite probability: training diverged`);
    const edges = baselineEdges(pTrain);
    const testAuc = auc(pTest, test.label);
    log(`${kind}: trained in ${seconds.toFixed(1)} s; test AUC ${testAuc.toFixed(4)}`);
    const testCalibration = calibrationTable(pTest, test.label);
    const warnings = [...weakModelWarnings(kind, testAuc), ...calibrationWarnings(report, testCalibration)];
    for (const w of warnings) log(`warning: ${w}`);
    out.push({
      kind,
      artifact,
      fingerprint: fp,
      seed: r.seed,
      metrics: {
        train: quality(pTrain, train.label),
        test: quality(pTest, test.label),
        split,
        test_rows: testRows,
        score_psi: psi(countByEdges(pTrain, edges), countByEdges(pTest, edges)),
        calibration: testCalibration,
        gains: gainsTable(pTest, test.label),
        train_seconds: seconds,
        train_end: trainEnd,
        probability_calibration: report,
        ...(warnings.length ? { warnings } : {}),
      },
    });
  }
  return out;
}
