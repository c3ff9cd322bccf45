import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartSpecs, type Dashboard } from '../../../../api/console/dashboard.ts';
import { monthEndOf } from '../../../../lib/dates.ts';

/** `n` month-ends ending at `last` (YYYY-MM), oldest first, with ratios that differ month to month */
function trend(n: number, last: string): Dashboard['trend'] {
  const [y, m] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1)).toISOString().slice(0, 10);
    return {
      month_end: monthEndOf(d),
      outstanding: 1000 + i,
      overdue_ratio: 0.1 + i / 100,
      npl_ratio: i === 0 ? null : 0.05 + i / 100,
      par90: 0.02 + i / 100,
    };
  });
}

/** the chart's x scale as Vega builds it: its domain, and where each data point's month sits */
async function xAxis(spec: object) {
  const view = new vega.View(vega.parse(compile({ ...spec, width: 600 } as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const x = view.scale('x') as { domain(): unknown[] };
  return x.domain().map(String);
}

describe("the dashboard's trend charts: each point under its own month's label", () => {
  for (const [n, last] of [
    [1, '2024-06'],
    [7, '2024-03'],
    [12, '2024-06'],
    [12, '2025-01'],
  ] as const)
    it(`${n} month-ends to ${last}: one label a month, the month of its month-end, for the ratios and the balance`, async () => {
      const t = trend(n, last);
      const specs = chartSpecs({ trend: t, dim: null, drill: [] } as unknown as Dashboard, 'en');
      const months = t.map((r) => r.month_end.slice(0, 7));
      expect(months.at(-1)).toBe(last);
      for (const spec of [specs.ratios, specs.balance]) {
        expect(spec.encoding.x).toMatchObject({ field: 'month', type: 'ordinal' });
        // each row's month is its own month-end's (never the month before)
        for (const row of spec.data.values as { month: string; month_end: string }[])
          expect(row.month).toBe(row.month_end.slice(0, 7));
        expect(await xAxis(spec)).toEqual(months);
      }
    });
});
