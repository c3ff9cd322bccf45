import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../models/data/dataset.ts';
import type { ModelArtifact } from '../../../models/model-types.ts';
import {
  missingAboveTraining,
  missingValueLines,
  trainingMissingShares,
  unseenMissing,
  unknownValueTreatment,
} from '../../../models/missing-values.ts';

const bin = (rule: object, count: number) => ({ rule, count, bad: 0, woe: 0, points: 0 });
/** A scorecard whose amount was never missing in training and whose duration was missing on 1 row in 10. */
const card = {
  kind: 'scorecard',
  variables: [
    {
      feature: 'amount',
      kind: 'numeric',
      coef: 1,
      iv: 0.1,
      fallback: 1,
      bins: [bin({ type: 'range', lo: null, hi: 1000 }, 60), bin({ type: 'range', lo: 1000, hi: null }, 40)],
    },
    {
      feature: 'duration',
      kind: 'numeric',
      coef: 1,
      iv: 0.1,
      fallback: 0,
      bins: [bin({ type: 'missing' }, 10), bin({ type: 'range', lo: null, hi: null }, 90)],
    },
  ],
} as unknown as ModelArtifact;

const batch = (amount: number[], duration: number[]): Dataset => ({
  n: amount.length,
  columns: [
    { name: 'amount', kind: 'numeric', values: Float64Array.from(amount) },
    { name: 'duration', kind: 'numeric', values: Float64Array.from(duration) },
  ],
  label: new Uint8Array(amount.length),
  period: new Array<string>(amount.length).fill(''),
  ids: amount.map((_, i) => String(i + 1)),
});

describe('missing cells a table model was not trained for', () => {
  it('reads the training missing share from the bins', () => {
    expect(Object.fromEntries(trainingMissingShares(card))).toEqual({ amount: 0, duration: 0.1 });
  });

  it('a blank column of a batch is counted and warned about, as an unseen category is', () => {
    const ds = batch(new Array<number>(20).fill(Number.NaN), new Array<number>(20).fill(12));
    expect(unseenMissing(card, ds)).toEqual({ amount: 20 });
    expect(missingAboveTraining(card, ds)).toEqual({ amount: { rows: 20, batch_share: 1, training_share: 0 } });
    expect(missingValueLines(20, unseenMissing(card, ds), missingAboveTraining(card, ds))).toEqual([
      'warning: amount: missing in 100 % of the batch (20 of 20 rows), 0 % in training: a blank or renamed column in the export? these rows are scored on a value the model never saw missing',
    ]);
  });

  it('one row missing a never-missing cell is counted; a column missing as often as in training is not', () => {
    const ds = batch([Number.NaN, 5, 5, 5, 5, 5, 5, 5, 5, 5], [Number.NaN, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(unseenMissing(card, ds)).toEqual({ amount: 1 });
    expect(missingAboveTraining(card, ds)).toEqual({});
    expect(missingValueLines(10, unseenMissing(card, ds), {})).toEqual([
      `warning: amount: 1 row missing, a value never missing in training → scored as an unknown value (${unknownValueTreatment})`,
    ]);
  });

  it('a column missing far more often than in training is warned about', () => {
    const ds = batch(new Array<number>(10).fill(1), [...new Array<number>(6).fill(Number.NaN), 1, 1, 1, 1]);
    expect(missingAboveTraining(card, ds)).toEqual({ duration: { rows: 6, batch_share: 0.6, training_share: 0.1 } });
    expect(unseenMissing(card, ds)).toEqual({});
  });
});
