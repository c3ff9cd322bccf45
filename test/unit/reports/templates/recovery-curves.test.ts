import { describe, expect, it } from 'vitest';
import { templates } from '../../../../reports/catalogue.ts';
import type { ReportPeriod } from '../../../../reports/template.ts';
import { parseMetricRequest } from '../../../../warehouse/metrics/run.ts';

/**
 * The recovery curves follow the vintage charts' rule: eight whole quarterly default cohorts, ending
 * with the last quarter the period completes. A May pack drew April and May's defaults as "2024Q2"
 * (its subtitle said "defaulted … to 2024-05"), a cohort the June pack draws with June's defaults too;
 * it now ends with 2024Q1 and its subtitle names the quarter left out, in the vintage charts' words.
 * The cash is still counted up to the period's month-end; recovery-curves.csv is the same rows.
 */
const chart = templates.find((t) => t.id === 'recovery-curves')!;
const period = (ym: string): ReportPeriod => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { period: ym, monthEnd, from: monthEnd, segment: {} };
};
const quarterIndex = (d: string) => Number(d.slice(0, 4)) * 4 + Math.floor((Number(d.slice(5, 7)) - 1) / 3);
const quarterName = (d: string) => `${d.slice(0, 4)}Q${String(Math.ceil(Number(d.slice(5, 7)) / 3))}`;
/** the next day is the 1st */
const isMonthEnd = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 864e5).getUTCDate() === 1;

describe('recovery curves: whole quarterly default cohorts', () => {
  for (const year of [2022, 2024])
    for (let m = 1; m <= 12; m++) {
      const ym = `${String(year)}-${String(m).padStart(2, '0')}`;
      it(`period ${ym}`, () => {
        const p = period(ym);
        const quarterEnd = m % 3 === 0;
        const request = parseMetricRequest(chart.data(p).request);
        const [from, to] = [String(request.from), String(request.to)];
        // from the month-end of a quarter's first month to that of a quarter's last: 8 whole quarters
        expect([isMonthEnd(from), isMonthEnd(to)]).toEqual([true, true]);
        expect(Number(from.slice(5, 7)) % 3).toBe(1);
        expect(Number(to.slice(5, 7)) % 3).toBe(0);
        expect(quarterIndex(to) - quarterIndex(from)).toBe(7);
        // the newest cohort is the period's quarter only once the period ends it; cash to the period's end
        expect(quarterIndex(ym) - quarterIndex(to)).toBe(quarterEnd ? 0 : 1);
        expect(request.as_of).toBe(p.monthEnd);

        const [en, zh] = [chart.shows(p, 'en'), chart.shows(p, 'zh-CN')];
        expect(en).toContain(
          `8 quarterly cohorts defaulted ${from.slice(0, 7)} to ${to.slice(0, 7)}, cash up to ${p.monthEnd}`,
        );
        expect(zh).toContain(`${from.slice(0, 7)} 至 ${to.slice(0, 7)} 违约的 8 个季度批次，回收截至 ${p.monthEnd}`);
        if (quarterEnd) {
          expect(en).not.toContain('not yet whole');
          expect(zh).not.toContain('未满一季');
        } else {
          expect(en).toContain(` (${quarterName(ym)} not yet whole, left out)`);
          expect(zh).toContain(`（${quarterName(ym)} 未满一季，不列入）`);
        }
      });
    }

  it('a May pack ends with 2024Q1 and a June pack with 2024Q2 (May drew April and May as 2024Q2)', () => {
    const [may, june] = [period('2024-05'), period('2024-06')];
    expect(chart.data(may).request).toMatchObject({ from: '2022-04-30', to: '2024-03-31', as_of: '2024-05-31' });
    expect(chart.data(june).request).toMatchObject({ from: '2022-07-31', to: '2024-06-30', as_of: '2024-06-30' });
    expect(chart.shows(may, 'en')).toBe(
      '8 quarterly cohorts defaulted 2022-04 to 2024-03, cash up to 2024-05-31 (2024Q2 not yet whole, left out)',
    );
    expect(chart.shows(may, 'zh-CN')).toBe(
      '2022-04 至 2024-03 违约的 8 个季度批次，回收截至 2024-05-31（2024Q2 未满一季，不列入）',
    );
    expect(chart.shows(june, 'en')).toBe('8 quarterly cohorts defaulted 2022-07 to 2024-06, cash up to 2024-06-30');
  });

  it("with the rows drawn, the subtitle names those cohorts only: the book's first years have fewer, none before the data", () => {
    const p = period('2022-03');
    const rows = ['2021-10-01', '2022-01-01'].flatMap((d) =>
      [0, 1].map((k) => ({ default_cohort: d, months_since_default: k, recovery_rate: 0.1 })),
    );
    expect(chart.shows(p, 'en', rows)).toBe('2 quarterly cohorts defaulted 2021-10 to 2022-03, cash up to 2022-03-31');
    expect(chart.shows(p, 'zh-CN', rows)).toBe('2021-10 至 2022-03 违约的 2 个季度批次，回收截至 2022-03-31');
    expect(chart.shows(p, 'en', rows.slice(0, 2))).toBe(
      '1 quarterly cohort defaulted 2021-10 to 2021-12, cash up to 2022-03-31',
    );
    expect(chart.shows(p, 'en', [])).toBe('no whole quarter of defaults yet, cash up to 2022-03-31');
    expect(chart.shows(period('2021-08'), 'zh-CN', [])).toBe(
      '尚无完整季度的违约批次，回收截至 2021-08-31（2021Q3 未满一季，不列入）',
    );
  });
});
