import { describe, expect, it } from 'vitest';
import { loadFeatureTable } from '../../../../models/data/load-table.ts';
import { binColumn, defaultBinning } from '../../../../models/scorecard/binning.ts';
import { sharedData } from '../../../helpers/shared-data.ts';

// Hand computation (counts of the 1,000 rows: 300 bad, 700 good; WoE = ln(%bad / %good)):
//   checking '... < 0 DM' 135 bad / 139 good → ln((135/300)/(139/700)) = 0.818099
//   '0 <= ... < 200 DM' 105/164 → 0.401392; '... >= 200 DM …' 14/49 → −0.405465; 'no checking account' 46/348 → −1.176263
//   IV = Σ (%bad − %good)·WoE = 0.666012.  housing: for free 44/64 → 0.472604, own 186/527 → −0.194156, rent 70/109 → 0.404445; IV 0.083293
const hand = {
  status_of_existing_checking_account: {
    iv: 0.666012,
    woe: {
      '... < 0 DM': 0.818099,
      '0 <= ... < 200 DM': 0.401392,
      '... >= 200 DM / salary assignments for at least 1 year': -0.405465,
      'no checking account': -1.176263,
    },
  },
  housing: { iv: 0.083293, woe: { 'for free': 0.472604, own: -0.194156, rent: 0.404445 } },
} as const;

describe('WoE and IV on German credit equal the hand computation', async () => {
  const ds = await loadFeatureTable(sharedData('german_credit', 'germancredit.csv'), {
    target: 'creditability',
    badValue: 'bad',
  });
  // one bin per category: no merging
  const fine = { ...defaultBinning, maxBins: 100, minBinShare: 0, chiThreshold: 0 };
  for (const [name, expected] of Object.entries(hand)) {
    it(name, () => {
      const col = ds.columns.find((c) => c.name === name)!;
      const vb = binColumn(col, ds.label, fine);
      expect(vb.totalBad).toBe(300);
      expect(vb.iv).toBeCloseTo(expected.iv, 5);
      for (const [cat, woe] of Object.entries(expected.woe)) {
        const bin = vb.bins.find((b) => b.rule.type === 'categories' && b.rule.values.includes(cat))!;
        expect(bin.rule.type === 'categories' && bin.rule.values).toEqual([cat]);
        expect(bin.woe).toBeCloseTo(woe, 5);
      }
    });
  }

  it('infers kinds and rejects a table whose target names no bad value', async () => {
    expect(ds.columns.find((c) => c.name === 'duration_in_month')!.kind).toBe('numeric');
    expect(ds.columns.find((c) => c.name === 'purpose')!.kind).toBe('categorical');
    await expect(
      loadFeatureTable(sharedData('german_credit', 'germancredit.csv'), { target: 'creditability' }),
    ).rejects.toThrow(/--bad-value/);
    await expect(loadFeatureTable(sharedData('german_credit', 'germancredit.csv'), { target: 'nope' })).rejects.toThrow(
      /no target column/,
    );
  });
});
