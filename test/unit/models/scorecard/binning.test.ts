import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import {
  binColumn,
  binIndexCategory,
  binIndexNumeric,
  defaultBinning,
  type BinningOptions,
  woeOf,
} from '../../../../models/scorecard/binning.ts';
import type { Column } from '../../../../models/data/dataset.ts';

/** x uniform on [0, 100) with 8 % missing and 5 % special -1; risk rises with x, with a bump in the middle. */
function synthetic(n: number, seed: number) {
  const rng = new Rng(seed);
  const values = new Float64Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const x = u < 0.08 ? Number.NaN : u < 0.13 ? -1 : rng.uniform(0, 100);
    values[i] = x;
    const p = Number.isNaN(x) ? 0.4 : x === -1 ? 0.05 : 0.05 + 0.003 * x + (x > 45 && x < 55 ? -0.08 : 0);
    label[i] = rng.chance(p) ? 1 : 0;
  }
  return { col: { name: 'x', kind: 'numeric', values } as Column, label };
}

const rangeBins = (bins: ReturnType<typeof binColumn>['bins']) => bins.filter((b) => b.rule.type === 'range');

describe('binning invariants', () => {
  const { col, label } = synthetic(20_000, 3);
  for (const method of ['chimerge', 'tree'] as const) {
    const o: BinningOptions = { ...defaultBinning, method, specialValues: [-1], minBinShare: 0.07 };
    const vb = binColumn(col, label, o);

    it(`${method}: monotonic bad rate over the ranges when asked`, () => {
      const rates = rangeBins(vb.bins).map((b) => b.bad / b.count);
      expect(rates.length).toBeGreaterThan(1);
      for (let k = 1; k < rates.length; k++) expect(rates[k]!).toBeGreaterThanOrEqual(rates[k - 1]!);
    });

    it(`${method}: every range bin holds at least the minimum share, ranges tile the line`, () => {
      const r = rangeBins(vb.bins);
      for (const b of r) expect(b.count).toBeGreaterThanOrEqual(Math.ceil(0.07 * 20_000));
      expect(r.length).toBeLessThanOrEqual(o.maxBins);
      const rules = r.map((b) => b.rule as { lo: number | null; hi: number | null });
      expect(rules[0]!.lo).toBeNull();
      expect(rules.at(-1)!.hi).toBeNull();
      for (let k = 1; k < rules.length; k++) expect(rules[k]!.lo).toBe(rules[k - 1]!.hi);
    });

    it(`${method}: missing and special values have bins of their own, scored consistently`, () => {
      const miss = vb.bins.findIndex((b) => b.rule.type === 'missing');
      const spec = vb.bins.findIndex((b) => b.rule.type === 'special');
      expect(vb.bins[miss]!.count).toBe(
        Array.from(col.kind === 'numeric' ? col.values : []).filter(Number.isNaN).length,
      );
      expect(vb.bins[spec]!.count).toBeGreaterThan(0);
      expect(binIndexNumeric(vb, Number.NaN)).toBe(miss);
      expect(binIndexNumeric(vb, -1)).toBe(spec);
      expect(vb.bins[miss]!.woe).toBeGreaterThan(0.5); // 40 % bad against ~20 % overall
    });
  }

  it('special values apply only to the features they are codes of, when those are named', () => {
    const specials = (o: Partial<BinningOptions>) =>
      binColumn(col, label, { ...defaultBinning, specialValues: [-1], ...o }).bins.filter(
        (b) => b.rule.type === 'special',
      ).length;
    expect(specials({})).toBe(1);
    expect(specials({ specialFeatures: ['x', 'y'] })).toBe(1);
    expect(specials({ specialFeatures: ['y'] })).toBe(0);
    const vb = binColumn(col, label, { ...defaultBinning, specialValues: [-1], specialFeatures: ['y'] });
    expect(vb.bins[binIndexNumeric(vb, -1)]!.rule).toMatchObject({ type: 'range', lo: null });
  });

  it("special values of one column (the data-quality gate's sentinel codes) bin apart in that column only", () => {
    const special = (name: string, o: Partial<BinningOptions>) =>
      binColumn({ ...col, name }, label, { ...defaultBinning, ...o })
        .bins.filter((b) => b.rule.type === 'special')
        .map((b) => (b.rule.type === 'special' ? b.rule.value : null));
    expect(special('x', { specialByFeature: { x: [-1] } })).toEqual([-1]);
    expect(special('y', { specialByFeature: { x: [-1] } })).toEqual([]);
    expect(special('x', { specialValues: [-1], specialFeatures: ['z'], specialByFeature: { x: [-1] } })).toEqual([-1]);
    // inherited names are not columns
    expect(special('toString', { specialByFeature: { x: [-1] } })).toEqual([]);
  });

  it('without the monotonic constraint the mid-range dip can survive as its own bin', () => {
    const vb = binColumn(col, label, { ...defaultBinning, monotonic: false, maxBins: 10, minBinShare: 0.02 });
    const rates = rangeBins(vb.bins).map((b) => b.bad / b.count);
    expect(rates.some((r, k) => k > 0 && r < rates[k - 1]!)).toBe(true);
  });

  it('an unseen category scores as the riskiest bin; a rare category is merged, not dropped', () => {
    const levels = ['a', 'b', 'c', 'rare'];
    const rng = new Rng(9);
    const n = 5000;
    const codes = new Int32Array(n);
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 250 === 0 ? 3 : i % 3;
      codes[i] = c;
      label[i] = rng.chance([0.05, 0.2, 0.5, 0.3][c]!) ? 1 : 0;
    }
    const vb = binColumn({ name: 'c', kind: 'categorical', codes, levels }, label, {
      ...defaultBinning,
      minBinShare: 0.05,
    });
    const cats = vb.bins
      .filter((b) => b.rule.type === 'categories')
      .flatMap((b) => (b.rule.type === 'categories' ? b.rule.values : []));
    expect(cats.sort()).toEqual(levels);
    const riskiest = vb.bins.reduce((m, b, k) => (b.count > 0 && b.woe > vb.bins[m]!.woe ? k : m), 0);
    expect(binIndexCategory(vb, 'never-seen')).toBe(riskiest);
    expect(vb.bins.reduce((s, b) => s + b.count, 0)).toBe(n);
    // missing never seen in training: its (empty) bin carries the riskiest WoE
    expect(vb.bins[binIndexCategory(vb, null)]!.woe).toBe(vb.bins[riskiest]!.woe);
  });
});

describe("a bin's WoE", () => {
  it('has the sign of %bad − %good (0 allowed where a side is empty), so every IV term is at least 0', () => {
    const rng = new Rng(41);
    for (let t = 0; t < 5_000; t++) {
      const totalBad = rng.int(1, 500);
      const totalGood = rng.int(1, 5_000);
      // bins with no bad or no good now and then, small and large
      const bad = rng.chance(0.3) ? 0 : rng.int(0, totalBad);
      const good = bad > 0 && rng.chance(0.2) ? 0 : rng.int(bad === 0 ? 1 : 0, totalGood);
      const woe = woeOf(bad, good, totalBad, totalGood);
      const diff = bad / totalBad - good / totalGood;
      expect(Number.isFinite(woe)).toBe(true);
      expect(diff * woe, `${bad}/${totalBad} bad, ${good}/${totalGood} good: WoE ${woe}`).toBeGreaterThanOrEqual(0);
    }
    // the card's case: 3 rows, no bad, among 38 bad and 506 good — not riskier than average
    expect(woeOf(0, 3, 38, 506)).toBe(0);
    expect(woeOf(0, 400, 38, 506)).toBeLessThan(0);
  });
});
