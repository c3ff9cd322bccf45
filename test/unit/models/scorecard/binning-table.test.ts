import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Column } from '../../../../models/data/dataset.ts';
import {
  binColumn,
  binIndexNumeric,
  defaultBinning,
  type BinningOptions,
} from '../../../../models/scorecard/binning.ts';
import { follows, trends } from '../../../../models/scorecard/trend.ts';
import { binningTable } from '../../../../models/scorecard/binning-table.ts';

/**
 * Random data: a piecewise event-rate curve with random levels, 0–10 % missing, a special code
 * −9 in 0–8 % of rows and sometimes a second code 99; rows in 6 periods.
 */
function randomFeature(seed: number) {
  const rng = new Rng(seed);
  const n = rng.int(2_000, 30_000);
  const levels = Array.from({ length: rng.int(2, 8) }, () => rng.uniform(0.01, 0.5));
  const missing = rng.uniform(0, 0.1);
  const special = rng.uniform(0, 0.08);
  const second = rng.chance(0.5) ? rng.uniform(0.005, 0.03) : 0;
  const values = new Float64Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const x =
      u < missing
        ? Number.NaN
        : u < missing + special
          ? -9
          : u < missing + special + second
            ? 99
            : Math.round(rng.uniform(0, 50) * 100) / 100;
    values[i] = x;
    const p = Number.isNaN(x)
      ? 0.3
      : x === -9
        ? 0.02
        : x === 99
          ? 0.6
          : levels[Math.floor((x / 50.0001) * levels.length)]!;
    label[i] = rng.chance(p) ? 1 : 0;
    period.push(`2024-0${1 + (i % 6)}-28`);
  }
  const o: BinningOptions = {
    ...defaultBinning,
    method: rng.chance(0.5) ? 'chimerge' : 'tree',
    maxBins: rng.int(2, 12),
    minBinShare: rng.uniform(0.01, 0.2),
    trend: rng.pick(trends),
    timeStable: rng.chance(0.5),
    specialByFeature: { x: second ? [-9, 99] : [-9] },
  };
  return { col: { name: 'x', kind: 'numeric', values } as Column, label, period, o, n };
}

describe('binning options on random data (property over seeds)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { col, label, period, o, n } = randomFeature(seed);
    const vb = binColumn(col, label, o, period);
    const ranges = vb.bins.filter((b) => b.rule.type === 'range');

    it(`seed ${seed} (${o.method}, ${o.trend}, ≤ ${o.maxBins} bins of ≥ ${(100 * o.minBinShare).toFixed(1)} %${o.timeStable ? ', time-stable' : ''}): bins respect the options`, () => {
      expect(ranges.length).toBeLessThanOrEqual(o.maxBins);
      if (ranges.length > 1)
        for (const b of ranges) expect(b.count).toBeGreaterThanOrEqual(Math.ceil(o.minBinShare * n));
      // the chosen trend holds over the ranges
      const shape = vb.trend!.chosen;
      expect(
        follows(
          ranges.map((b) => b.bad / b.count),
          shape,
          ranges.map((b) => b.count),
        ),
      ).toBe(true);
      if (o.trend !== 'auto' && o.trend !== 'auto-asc-desc') expect(shape).toBe(o.trend!);
      // ranges tile the line
      const rules = ranges.map((b) => b.rule as { lo: number | null; hi: number | null });
      expect(rules[0]!.lo).toBeNull();
      expect(rules.at(-1)!.hi).toBeNull();
      for (let k = 1; k < rules.length; k++) expect(rules[k]!.lo).toBe(rules[k - 1]!.hi);
    });

    it(`seed ${seed}: missing and each special code keep bins of their own, never merged into a range`, () => {
      const values = col.kind === 'numeric' ? col.values : new Float64Array();
      const countOf = (f: (x: number) => boolean) => Array.from(values).filter(f).length;
      const missing = vb.bins.find((b) => b.rule.type === 'missing')!;
      expect(missing.count).toBe(countOf(Number.isNaN));
      for (const code of o.specialByFeature!.x!) {
        const k = binIndexNumeric(vb, code);
        expect(vb.bins[k]!.rule).toEqual({ type: 'special', value: code });
        expect(vb.bins[k]!.count).toBe(countOf((x) => x === code));
      }
      expect(vb.bins.reduce((s, b) => s + b.count, 0)).toBe(n);
      if (o.timeStable) expect(vb.stability!.order_held_share ?? 1).toBe(1);
    });

    it(`seed ${seed}: the binning table's IV is the sum of its per-bin IV terms`, () => {
      const t = binningTable(vb);
      const sum = t.rows.reduce((s, r) => s + r.iv, 0);
      expect(t.iv).toBe(vb.iv);
      expect(Math.abs(t.iv - sum)).toBeLessThan(1e-12);
      // each term is (%bad − %good) · WoE, from the table's own columns
      const tb = t.rows.reduce((s, r) => s + r.bads, 0);
      const tg = t.rows.reduce((s, r) => s + r.goods, 0);
      for (const r of t.rows)
        if (r.count) expect(r.iv).toBeCloseTo((r.bads / tb - r.goods / tg) * r.woe, 12);
        else expect(r.iv).toBe(0);
      expect(t.rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
    });
  }
});
