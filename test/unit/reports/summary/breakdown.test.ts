import { describe, expect, it } from 'vitest';
import { breakdownOf } from '../../../../reports/summary/breakdown.ts';

const row = (month_end: string, product: string, outstanding: number, m1plus: number, npl: number) => ({
  month_end,
  product,
  outstanding: outstanding.toFixed(2),
  m1plus: m1plus.toFixed(2),
  npl: npl.toFixed(2),
});

describe('breakdownOf: the NPL-ratio change split by segment', () => {
  const prev = '2024-05-31',
    cur = '2024-06-30';
  const rows = [
    row(prev, 'a', 1000, 50, 10),
    row(prev, 'b', 500, 40, 20),
    row(prev, 'gone', 100, 5, 5),
    row(cur, 'a', 1200, 60, 12),
    row(cur, 'b', 400, 60, 40),
    row(cur, 'new', 200, 0, 1),
  ];
  const b = breakdownOf('product', rows, cur, prev);

  it('mix + rate per segment, and the segments add up to the book’s change exactly', () => {
    const r0 = 35 / 1600,
      r1 = 53 / 1800;
    expect(b.total.npl_ratio.change).toBeCloseTo(r1 - r0, 15);
    expect(b.rows.reduce((s, r) => s + r.contribution!, 0)).toBeCloseTo(r1 - r0, 15);
    for (const r of b.rows) expect(r.mix_effect! + r.rate_effect!).toBeCloseTo(r.contribution!, 15);
    // segment b: weights 500/1600 → 400/1800, rates 0.04 → 0.1
    const sb = b.rows.find((r) => r.segment === 'b')!;
    const w0 = 500 / 1600,
      w1 = 400 / 1800;
    expect(sb.mix_effect).toBeCloseTo((w1 - w0) * ((0.04 + 0.1) / 2), 15);
    expect(sb.rate_effect).toBeCloseTo((0.1 - 0.04) * ((w0 + w1) / 2), 15);
  });

  it('a segment present in one month only: its own ratio at both ends, all of it a mix effect', () => {
    const gone = b.rows.find((r) => r.segment === 'gone')!;
    expect(gone.rate_effect).toBe(0);
    expect(gone.mix_effect).toBeCloseTo(-(100 / 1600) * 0.05, 15);
    expect(gone.balance).toEqual({ value: null, previous_month: 100, change: null });
    expect(b.rows.find((r) => r.segment === 'new')!.npl_ratio.previous_month).toBeNull();
  });

  it('ranked by the size of the contribution; shares of the NPL-balance change add to 1', () => {
    const sizes = b.rows.map((r) => Math.abs(r.contribution!));
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
    expect(b.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(b.rows.reduce((s, r) => s + r.share_of_npl_change!, 0)).toBeCloseTo(1, 12);
  });

  it('the data’s first month: no previous month, so no change and nothing to split ("—", not +22.5M)', () => {
    const first = breakdownOf('product', [row(cur, 'a', 1200, 60, 12), row(cur, 'b', 400, 60, 40)], cur, prev);
    expect(first.total.balance).toEqual({ value: 1600, previous_month: null, change: null });
    expect(first.total.npl_balance).toEqual({ value: 52, previous_month: null, change: null });
    expect(first.total.npl_ratio.change).toBeNull();
    expect([first.total.mix_effect, first.total.rate_effect, first.total.contribution]).toEqual([null, null, null]);
    for (const r of first.rows) {
      expect([r.mix_effect, r.rate_effect, r.contribution, r.share_of_npl_change]).toEqual([null, null, null, null]);
      expect(r.balance.change).toBeNull();
    }
  });
});
