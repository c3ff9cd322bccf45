import { describe, expect, it } from 'vitest';
import { templates } from '../../../reports/catalogue.ts';
import { languages } from '../../../reports/i18n.ts';
import { renderSvg } from '../../../reports/render/svg.ts';
import { chartSpec } from '../../../reports/spec.ts';
import type { ReportPeriod } from '../../../reports/template.ts';

// mid-quarter: the quarterly charts' subtitles name the quarter left out, the longest they get
const period: ReportPeriod = { period: '2024-05', monthEnd: '2024-05-31', from: '2023-06-30', segment: {} };
const svgWidth = (svg: string) => Number(/^<svg[^>]*\swidth="([\d.]+)"/u.exec(svg)?.[1]);

describe('a chart without data (a segment with no rows) is no wider for its subtitle', () => {
  for (const lang of languages)
    it(`every chart, mid-quarter (${lang})`, async () => {
      for (const t of templates) {
        const spec = chartSpec(t, [], lang, period);
        const title = (spec as { title: { text: string } }).title;
        const bare = await renderSvg({ ...spec, title: { text: title.text } });
        expect(svgWidth(await renderSvg(spec)), `${t.id} ${lang}`).toBe(svgWidth(bare));
      }
    });
});
