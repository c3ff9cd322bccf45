import { describe, expect, it } from 'vitest';
import { templates } from '../../../../reports/catalogue.ts';
import { packHtml } from '../../../../reports/render/html.ts';
import { accessibleSvg } from '../../../../reports/render/svg-name.ts';
import { renderSvg } from '../../../../reports/render/svg.ts';
import { chartSpec, chartSubtitle } from '../../../../reports/spec.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';

const period: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };
const months = ['2024-04-30', '2024-05-31', '2024-06-30'];
/** charts with a colour legend, a size legend and a plain one, a month each */
const cases: [string, Row[]][] = [
  [
    'overdue-trend',
    months.map((m, i) => ({ month_end: m, overdue_ratio: 0.1 + i / 100, par30: 0.05, par90: 0.02, npl_ratio: 0.03 })),
  ],
  [
    'five-category-trend',
    months.flatMap((m) =>
      ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'].map((c, i) => ({
        five_class: c,
        month_end: m,
        outstanding: 1e6 / (i + 1),
        outstanding_share: 0.2,
      })),
    ),
  ],
];
/** the attributes a screen reader reads: roles and ARIA, with the tag each is on */
const ariaOf = (svg: string) =>
  [...svg.matchAll(/<(\w+)([^>]*)>/gu)].flatMap(([, tag, attrs]) =>
    [...attrs!.matchAll(/\s(role|aria-[a-z]+)="([^"]*)"/gu)].map((m) => [tag, m[1], m[2]]),
  );

describe("a pack's SVG is one image named in the pack's language, without Vega's English ARIA text", () => {
  for (const lang of ['zh-CN', 'en'] as const)
    for (const [id, rows] of cases)
      it(`${id} (${lang})`, async () => {
        const t = templates.find((x) => x.id === id)!;
        const spec = chartSpec(t, rows, lang, period);
        const svg = await renderSvg(spec);
        // Vega's own: English descriptions of its axes, legends and titles
        expect(svg).toMatch(/aria-label="(X-axis|Y-axis|Title text|Subtitle text|Symbol legend|Gradient legend)/u);
        const named = accessibleSvg(svg, spec.description!);
        expect(named.startsWith('<svg role="img" aria-label="')).toBe(true);
        // one name: the title and the subtitle (period, as-of date, unit) in the pack's language
        expect(ariaOf(named)).toEqual([
          ['svg', 'role', 'img'],
          ['svg', 'aria-label', `${t.title[lang]} · ${chartSubtitle(t, period, lang)}`],
        ]);
        // nothing drawn changes: the same SVG once the reader's attributes are out of both
        const drawnOnly = (s: string) => s.replace(/\s(?:role|aria-[a-z]+)="[^"]*"/gu, '');
        expect(drawnOnly(named)).toBe(drawnOnly(svg));

        // the HTML pack carries the named SVG
        const html = packHtml({ lang, title: 'pack', subtitle: '' }, [
          { id, title: t.title[lang], name: spec.description!, note: t.note[lang], svg },
        ]);
        expect(html).not.toMatch(/aria-roledescription|Title text|Subtitle text|legend titled|-axis titled/u);
        expect(html).toContain(`<svg role="img" aria-label="${t.title[lang]}`);
      });

  it('a name with quotes or markup stays one attribute', () => {
    expect(accessibleSvg('<svg width="1"><g role="graphics-object"></g></svg>', 'A "B" <c> & d')).toBe(
      '<svg role="img" aria-label="A &quot;B&quot; &lt;c&gt; &amp; d" width="1"><g></g></svg>',
    );
  });
});
