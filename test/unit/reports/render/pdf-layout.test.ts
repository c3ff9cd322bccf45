import { describe, expect, it } from 'vitest';
import { packPdf } from '../../../../reports/render/pdf.ts';
import { packagedCjkFont } from '../../../../reports/render/fonts.ts';
import { summaryIn, summaryText, type Summary } from '../../../../reports/summary/summary.ts';
import { scopedLabel } from '../../../../reports/summary/scoped-label.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../../reports/summary/thresholds.ts';
import type { Pack } from '../../../../reports/template.ts';
import { pdfPageItems, pdfPageText, type PdfTextItem } from '../../../helpers/pdf.ts';
import { summaryData } from '../summary/summary-data.ts';

/**
 * The PDF's first pages keep every cell whole in both languages: no label, limit or status cut with
 * an ellipsis, no header line drawn under the first row's band, no cover fact running across the rule.
 */
const thresholds = loadThresholds(defaultThresholdsFile);
const font = packagedCjkFont();
const langs = ['en', 'zh-CN'] as const;
const packsShown: Pack[] = ['management', 'regulatory'];

const squash = (s: string) => s.replace(/\s+/gu, '');
const pdfOf = (pack: Pack, lang: 'en' | 'zh-CN', edit: (s: Summary) => Summary = (s) => s) =>
  packPdf(
    { lang, title: `pack · 2024-06`, subtitle: '' },
    [],
    font,
    edit(summaryIn(summaryData(pack), lang, thresholds, 'default')),
  );
const itemsOn = (items: PdfTextItem[], str: string) => items.filter((i) => i.str.includes(str));

describe('PDF first pages: the key-figures table and the cover tiles are whole', () => {
  for (const pack of packsShown)
    for (const lang of langs)
      it(`${pack} ${lang}: every label, limit, amber line and status is there whole, with no ellipsis`, async () => {
        const summary = summaryIn(summaryData(pack), lang, thresholds, 'default');
        const pdf = await pdfOf(pack, lang);
        const table = squash(await pdfPageText(pdf, 2));
        expect(table).not.toContain('…');
        for (const f of summary.figures) {
          expect(table, f.id).toContain(squash(scopedLabel(f, lang)));
          if (f.threshold) expect(table, f.id).toContain(squash(f.threshold.replace(/[（()）]/gu, '')).slice(0, 8));
          if (f.status) expect(table, f.id).toContain(squash(`● ${summaryText[f.status][lang]}`));
        }
        // the amber band of each limit, whole, in the table and on the cover tile; each tile's label whole
        const cover = squash(await pdfPageText(pdf, 1));
        for (const f of summary.figures.filter((x) => x.key))
          expect(cover, f.id).toContain(squash(scopedLabel(f, lang)));
        expect(cover).not.toContain('…');
        for (const f of summary.figures.filter((x) => x.threshold)) {
          const band = /[（(](.*)[）)]$/u.exec(f.threshold)?.[1];
          if (band) expect(table, f.id).toContain(squash(band));
          if (band && f.key) expect(cover, f.id).toContain(squash(band));
        }
        // the header's lines (the month, then "· change") end above the first row's band
        const items = await pdfPageItems(pdf, 2);
        const firstSection = items.find((i) => i.str === Object.values(summary.sections)[0])!;
        const bandTop = firstSection.y - firstSection.size - 3;
        const header = [...itemsOn(items, summary.months.previous_month), ...itemsOn(items, summaryText.change[lang])];
        expect(header.length).toBeGreaterThanOrEqual(2);
        for (const h of header.filter((i) => i.y < firstSection.y)) expect(h.y, h.str).toBeLessThan(bandTop);
      }, 30_000);

  it('a long segment wraps on the cover above its rule, not across it', async () => {
    const long = 'region central, east, north, south, west · branch central-01, central-02, east-01, east-02, north-01';
    for (const lang of langs) {
      const pdf = await pdfOf('management', lang, (s) => ({ ...s, segment_label: long }));
      const items = await pdfPageItems(pdf, 1);
      const heading = items.find((i) => i.str === summaryText.summary[lang])!;
      // the rule is 12 pt above the heading's top; the segment's last line ends above it
      const rule = heading.y - heading.size - 12 + 2;
      const segment = items.filter((i) => long.includes(i.str.trim()) && i.str.trim().length > 3);
      expect(squash(segment.map((i) => i.str).join(''))).toBe(squash(long));
      for (const s of segment) expect(s.y + 3, s.str).toBeLessThan(rule);
    }
  }, 30_000);
});
