import { describe, expect, it } from 'vitest';
import { templates } from '../../../reports/catalogue.ts';
import { languages } from '../../../reports/i18n.ts';
import { packMeta } from '../../../reports/pack.ts';
import { renderSvg } from '../../../reports/render/svg.ts';
import { chartSpec, covered, shown } from '../../../reports/spec.ts';
import type { ReportPeriod } from '../../../reports/template.ts';

/**
 * The data's first month (the book starts 2021-07): the 12 months end there but reach back to
 * 2020-08, which the pack said it covered ("12 months from 2020-08-31", "12 month-ends 2020-08 to
 * 2021-07"), and the five-category trend, all normal, drew an empty frame without its month.
 */
const first: ReportPeriod = {
  period: '2021-07',
  monthEnd: '2021-07-31',
  from: '2020-08-31',
  segment: {},
  dataFrom: '2021-07-31',
};
const fourth: ReportPeriod = { ...first, period: '2021-10', monthEnd: '2021-10-31', from: '2020-11-30' };
const full: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };

describe('the data’s first months: the texts say the months the data covers', () => {
  it('covered: the month-ends from the data’s first, the moves from the month after', () => {
    expect(covered(first)).toEqual({ start: '2021-07-31', months: 1 });
    expect(covered(first, 'moves').months).toBe(0);
    expect(covered(fourth)).toEqual({ start: '2021-07-31', months: 4 });
    expect(covered(fourth, 'moves')).toEqual({ start: '2021-08-31', months: 3 });
    expect(covered(full)).toEqual({ start: '2023-07-31', months: 12 });
  });

  for (const lang of languages)
    it(`no chart subtitle nor the pack's header claims a month before the data (${lang})`, () => {
      // (the loss forecast's "12 months after" the month-end is its horizon, not the data's months)
      for (const t of templates)
        expect(t.shows(first, lang), t.id).not.toMatch(
          /2020-|12 month-ends|12 monthly|12 warning|the 12 months|共 12/u,
        );
      for (const pack of ['management', 'regulatory'] as const)
        expect(packMeta(pack, first, lang).subtitle).not.toMatch(/2020-|12/u);
      expect(shown.monthEnds(first, lang)).toBe(shown.monthEnd(first, lang));
      expect(shown.monthEnds(fourth, lang)).toMatch(/2021-07/u);
      expect(shown.monthEnds(fourth, lang)).toMatch(/4/u);
      expect(shown.moves(fourth, lang)).toMatch(/2021-08/u);
      // a full year reads as before
      expect(shown.monthEnds(full, lang)).toBe(
        lang === 'en' ? '12 month-ends 2023-07 to 2024-06' : '2023-07 至 2024-06 共 12 个月末',
      );
      expect(packMeta('management', full, lang).subtitle).toContain('2023-07-31');
    });

  for (const lang of languages)
    it(`the five-category trend of a month with only normal loans shows that month's points at 0 (${lang})`, async () => {
      const t = templates.find((x) => x.id === 'five-category-trend')!;
      const rows = [{ five_class: 'normal', month_end: '2021-07-31', outstanding: 22509100, outstanding_share: 1 }];
      const svg = await renderSvg(chartSpec(t, rows, lang, first));
      // the month's tick, and a point per class at it (vega draws a line's points as symbols)
      expect(svg).toMatch(/>2021-07</u);
      const points = svg.match(/<path[^>]*aria-roledescription="point"[^>]*>/gu) ?? [];
      expect(points).toHaveLength(4);
      for (const c of ['special_mention', 'substandard', 'doubtful', 'loss'])
        expect(points.filter((x) => x.includes(`: ${c};`))).toHaveLength(1);
    });
});
