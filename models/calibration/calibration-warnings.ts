import type { CalibrationRow } from '../evaluate/metrics.ts';
import { plattMinimum, type ProbabilityCalibration } from './calibrate.ts';

/**
 * What the held-back part showed, said as it was: a worse held-back ECE beside a worse test ECE read,
 * in "(held-back part 0.0727 → 0.0743); it is kept", as if the held-back part had justified keeping it.
 */
export const heldBackSaid = (c: ProbabilityCalibration): string => {
  const { before, after } = c.held_back_ece;
  const how = after > before ? 'got worse too' : after < before ? 'improved' : 'did not change';
  return `on the held-back part, where it was fitted, the ECE ${how} (${before.toFixed(4)} → ${after.toFixed(4)})`;
};

/**
 * Warnings on the test part's calibration, for the card and the training log. The calibration is
 * decided on the held-back part alone: choosing it by the test rows would leave no unseen rows to
 * judge the model on, so a calibration that worsens the test ECE is kept and said so, not undone.
 */
export function calibrationWarnings(c: ProbabilityCalibration, testTable: CalibrationRow[]): string[] {
  const out: string[] = [];
  if (c.method === 'platt' && !c.skipped && c.test.ece_after > c.test.ece_before)
    out.push(
      `calibration did not improve the test part: ECE ${c.test.ece_before.toFixed(4)} → ${c.test.ece_after.toFixed(4)}; ${heldBackSaid(c)}; it is kept because its fit passed the checks (at least ${plattMinimum.events} bads and goods on the held-back part, a slope of at least ${plattMinimum.slope}), decided without the test rows — consider --calibration none or a larger held-back part`,
    );
  const off = testTable.filter((r) => r.n > 0 && Math.abs(r.mean_predicted - r.observed_rate) > bandTolerance(r));
  if (off.length)
    out.push(
      `test probabilities off the observed rate beyond twice its standard error and 0.05: ${off
        .map(
          (r) =>
            `band ${r.band} predicts ${r.mean_predicted.toFixed(4)} against ${r.observed_rate.toFixed(4)} observed (n ${r.n})`,
        )
        .join('; ')}`,
    );
  return out;
}

/**
 * How far a band's mean prediction may sit from its observed rate before it is flagged: twice the
 * binomial standard error at the predicted rate (the noise of n rows), and at least 0.05 (a gap a
 * reader would act on).
 */
export const bandTolerance = (r: CalibrationRow): number =>
  Math.max(0.05, 2 * Math.sqrt((r.mean_predicted * (1 - r.mean_predicted)) / r.n));
