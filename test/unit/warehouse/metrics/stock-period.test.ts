import { describe, expect, it } from 'vitest';
import { MetricRequestError } from '../../../../warehouse/metrics/compile.ts';
import { declaredMetrics } from '../../../../warehouse/metrics/index.ts';
import { parseMetricRequest, withDefaultPeriod } from '../../../../warehouse/metrics/run.ts';

const asOf = '2024-06-30';
const stocks = declaredMetrics.filter((d) => d.stockAt === 'month_end');
/** a dimension of the metric other than month_end and its required ones */
const otherDimension = (d: (typeof stocks)[number]) =>
  Object.keys(d.dimensions).find((k) => k !== 'month_end' && !(d.requiredDimensions ?? []).includes(k))!;

describe('a stock metric is never added up over month-ends', () => {
  it('the balances at a month-end: overdue, five-category, IFRS 9 mix, interest arrears, score distribution', () => {
    expect(stocks.map((d) => d.name).sort()).toEqual(
      ['five_category', 'ifrs9_mix', 'interest_arrears', 'overdue', 'score_distribution'].sort(),
    );
  });

  it.each(stocks.map((d) => [d.name, d] as const))(
    '%s not grouped by month_end covers one month-end: the as-of one, or the one asked',
    (_, def) => {
      const by = [otherDimension(def)];
      expect(withDefaultPeriod(def, parseMetricRequest({ group_by: by }), asOf)).toMatchObject({
        from: asOf,
        to: asOf,
      });
      expect(withDefaultPeriod(def, parseMetricRequest({ group_by: by, to: '2024-03-31' }), asOf)).toMatchObject({
        from: '2024-03-31',
        to: '2024-03-31',
      });
      // a longer period would add up twelve month-ends of balances: refused, saying what to do
      const long = parseMetricRequest({ group_by: by, from: '2024-01-31', to: asOf });
      expect(() => withDefaultPeriod(def, long, asOf)).toThrow(MetricRequestError);
      expect(() => withDefaultPeriod(def, long, asOf)).toThrow(/group by month_end .* or ask one month-end/u);
    },
  );

  it.each(stocks.map((d) => [d.name, d] as const))('%s grouped by month_end keeps the 12-month window', (_, def) => {
    const by = ['month_end', otherDimension(def)];
    expect(withDefaultPeriod(def, parseMetricRequest({ group_by: by }), asOf)).toMatchObject({
      from: '2023-07-31',
      to: asOf,
    });
    expect(withDefaultPeriod(def, parseMetricRequest({}), asOf)).toMatchObject({ from: '2023-07-31', to: asOf });
  });

  it('a flow (new business, roll rates) still covers the window without month_end', () => {
    const flows = declaredMetrics.filter((d) => d.name === 'new_business' || d.name === 'penalty_income');
    for (const def of flows)
      expect(withDefaultPeriod(def, parseMetricRequest({ group_by: ['product'] }), asOf)).toMatchObject({
        from: '2023-07-31',
        to: asOf,
      });
  });
});
