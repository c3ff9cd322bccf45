import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { heldBackPart } from '../../../../models/data/split.ts';
import {
  calibrateModel,
  calibrationReport,
  foldPlatt,
  fittingRows,
  heldBackRows,
} from '../../../../models/calibration/calibrate.ts';
import { applyPlatt } from '../../../../models/calibration/platt.ts';
import { trainGbm, trainGbmWithMargins } from '../../../../models/gbm/gbm.ts';
import { probabilityOf, scoreModel, type ModelArtifact } from '../../../../models/model-types.ts';
import type { NetworkArtifact } from '../../../../models/nn/network.ts';
import { defaultScorecardOptions, pointsOf, trainScorecard } from '../../../../models/scorecard/scorecard.ts';
import { defaultBinning } from '../../../../models/scorecard/binning.ts';
import { calibrationTable, ece } from '../../../../models/evaluate/metrics.ts';

/** Two numeric features and a category; risk rises with x, falls with w; 12 monthly periods with a rising base rate. */
function book(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const codes = new Int32Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = i % 12;
    x[i] = rng.chance(0.05) ? Number.NaN : rng.uniform(0, 10);
    w[i] = rng.uniform(0, 5);
    codes[i] = rng.int(0, 2);
    const z = -3.2 + 0.35 * (Number.isNaN(x[i]!) ? 5 : x[i]!) - 0.3 * w[i]! + 0.4 * codes[i]! + 0.06 * m;
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
    period.push(`2023-${String(m + 1).padStart(2, '0')}-28`);
  }
  return {
    n,
    columns: [
      { name: 'x', kind: 'numeric', values: x },
      { name: 'w', kind: 'numeric', values: w },
      { name: 'c', kind: 'categorical', codes, levels: ['a', 'b', 'c'] },
    ],
    label,
    period,
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

const network: NetworkArtifact = {
  kind: 'network',
  inputs: [
    { type: 'slog', feature: 'x', mean: 1.5, sd: 0.6 },
    { type: 'slog', feature: 'w', mean: 1.2, sd: 0.5 },
  ],
  layers: [
    {
      weights: [
        [0.8, -0.3, 0.2],
        [-0.5, 0.4, 0.1],
      ],
      bias: [0.1, -0.2, 0.05],
      activation: 'relu',
    },
    { weights: [[1.1], [-0.7], [0.6]], bias: [-2.4], activation: 'sigmoid' },
  ],
  gradeEdges: [0.01, 0.03, 0.1, 0.25],
  training: { epochs: 1, bestEpoch: 1, validationLoss: 0, validation: '', seed: 1, batchSize: 1, learningRate: 0 },
  baseline: { scoreEdges: [], scoreCounts: [] },
};

describe('Platt scaling folded into each kind of model', async () => {
  const ds = book(6_000, 7);
  const artifacts: ModelArtifact[] = [
    await trainScorecard(ds, ['x', 'w', 'c'], {
      ...defaultScorecardOptions,
      binning: { ...defaultBinning, minBinShare: 0.05 },
    }),
    network,
    trainGbm(ds, ['x', 'w', 'c'], { ...trainGbmDefaults(), rounds: 30 }),
  ];
  const rng = new Rng(3);
  const fits = Array.from({ length: 6 }, () => ({ a: rng.uniform(0.3, 2), b: rng.uniform(-1.5, 1.5) }));

  for (const art of artifacts)
    it(`${art.kind}: the folded model scores σ(a·z + b) of the raw one, ranks the same and keeps its reasons`, () => {
      const raw = scoreModel(art, ds);
      for (const f of fits) {
        const folded = scoreModel(foldPlatt(art, f.a, f.b), ds);
        let maxDiff = 0;
        for (let i = 0; i < ds.n; i++)
          maxDiff = Math.max(maxDiff, Math.abs(folded.probability[i]! - applyPlatt(f, raw.probability[i]!)));
        expect(maxDiff).toBeLessThan(1e-9);
        // strictly monotonic: every pair keeps its order (ties stay ties)
        for (let i = 1; i < ds.n; i++)
          expect(Math.sign(folded.probability[i]! - folded.probability[i - 1]!)).toBe(
            Math.sign(raw.probability[i]! - raw.probability[i - 1]!),
          );
        expect(folded.reasons).toEqual(raw.reasons);
        // points still follow the probability (a scorecard's bin points add up to them)
        for (let i = 0; i < ds.n; i += 97) expect(folded.points[i]).toBeCloseTo(pointsOf(folded.probability[i]!), 6);
      }
    });

  it('the held-back part is the latest periods, about a sixth of the rows; a table holds back a seeded fifth', () => {
    const held = heldBackPart(ds, 1);
    const periods = ds.period.filter((_, i) => held.flags[i]);
    expect(Math.min(...periods.map((p) => Number(p.slice(5, 7))))).toBe(11);
    expect(heldBackRows(ds, held).n + fittingRows(ds, held).n).toBe(ds.n);
    expect(held.description).toBe('the latest training month-ends (2023-11-28 to 2023-12-28)');
    const table = { ...ds, period: ds.period.map(() => '') };
    for (const seed of [1, 2, 3]) {
      const t = heldBackPart(table, seed);
      const share = t.flags.reduce((s, v) => s + v, 0) / ds.n;
      expect(Math.abs(share - 0.2)).toBeLessThan(0.02);
      expect(Array.from(heldBackPart(table, seed).flags)).toEqual(Array.from(t.flags));
    }
  });

  it('calibrating on the latest months lowers the ECE on later months whose base rate moved on', async () => {
    const all = book(24_000, 9);
    // the first 10 months train (the last two held back), later rows are the test with the same drift
    const months = (i: number) => Number(all.period[i]!.slice(5, 7));
    const pick = (f: (i: number) => boolean): Dataset => {
      const idx = Array.from({ length: all.n }, (_, i) => i).filter(f);
      return {
        n: idx.length,
        columns: all.columns.map((c) =>
          c.kind === 'numeric'
            ? { ...c, values: Float64Array.from(idx, (i) => c.values[i]!) }
            : { ...c, codes: Int32Array.from(idx, (i) => c.codes[i]!) },
        ),
        label: Uint8Array.from(idx, (i) => all.label[i]!),
        period: idx.map((i) => all.period[i]!),
        ids: idx.map((i) => all.ids[i]!),
      };
    };
    const train = pick((i) => months(i) <= 10);
    const test = pick((i) => months(i) > 10);
    const held = heldBackPart(train, 1);
    const art = await trainScorecard(fittingRows(train, held), ['x', 'w', 'c']);
    const parts = { train, heldBack: heldBackRows(train, held), heldBackDescription: held.description, test };
    const platt = calibrateModel(art, 'platt', parts);
    const { report } = calibrationReport(art, platt, parts);
    expect(report.test.ece_after).toBeLessThan(report.test.ece_before);
    expect(report.held_back_ece.after).toBeLessThan(report.held_back_ece.before);
    // the baseline is the calibrated model's: its probabilities of the training rows
    expect(platt.artifact.baseline.scoreCounts.reduce((a, b) => a + b, 0)).toBe(train.n);
    expect(platt.train).toEqual(probabilityOf(platt.artifact, train));
    const none = calibrateModel(art, 'none', parts);
    expect(calibrationReport(art, none, parts).report).toMatchObject({ a: 1, b: 0, fitted: 'not calibrated' });
    expect(none.artifact).toMatchObject({ intercept: art.intercept });
  });

  it('the report scores the test part once: its before and held-back after figures are the fitted map, as scoring again gives them', async () => {
    const train = book(9_000, 11);
    const test = book(4_000, 12);
    const held = heldBackPart(train, 1);
    const heldBack = heldBackRows(train, held);
    const parts = { train, heldBack, heldBackDescription: held.description, test };
    const raws: ModelArtifact[] = [
      await trainScorecard(fittingRows(train, held), ['x', 'w', 'c']),
      trainGbm(train, ['x', 'w', 'c'], { ...trainGbmDefaults(), rounds: 25 }, undefined, held),
    ];
    for (const raw of raws) {
      const platt = calibrateModel(raw, 'platt', parts);
      const { report, test: pTest } = calibrationReport(raw, platt, parts);
      // the test probabilities are the calibrated model's own floats
      expect(pTest).toEqual(probabilityOf(platt.artifact, test));
      const testBefore = probabilityOf(raw, test);
      const heldAfter = probabilityOf(platt.artifact, heldBack);
      expect(report.test.ece_before).toBeCloseTo(ece(testBefore, test.label), 10);
      expect(report.held_back_ece.after).toBeCloseTo(ece(heldAfter, heldBack.label), 10);
      const rows = calibrationTable(testBefore, test.label);
      report.test.reliability_before.forEach((r, i) => {
        expect(r.n).toBe(rows[i]!.n);
        expect(r.mean_predicted).toBeCloseTo(rows[i]!.mean_predicted, 10);
      });
    }
  });

  it("the trees' own log-odds calibrate them as scoring them again would", () => {
    const train = book(8_000, 5);
    const held = heldBackPart(train, 1);
    const heldBack = heldBackRows(train, held);
    const { artifact: raw, margins } = trainGbmWithMargins(
      train,
      ['x', 'w', 'c'],
      { ...trainGbmDefaults(), rounds: 40 },
      undefined,
      held,
    );
    const heldMargins = Float64Array.from(
      [...held.flags.keys()].filter((i) => held.flags[i] === 1),
      (i) => margins[i]!,
    );
    for (const method of ['platt', 'none'] as const) {
      const scored = calibrateModel(raw, method, { train, heldBack });
      const fromMargins = calibrateModel(raw, method, {
        train,
        heldBack,
        rawLogOdds: { train: margins, heldBack: heldMargins },
      });
      // the held-back probabilities are the scorer's floats, so the fit is the same fit
      expect(fromMargins.heldBefore).toEqual(scored.heldBefore);
      expect(fromMargins.fit).toEqual(scored.fit);
      expect(fromMargins.artifact).toEqual({ ...scored.artifact, baseline: fromMargins.artifact.baseline });
      // the calibrated ones σ(a·z + b): the folded trees' sum up to rounding
      let maxDiff = 0;
      for (let i = 0; i < train.n; i++) maxDiff = Math.max(maxDiff, Math.abs(fromMargins.train[i]! - scored.train[i]!));
      expect(maxDiff).toBeLessThan(1e-14);
      expect(fromMargins.artifact.baseline.scoreCounts.reduce((a, b) => a + b, 0)).toBe(train.n);
      expect(fromMargins.artifact.baseline.scoreEdges).toHaveLength(scored.artifact.baseline.scoreEdges.length);
    }
  });
});

function trainGbmDefaults() {
  return {
    rounds: 30,
    maxDepth: 3,
    learningRate: 0.1,
    lambda: 1,
    minChildHess: 1,
    maxBins: 32,
    patience: 10,
    maxRows: 100_000,
    seed: 1,
  };
}

describe('Platt scaling refused on a part that cannot carry it', () => {
  const ds = book(6_000, 11);
  const raw = network;
  /** A held-back part of `n` rows with `bads` bads, the label drawn `informed` by the model's own ranking or at random. */
  const heldBack = (n: number, bads: number, informed: boolean): Dataset => {
    const rows = book(n, 12);
    const p = probabilityOf(raw, rows);
    const rng = new Rng(13);
    const order = [...p.keys()].sort((i, j) => (informed ? p[j]! - p[i]! : rng.next() - 0.5));
    const label = new Uint8Array(n);
    for (const i of order.slice(0, bads)) label[i] = 1;
    return { ...rows, label };
  };
  const rawTrain = probabilityOf(raw, ds);

  it('too few bads (10 of 156): the model keeps its own probabilities, and says why', () => {
    const c = calibrateModel(raw, 'platt', { train: ds, heldBack: heldBack(156, 10, true) });
    expect(c.fit).toBeNull();
    expect(c.skipped).toMatch(/10 bad and 146 good rows, fewer than the 30 of each a Platt fit needs/u);
    expect(Array.from(probabilityOf(c.artifact, ds))).toEqual(Array.from(rawTrain));
    const { report } = calibrationReport(raw, c, {
      heldBack: heldBack(156, 10, true),
      heldBackDescription: 'h',
      test: ds,
    });
    expect(report).toMatchObject({ a: 1, b: 0, fitted: 'not calibrated', skipped: c.skipped });
  });

  it('a slope that collapses (labels the model does not rank): not applied, with the slope named', () => {
    const c = calibrateModel(raw, 'platt', { train: ds, heldBack: heldBack(2_000, 300, false) });
    expect(c.fit).toBeNull();
    expect(c.skipped).toMatch(/the fitted slope (a = -?0\.\d{3} is below 0\.2|was not positive)/u);
    expect(Array.from(probabilityOf(c.artifact, ds))).toEqual(Array.from(rawTrain));
  });

  it('enough events of both kinds and a ranking part: calibrated', () => {
    const c = calibrateModel(raw, 'platt', { train: ds, heldBack: heldBack(2_000, 300, true) });
    expect(c.fit?.a).toBeGreaterThan(0.2);
    expect(c.skipped).toBeUndefined();
  });
});
