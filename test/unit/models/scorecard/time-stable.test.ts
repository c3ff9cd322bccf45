import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Column } from '../../../../models/data/dataset.ts';
import {
  assignBins,
  binColumn,
  defaultBinning,
  type BinningOptions,
  type VariableBins,
} from '../../../../models/scorecard/binning.ts';

const periods = Array.from({ length: 8 }, (_, m) => `2023-${String(m + 1).padStart(2, '0')}-28`);
const flipped = periods[4]!;

/**
 * x uniform on [0, 3) in 8 monthly periods of 4,000 rows; the event rate is 4 %, 12 % and 30 % on
 * [0, 1), [1, 2) and [2, 3) — except in May, where [1, 2) and [2, 3) swap their rates.
 */
function flipping(seed: number) {
  const rng = new Rng(seed);
  const n = periods.length * 4_000;
  const values = new Float64Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = periods[i % periods.length]!;
    const x = rng.uniform(0, 3);
    const band = Math.floor(x);
    const rates = p === flipped ? [0.04, 0.3, 0.12] : [0.04, 0.12, 0.3];
    values[i] = x;
    label[i] = rng.chance(rates[band]!) ? 1 : 0;
    period.push(p);
  }
  return { col: { name: 'x', kind: 'numeric', values } as Column, label, period };
}

/** Each period's event rate per regular bin, with its bads, from the rows themselves. */
function ratesByPeriod(vb: VariableBins, col: Column, label: Uint8Array, period: string[]) {
  const idx = assignBins(vb, col);
  const regular = vb.bins.map((b, k) => [b, k] as const).filter(([b]) => b.rule.type === 'range');
  return periods.map((p) =>
    regular.map(([, k]) => {
      let n = 0;
      let bad = 0;
      for (let i = 0; i < idx.length; i++)
        if (idx[i] === k && period[i] === p) {
          n++;
          bad += label[i]!;
        }
      return { rate: bad / n, bad };
    }),
  );
}

describe('time-stable binning', () => {
  const o: BinningOptions = { ...defaultBinning, trend: 'ascending', minBinShare: 0.02, maxBins: 10 };
  for (const seed of [1, 2, 3]) {
    const { col, label, period } = flipping(seed);
    const plain = binColumn(col, label, o, period);
    const stable = binColumn(col, label, { ...o, timeStable: true }, period);

    it(`seed ${seed}: without it the bins are ascending overall but their order flips in ${flipped}, and the figure says so`, () => {
      expect(plain.stability!.order_held_share).toBeLessThan(1);
      expect(plain.stability!.flipped_periods).toContain(flipped);
      expect(plain.timeStableMerges).toBeUndefined();
    });

    it(`seed ${seed}: with it the merged bins keep their order in every period with enough events, and the merge names ${flipped}`, () => {
      const minEvents = stable.stability!.min_events;
      for (const rates of ratesByPeriod(stable, col, label, period))
        for (let k = 1; k < rates.length; k++)
          if (rates[k]!.bad >= minEvents && rates[k - 1]!.bad >= minEvents)
            expect(rates[k]!.rate).toBeGreaterThanOrEqual(rates[k - 1]!.rate);
      expect(stable.stability).toMatchObject({ periods: 8, order_held_share: 1, flipped_periods: [] });
      expect(stable.timeStableMerges!.length).toBeGreaterThan(0);
      expect(stable.timeStableMerges!.some((m) => m.periods.includes(flipped))).toBe(true);
      // the low band is kept apart from the merged upper ones: the order [0, 1) < the rest holds in May too
      const ranges = stable.bins.filter((b) => b.rule.type === 'range');
      expect(ranges.length).toBeGreaterThanOrEqual(2);
      expect(ranges.length).toBeLessThan(plain.bins.filter((b) => b.rule.type === 'range').length);
      expect(stable.bins.reduce((s, b) => s + b.count, 0)).toBe(col.kind === 'numeric' ? col.values.length : 0);
    });
  }

  it('a feature whose order holds every month is left as it is', () => {
    const rng = new Rng(5);
    const n = 32_000;
    const values = Float64Array.from({ length: n }, () => rng.uniform(0, 3));
    const label = Uint8Array.from(values, (x) => (rng.chance([0.04, 0.12, 0.3][Math.floor(x)]!) ? 1 : 0));
    const period = Array.from({ length: n }, (_, i) => periods[i % periods.length]!);
    const col: Column = { name: 'x', kind: 'numeric', values };
    const plain = binColumn(col, label, { ...o, maxBins: 3 }, period);
    const stable = binColumn(col, label, { ...o, maxBins: 3, timeStable: true }, period);
    expect(stable.bins).toEqual(plain.bins);
    expect(stable.timeStableMerges).toEqual([]);
    expect(stable.stability!.order_held_share).toBe(1);
  });

  it('categories: a pair whose order flips in one period is merged too', () => {
    const rng = new Rng(8);
    const n = 32_000;
    const codes = new Int32Array(n);
    const label = new Uint8Array(n);
    const period: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = periods[i % periods.length]!;
      codes[i] = rng.int(0, 2);
      const rates = p === flipped ? [0.04, 0.3, 0.12] : [0.04, 0.12, 0.3];
      label[i] = rng.chance(rates[codes[i]!]!) ? 1 : 0;
      period.push(p);
    }
    const col: Column = { name: 'c', kind: 'categorical', codes, levels: ['a', 'b', 'c'] };
    const stable = binColumn(col, label, { ...o, timeStable: true }, period);
    const groups = stable.bins.filter((b) => b.rule.type === 'categories').map((b) => b.rule);
    expect(groups).toEqual([
      { type: 'categories', values: ['a'] },
      { type: 'categories', values: ['b', 'c'] },
    ]);
    expect(stable.stability!.order_held_share).toBe(1);
  });

  it('without periods (a table) there is no stability figure and nothing to merge by', () => {
    const { col, label } = flipping(1);
    const vb = binColumn(col, label, { ...o, timeStable: true });
    expect(vb.stability).toBeUndefined();
    expect(vb.bins).toEqual(binColumn(col, label, o).bins);
  });
});
