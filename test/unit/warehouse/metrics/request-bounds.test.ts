import { describe, expect, it } from 'vitest';
import { MetricRequestError } from '../../../../warehouse/metrics/compile.ts';
import { assertWithinData, normaliseMetricRequest } from '../../../../warehouse/metrics/request-bounds.ts';
import { parseMetricRequest } from '../../../../warehouse/metrics/run.ts';

describe('metric request bounds and normal form', () => {
  it('refuses dates more than 12 months past the data, naming each', () => {
    expect(() => {
      assertWithinData(parseMetricRequest({ as_of: '2149-06-01' }), '2024-06-30');
    }).toThrow(
      /^as_of 2149-06-01: too far past the data, which ends 2024-06-30; dates may reach 12 months past it \(2025-06-30\)$/,
    );
    expect(() => {
      assertWithinData(parseMetricRequest({ from: '2025-07-01', cohort_to: '2030-01' }), '2024-06-30');
    }).toThrow(/from 2025-07-01, cohort_to 2030-01: too far/);
    expect(() => {
      assertWithinData(
        parseMetricRequest({ as_of: '2025-06-30', to: '2025-06-01', cohort_to: '2025-06' }),
        '2024-06-30',
      );
    }).not.toThrow();
    expect(() => {
      assertWithinData(parseMetricRequest({ as_of: '2149-06-01' }), null);
    }).toThrow(MetricRequestError);
  });

  it('gives equivalent requests one form: lists sorted and unique, dates as month-ends, as_of filled', () => {
    const a = normaliseMetricRequest(
      parseMetricRequest({
        product: ['b', 'a', 'b'],
        region: ['x'],
        to: '2024-05-17',
        group_by: ['product', 'month_end', 'product'],
      }),
      '2024-06-30',
    );
    const b = normaliseMetricRequest(
      parseMetricRequest({
        region: ['x'],
        product: ['a', 'b'],
        to: '2024-05-31',
        as_of: '2024-06-01',
        basis: 'balance',
        group_by: ['product', 'month_end'],
      }),
      '2024-06-30',
    );
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a).toEqual({
      group_by: ['product', 'month_end'],
      basis: 'balance',
      cohort_grain: 'month',
      product: ['a', 'b'],
      region: ['x'],
      to: '2024-05-31',
      as_of: '2024-06-30',
    });
    // the order of group_by is the order of the columns: kept
    expect(normaliseMetricRequest(parseMetricRequest({ group_by: ['month_end', 'product'] }), null).group_by).toEqual([
      'month_end',
      'product',
    ]);
  });
});
