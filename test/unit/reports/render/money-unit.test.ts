import { describe, expect, it } from 'vitest';
import { packHtml } from '../../../../reports/render/html.ts';
import { packPdf } from '../../../../reports/render/pdf.ts';
import { packagedCjkFont } from '../../../../reports/render/fonts.ts';
import { summaryIn } from '../../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../../reports/summary/thresholds.ts';
import { pdfPageText } from '../../../helpers/pdf.ts';
import { summaryData } from '../summary/summary-data.ts';

/** The key figures (4.92B, 49.15亿) carry no currency: the cover and the key-figures table say it once. */
const thresholds = loadThresholds(defaultThresholdsFile);
const meta = (lang: 'zh-CN' | 'en') => ({ lang, title: 'Management pack · 2024-06', subtitle: '' });
const cases = [
  [undefined, 'zh-CN', '金额单位：元'],
  [undefined, 'en', 'Amounts in CNY'],
  [['CNY'], 'zh-CN', '金额单位：元'],
  [['USD'], 'en', 'Amounts in USD'],
  [['CNY', 'USD'], 'zh-CN', '金额：各贷款原币种（CNY、USD）直接相加，未折算'],
] as const;

describe('the unit of the amounts on the first pages', () => {
  for (const [currencies, lang, unit] of cases)
    it(`${currencies?.join('+') ?? 'none given'} (${lang}): "${unit}" over the tiles and in the table's caption`, () => {
      const data = { ...summaryData('management'), ...(currencies ? { currencies: [...currencies] } : {}) };
      const s = summaryIn(data, lang, thresholds, 'default');
      expect(s.money_unit).toBe(unit);
      const html = packHtml(meta(lang), [], s);
      expect(html).toContain(`<p class="unit" id="money-unit">${unit}</p>`);
      expect(html).toMatch(
        new RegExp(`<table class="figures">\\s*<caption>[^<]*${unit.replace(/[()（）]/gu, '.')}</caption>`, 'u'),
      );
      // said once per place: the tiles' heading and the table, not on every value
      expect(html.split(unit)).toHaveLength(3);
    });

  it('PDF: on the cover and over the key-figures table', async () => {
    const font = packagedCjkFont();
    for (const [lang, unit] of [
      ['en', 'Amounts in CNY'],
      ['zh-CN', '金额单位：元'],
    ] as const) {
      const pdf = await packPdf(
        meta(lang),
        [],
        font,
        summaryIn(summaryData('management'), lang, thresholds, 'default'),
      );
      expect(await pdfPageText(pdf, 1)).toContain(unit);
      expect(await pdfPageText(pdf, 2)).toContain(unit);
    }
  }, 30_000);
});
