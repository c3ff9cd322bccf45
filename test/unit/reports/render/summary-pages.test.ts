import { describe, expect, it } from 'vitest';
import { packHtml } from '../../../../reports/render/html.ts';
import { packPdf } from '../../../../reports/render/pdf.ts';
import { packagedCjkFont } from '../../../../reports/render/fonts.ts';
import { summaryIn } from '../../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../../reports/summary/thresholds.ts';
import { pdfPageText } from '../../../helpers/pdf.ts';
import { summaryData } from '../summary/summary-data.ts';

/**
 * The pack's first pages in a segment pack: a bank-wide figure (the provisions ledger) is labelled
 * "whole bank" on its cover tile as in its table row, in the language's brackets.
 */
const thresholds = loadThresholds(defaultThresholdsFile);
const meta = (lang: 'zh-CN' | 'en') => ({ lang, title: 'Regulatory pack · 2024-06 · region East', subtitle: '' });

describe('bank-wide figures on the first pages', () => {
  it('HTML: the tile and the table row say whole bank', () => {
    for (const [lang, label] of [
      ['en', 'Provision coverage (拨备覆盖率) (whole bank)'],
      ['zh-CN', '拨备覆盖率（全行口径）'],
    ] as const) {
      const html = packHtml(meta(lang), [], summaryIn(summaryData('regulatory'), lang, thresholds, 'default'));
      const tile =
        /<div class="tile[^"]*" data-figure="provision_coverage"[^>]*>\s*<div class="tile-label">([^<]*)<\/div>/u.exec(
          html,
        );
      expect(tile?.[1]).toBe(label);
      const row = /<tr data-figure="provision_coverage"[^>]*>\s*<th scope="row">([^<]*)<\/th>/u.exec(html);
      expect(row?.[1]).toBe(label);
      // a figure the segment cuts is not labelled
      const npl = /<div class="tile[^"]*" data-figure="npl_ratio"[^>]*>\s*<div class="tile-label">([^<]*)<\/div>/u.exec(
        html,
      );
      expect(npl?.[1]).toBe(lang === 'en' ? 'NPL ratio' : '不良贷款率');
    }
  });

  it('PDF: the cover tile and the table say whole bank, with ASCII brackets in English', async () => {
    const font = packagedCjkFont();
    const en = await packPdf(meta('en'), [], font, summaryIn(summaryData('regulatory'), 'en', thresholds, 'default'));
    const cover = await pdfPageText(en, 1);
    // the tile: its label whole (not cut before "whole bank"), then its value
    expect(cover).toMatch(/Provision coverage[^%]*\(whole bank\)110\.80%/u);
    expect(cover).toMatch(/Provision ratio[^%]*\(whole bank\)1\.12%/u);
    expect(cover).not.toContain('（whole bank）');
    const table = await pdfPageText(en, 2);
    expect(table).toContain('Provisions (whole bank)');
    expect(table).not.toContain('（whole bank）');
    const zh = await packPdf(
      meta('zh-CN'),
      [],
      font,
      summaryIn(summaryData('regulatory'), 'zh-CN', thresholds, 'default'),
    );
    expect(await pdfPageText(zh, 1)).toContain('拨备覆盖率（全行口径）110.80%');
  }, 30_000);
});
