import { describe, expect, it } from 'vitest';
import { csvValue, valueTypeOf } from '../../../../warehouse/metrics/column-values.ts';
import { metricCsv } from '../../../../warehouse/metrics/csv.ts';
import type { MetricResult } from '../../../../warehouse/metrics/run.ts';

describe('metric values in CSV', () => {
  it('each column type: money to the cent, ratios to 6 decimals, counts and numbers as they are up to 6', () => {
    expect(valueTypeOf({ name: 'flow_share', kind: 'measure', denominator: 'loans in from_bucket at t' })).toBe(
      'ratio',
    );
    expect(valueTypeOf({ name: 'avg_days_late', kind: 'number', denominator: 'days after the deadline' })).toBe(
      'number',
    );
    expect(valueTypeOf({ name: 'ecl', kind: 'measure' })).toBe('money');
    expect(valueTypeOf({ name: 'loans', kind: 'count' })).toBe('count');
    expect(valueTypeOf({ name: 'bucket', kind: 'dimension' })).toBe('text');

    const money = csvValue.money;
    expect(['1234.5', '1234', '0.1', '-3.5', 1234.5, 1234.567891234, 0.005, -0.001, '12.34'].map(money)).toEqual([
      '1234.50',
      '1234.00',
      '0.10',
      '-3.50',
      '1234.50',
      '1234.57',
      '0.01',
      '0.00',
      '12.34',
    ]);
    // a Decimal(38, 2) sum beyond 2^53 is padded as text, not rounded through a float
    expect(money('123456789012345678.5')).toBe('123456789012345678.50');
    expect(csvValue.ratio(0.123456789)).toBe('0.123457');
    expect(csvValue.ratio(1)).toBe('1.000000');
    expect(csvValue.ratio('0.25')).toBe('0.250000');
    expect(csvValue.number(95)).toBe(95);
    expect(csvValue.number(2 / 3)).toBe('0.666667');
    expect(csvValue.number(0.1 + 0.2)).toBe('0.3');
    expect(csvValue.count('18446744073709551615')).toBe('18446744073709551615');
    expect(csvValue.text('M1')).toBe('M1');
  });

  it("a metric's CSV: the engine's '1234.5' as 1234.50, a Float64 ECL to the cent, no thousands separators", () => {
    const r = {
      metric: 'm',
      title: 'm',
      as_of: '2024-06-30',
      basis: 'balance',
      request: {},
      columns: [
        { name: 'month_end', kind: 'dimension' },
        { name: 'outstanding', kind: 'measure' },
        { name: 'ecl', kind: 'measure' },
        { name: 'loans', kind: 'count' },
        { name: 'npl_ratio', kind: 'ratio', denominator: 'outstanding' },
        { name: 'flow_share', kind: 'measure', denominator: 'balance in from_bucket at t' },
        { name: 'auc', kind: 'number' },
      ],
      rows: [
        {
          month_end: '2024-06-30',
          outstanding: '1234567.5',
          ecl: 98765.432198765,
          loans: '300',
          npl_ratio: 0.0123456789,
          flow_share: 1,
          auc: 0.7512345678,
        },
        { month_end: '2024-05-31', outstanding: '0', ecl: null, loans: 0, npl_ratio: null, flow_share: 0, auc: null },
      ],
    } as unknown as MetricResult;
    expect(metricCsv(r)).toBe(
      'month_end,outstanding,ecl,loans,npl_ratio,flow_share,auc\n' +
        '2024-06-30,1234567.50,98765.43,300,0.012346,1.000000,0.751235\n' +
        '2024-05-31,0.00,,0,,0.000000,\n',
    );
  });
});
