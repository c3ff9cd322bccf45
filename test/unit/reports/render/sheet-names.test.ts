import { describe, expect, it } from 'vitest';
import { packTemplates } from '../../../../reports/catalogue.ts';
import { languages } from '../../../../reports/i18n.ts';
import { chartSheetNames } from '../../../../reports/render/sheet-names.ts';
import { packs } from '../../../../reports/template.ts';

/**
 * Sheet names of their own: the chart titles cut at Excel's 31 characters broke mid-word
 * ("Special mention and overdue > 6" read as "> 6 days").
 */
describe('workbook sheet names', () => {
  for (const pack of packs)
    for (const lang of languages)
      it(`every ${pack} chart has a short ${lang} sheet name: at most 31 characters, none of []:*?/\\, unique`, () => {
        const names = packTemplates(pack).map((t) => chartSheetNames[t.id]?.[lang] ?? '');
        // beside the key figures and the breakdowns' sheets
        const all = [
          ...names,
          ...(lang === 'en'
            ? ['Key figures', 'By product', 'By region', 'By branch']
            : ['关键指标', '按产品', '按区域', '按分行']),
        ];
        for (const n of names) {
          expect(n.length, n).toBeGreaterThan(0);
          expect(Array.from(n).length, n).toBeLessThanOrEqual(31);
          expect(n, n).not.toMatch(/[[\]:*?/\\]|^'|'$/u);
          if (lang === 'zh-CN') expect(n, n).toMatch(/[\u4e00-\u9fff]/u);
        }
        expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(all.length);
      });

  it('names no chart the catalogue does not have', () => {
    const ids = new Set(packs.flatMap((p) => packTemplates(p).map((t) => t.id)));
    expect(Object.keys(chartSheetNames).filter((id) => !ids.has(id))).toEqual([]);
  });
});
