import { describe, expect, it } from 'vitest';
import { addMonthsClamped, buildSchedule } from '../../../../warehouse/schedule/build-schedule.ts';

const total = (xs: { principalCents: number }[]) => xs.reduce((s, x) => s + x.principalCents, 0);

describe('buildSchedule', () => {
  it('annuity: level payments that repay the principal exactly', () => {
    const s = buildSchedule({
      originationDate: '2024-01-31',
      principalCents: 1_000_000,
      annualRate: 0.12,
      termMonths: 12,
      method: 'annuity',
    });
    expect(s).toHaveLength(12);
    expect(total(s)).toBe(1_000_000);
    // 10,000.00 at 1%/month over 12 months: 888.49 a month, first interest 100.00
    expect(s[0]).toMatchObject({ dueDate: '2024-02-29', interestCents: 10_000, principalCents: 88_849 - 10_000 });
    for (const i of s.slice(0, -1)) expect(i.principalCents + i.interestCents).toBe(88_849);
    expect(Math.abs(s[11]!.principalCents + s[11]!.interestCents - 88_849)).toBeLessThanOrEqual(2);
  });
  it('equal principal: constant principal, declining interest', () => {
    const s = buildSchedule({
      originationDate: '2024-01-15',
      principalCents: 120_001,
      annualRate: 0.12,
      termMonths: 12,
      method: 'equal_principal',
    });
    expect(s[0]).toMatchObject({ principalCents: 10_000, interestCents: 1_200 });
    expect(s[11]).toMatchObject({ principalCents: 10_001, interestCents: 100 });
    expect(total(s)).toBe(120_001);
  });
  it('interest only and bullet', () => {
    const io = buildSchedule({
      originationDate: '2024-01-15',
      principalCents: 100_000,
      annualRate: 0.06,
      termMonths: 3,
      method: 'interest_only',
    });
    expect(io.map((i) => [i.principalCents, i.interestCents])).toEqual([
      [0, 500],
      [0, 500],
      [100_000, 500],
    ]);
    const b = buildSchedule({
      originationDate: '2024-01-15',
      principalCents: 100_000,
      annualRate: 0.06,
      termMonths: 6,
      method: 'bullet',
    });
    expect(b).toEqual([{ installmentNo: 1, dueDate: '2024-07-15', principalCents: 100_000, interestCents: 3_000 }]);
  });
  it('zero-rate annuities repay as equal principal', () => {
    const s = buildSchedule({
      originationDate: '2024-01-15',
      principalCents: 1_000,
      annualRate: 0,
      termMonths: 3,
      method: 'annuity',
    });
    expect(s.map((i) => i.principalCents)).toEqual([333, 333, 334]);
  });
  it('clamps due dates to the month end', () => {
    expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-11-30', 3)).toBe('2025-02-28');
  });
});
