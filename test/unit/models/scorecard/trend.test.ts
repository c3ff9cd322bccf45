import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Column } from '../../../../models/data/dataset.ts';
import {
  binColumn,
  defaultBinning,
  type BinningOptions,
  type VariableBins,
} from '../../../../models/scorecard/binning.ts';
import { autoCandidates, follows, trends, type Shape } from '../../../../models/scorecard/trend.ts';

/** x uniform on [0, 1) with 3 % missing; the event rate at x is `truth(x)`. */
function feature(truth: (x: number) => number, n: number, seed: number) {
  const rng = new Rng(seed);
  const values = new Float64Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.chance(0.03) ? Number.NaN : rng.next();
    values[i] = x;
    label[i] = rng.chance(Number.isNaN(x) ? 0.2 : truth(x)) ? 1 : 0;
  }
  return { col: { name: 'x', kind: 'numeric', values } as Column, label };
}

const bump = (x: number) => Math.exp(-(((x - 0.5) / 0.12) ** 2));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-(x - 0.5) / 0.08));

/**
 * Event-rate shapes, each true of one trend and of no more restrictive one: a sigmoid rises but
 * bends both ways (neither concave nor convex), a narrow bump on a flat base peaks but is not
 * concave, a parabola is concave (and so also a peak — the more restrictive trend is the truth).
 */
const truths: Record<Exclude<Shape, 'none'>, (x: number) => number> = {
  ascending: (x) => 0.03 + 0.3 * sigmoid(x),
  descending: (x) => 0.03 + 0.3 * sigmoid(1 - x),
  peak: (x) => 0.05 + 0.3 * bump(x),
  valley: (x) => 0.35 - 0.3 * bump(x),
  concave: (x) => 0.05 + 1.2 * x * (1 - x),
  convex: (x) => 0.35 - 1.2 * x * (1 - x),
};
const opposite: Record<Exclude<Shape, 'none'>, Exclude<Shape, 'none'>> = {
  ascending: 'descending',
  descending: 'ascending',
  peak: 'valley',
  valley: 'peak',
  concave: 'convex',
  convex: 'concave',
};

const ranges = (vb: VariableBins) => vb.bins.filter((b) => b.rule.type === 'range');
const rangeRates = (vb: VariableBins) => ranges(vb).map((b) => b.bad / b.count);
const followsRanges = (vb: VariableBins, shape: Shape) =>
  follows(
    rangeRates(vb),
    shape,
    ranges(vb).map((b) => b.count),
  );
const bin = (shape: Exclude<Shape, 'none'>, o: Partial<BinningOptions>, seed = 1, n = 20_000) => {
  const { col, label } = feature(truths[shape], n, seed);
  return binColumn(col, label, { ...defaultBinning, ...o });
};

describe('event-rate trends', () => {
  for (const shape of autoCandidates) {
    it(`${shape}: a feature shaped so gets ranges that follow it, and keep its shape (≥ 4 ranges)`, () => {
      for (const seed of [1, 2, 3]) {
        const vb = bin(shape, { trend: shape }, seed);
        const rates = rangeRates(vb);
        expect(followsRanges(vb, shape), rates.join(' ')).toBe(true);
        expect(rates.length).toBeGreaterThanOrEqual(4);
        expect(vb.trend).toMatchObject({ requested: shape, chosen: shape });
      }
    });

    it(`${shape}: a feature of the opposite shape is merged until it follows ${shape}, losing most of its IV`, () => {
      const own = bin(opposite[shape], { trend: opposite[shape] });
      const forced = bin(opposite[shape], { trend: shape });
      const rates = rangeRates(forced);
      expect(followsRanges(forced, shape)).toBe(true);
      expect(rates.length).toBeLessThan(rangeRates(own).length);
      expect(forced.iv).toBeLessThan(own.iv / 2);
    });

    // 50,000 rows: a parabola's bend between neighbouring bins must stand out of the noise, or the
    // concave bins lose a real difference and BIC rightly prefers the peak
    it(`auto picks ${shape} for a feature shaped so`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const vb = bin(shape, { trend: 'auto' }, seed, 50_000);
        expect(vb.trend?.chosen, JSON.stringify(vb.trend?.candidates)).toBe(shape);
        expect(followsRanges(vb, shape)).toBe(true);
      }
    });
  }

  it('a monotonic trend refuses a shape it cannot hold: one range is left', () => {
    expect(rangeRates(bin('descending', { trend: 'ascending' }))).toHaveLength(1);
    expect(rangeRates(bin('ascending', { trend: 'descending' }))).toHaveLength(1);
  });

  it('auto-asc-desc (the default) is ascending or descending and matches `monotonic: true` without a trend', () => {
    for (const shape of autoCandidates) {
      const vb = bin(shape, {});
      expect(['ascending', 'descending']).toContain(vb.trend?.chosen);
      expect(vb.bins).toEqual(bin(shape, { trend: 'auto-asc-desc' }).bins);
    }
    expect(bin('ascending', {}).trend?.chosen).toBe('ascending');
    expect(bin('descending', {}).trend?.chosen).toBe('descending');
    // monotonic: false without a trend is no trend
    expect(bin('peak', { monotonic: false }).trend?.chosen).toBe('none');
  });

  it('trends are listed once, with auto-asc-desc first (the default)', () => {
    expect(new Set(trends).size).toBe(trends.length);
    expect(trends[0]).toBe('auto-asc-desc');
  });
});
