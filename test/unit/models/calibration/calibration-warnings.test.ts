import { describe, expect, it } from 'vitest';
import type { ProbabilityCalibration } from '../../../../models/calibration/calibrate.ts';
import { bandTolerance, calibrationWarnings } from '../../../../models/calibration/calibration-warnings.ts';
import type { CalibrationRow } from '../../../../models/evaluate/metrics.ts';

const report = (
  before: number,
  after: number,
  extra: Partial<ProbabilityCalibration> = {},
): ProbabilityCalibration => ({
  method: 'platt',
  held_back: 'the latest 15 % of the training rows',
  rows: 4151,
  bads: 900,
  a: 0.9,
  b: 0.1,
  fitted: 'slope and intercept',
  held_back_ece: { before: 0.02, after: 0.01 },
  test: { ece_before: before, ece_after: after, reliability_before: [], reliability_after: [] },
  ...extra,
});

/** Ten bands of n rows each, every one predicted on its observed rate. */
const table = (n: number): CalibrationRow[] =>
  Array.from({ length: 10 }, (_, k) => ({
    band: k + 1,
    n,
    mean_predicted: 0.05 * (k + 1),
    observed_rate: 0.05 * (k + 1),
  }));

describe('calibration warnings', () => {
  it('a calibration that worsened the test ECE is flagged, kept, and the rule named; one that improved it is not', () => {
    const worse = calibrationWarnings(report(0.0156, 0.0194), table(400));
    expect(worse).toEqual([
      'calibration did not improve the test part: ECE 0.0156 → 0.0194; on the held-back part, where it was fitted, the ECE improved (0.0200 → 0.0100); it is kept because its fit passed the checks (at least 30 bads and goods on the held-back part, a slope of at least 0.2), decided without the test rows — consider --calibration none or a larger held-back part',
    ]);
    // a held-back part that got worse too is said so, not left to read as the reason it was kept
    expect(
      calibrationWarnings(report(0.0792, 0.0818, { held_back_ece: { before: 0.0727, after: 0.0743 } }), table(400))[0],
    ).toContain(
      'on the held-back part, where it was fitted, the ECE got worse too (0.0727 → 0.0743); it is kept because',
    );
    expect(calibrationWarnings(report(0.0194, 0.0156), table(400))).toEqual([]);
    expect(calibrationWarnings(report(0.0156, 0.0156), table(400))).toEqual([]);
  });

  it('not calibrated (asked none, or skipped) has no ECE warning to give', () => {
    expect(calibrationWarnings(report(0.01, 0.02, { method: 'none' }), table(400))).toEqual([]);
    expect(calibrationWarnings(report(0.01, 0.02, { skipped: 'too few bads' }), table(400))).toEqual([]);
  });

  for (const n of [60, 400, 3_000])
    for (const at of [0, 4, 9])
      it(`a band far off its observed rate is named (band ${at + 1}, ${n} rows a band); one within the noise is not`, () => {
        const t = table(n);
        const r = t[at]!;
        // twice the standard error is at most 1/√n whatever the rate
        r.mean_predicted = r.observed_rate + Math.max(0.05, 1 / Math.sqrt(n)) + 0.01;
        const w = calibrationWarnings(report(0.02, 0.01), t);
        expect(w).toHaveLength(1);
        expect(w[0]).toContain(
          `band ${at + 1} predicts ${r.mean_predicted.toFixed(4)} against ${r.observed_rate.toFixed(4)} observed (n ${n})`,
        );
        expect(w[0]!.match(/band \d+ predicts/gu)).toHaveLength(1);
        r.mean_predicted = r.observed_rate + 0.045;
        expect(calibrationWarnings(report(0.02, 0.01), t)).toEqual([]);
      });

  it('German credit’s top band (0.8167 predicted, 0.5667 observed, 60 rows) is flagged; the tolerance is never below 0.05', () => {
    const t = table(60);
    t[9] = { band: 10, n: 60, mean_predicted: 0.8167, observed_rate: 0.5667 };
    expect(calibrationWarnings(report(0.02, 0.01), t)[0]).toContain(
      'band 10 predicts 0.8167 against 0.5667 observed (n 60)',
    );
    expect(bandTolerance({ band: 1, n: 1e9, mean_predicted: 0.5, observed_rate: 0.5 })).toBe(0.05);
  });
});
