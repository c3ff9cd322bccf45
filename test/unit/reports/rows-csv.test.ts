import { describe, expect, it } from 'vitest';
import { rowsCsv } from '../../../reports/pack.ts';

describe("a chart's CSV", () => {
  it('has the rows’ columns as its header, and with no rows the metric’s columns', () => {
    expect(rowsCsv([{ grade: 'A', loans: 3 }], ['ignored'])).toBe('grade,loans\nA,3\n');
    expect(rowsCsv([], ['grade', 'loans', 'balance'])).toBe('grade,loans,balance\n');
  });
});
