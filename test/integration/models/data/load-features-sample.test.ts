import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureRows } from '../../../../models/data/load-features.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/** train --loan-share's sample: drawn by --seed, so retraining with other seeds trains on other loans. */
describe('the loan sample of the book features', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const loans = Array.from({ length: 400 }, (_, i) => `L${String(i).padStart(9, '0')}`);
  beforeAll(async () => {
    wh = await testWarehouse('load_features_sample');
    await wh.client.insert({
      table: tableRef(wh, 'ew_features'),
      format: 'JSONEachRow',
      values: loans.map((loan_id) => ({
        loan_id,
        month_end: '2024-06-30',
        eligible: 1,
        label_observed: 1,
        label: 0,
        target: 'dpd30_3m',
      })),
    });
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));

  const sample = async (sampleSeed?: number) =>
    (await loadFeatureRows(wh, { mode: 'labelled', loanShare: 0.25, sampleSeed })).ids;

  it('another seed draws another sample of about the same share; seed 1 the one drawn before seeds chose it', async () => {
    const [before, one, two, again] = [await sample(), await sample(1), await sample(2), await sample(2)];
    expect(one).toEqual(before);
    expect(two).toEqual(again);
    expect(two).not.toEqual(one);
    for (const s of [one, two]) expect(s.length).toBeGreaterThan(60);
    for (const s of [one, two]) expect(s.length).toBeLessThan(140);
  });
});
