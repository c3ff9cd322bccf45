import { describe, expect, it } from 'vitest';
import { templates } from '../../../../reports/catalogue.ts';
import type { ReportPeriod } from '../../../../reports/template.ts';
import { parseMetricRequest } from '../../../../warehouse/metrics/run.ts';

/**
 * The pack's vintage charts ask for whole quarters: the 12 quarters ending with the period's, from a
 * quarter's first month (the period less 3 years, 2021-06 for 2024-06, drew June alone as 2021Q2),
 * and their subtitle names that first quarter. A request the metric would refuse never leaves a pack.
 */
const charts = templates.filter((t) => t.id.startsWith('vintage-'));
const period = (ym: string): ReportPeriod => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { period: ym, monthEnd, from: monthEnd, segment: {} };
};
const quarterIndex = (ym: string) => Number(ym.slice(0, 4)) * 4 + Math.floor((Number(ym.slice(5, 7)) - 1) / 3);

describe('vintage charts: whole quarterly cohorts', () => {
  it('has both charts', () => {
    expect(charts.map((t) => t.id).sort()).toEqual(['vintage-ever30', 'vintage-ever90']);
  });
  for (const year of [2021, 2024, 2025])
    for (let m = 1; m <= 12; m++) {
      const ym = `${year}-${String(m).padStart(2, '0')}`;
      it(`period ${ym}`, () => {
        const p = period(ym);
        for (const t of charts) {
          const { request } = t.data(p);
          const from = String(request.cohort_from);
          // a quarter's first month, 11 quarters before the period's: 12 whole quarters
          expect(Number(from.slice(5, 7)) % 3, t.id).toBe(1);
          expect(quarterIndex(ym) - quarterIndex(from), t.id).toBe(11);
          // the metric takes it as it is
          expect(parseMetricRequest(request).cohort_from).toBe(from);
          const q = `${from.slice(0, 4)}Q${String((Number(from.slice(5, 7)) + 2) / 3)}`;
          expect(t.shows(p, 'en')).toContain(`quarterly cohorts from ${q} (${from} on)`);
          expect(t.shows(p, 'zh-CN')).toContain(`${q} 起的季度放款批次`);
        }
      });
    }
});
