import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { packTemplates } from '../../../reports/catalogue.ts';
import { assemblePack, buildReportPack, rendered, reportPeriod } from '../../../reports/pack.ts';
import { packPdf } from '../../../reports/render/pdf.ts';
import { withRequestMemo } from '../../../warehouse/request-memo.ts';
import { cjkFace, cjkFontFile } from '../../../reports/render/fonts.ts';
import { svgToPng } from '../../../reports/render/png.ts';
import { summaryCsvColumns, summaryCurrency, type Summary } from '../../../reports/summary/summary.ts';
import { launchChromium } from '../../helpers/browser.ts';
import { pdfEmbeddedFonts, pdfPageCount, pdfPagePng, pdfPageText } from '../../helpers/pdf.ts';
import { pngPixels } from '../../helpers/png.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';

describe('report packs', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const out = tmpDir('packs');
  // whichever font `npm ci` leaves the machine with: a Debian CJK font if installed, else the npm one
  const font = cjkFontFile();
  const face = cjkFace(font);
  const zh = join(out, 'management-zh'),
    reg = join(out, 'regulatory-en');
  beforeAll(async () => {
    wh = await warehouseForReports('reports');
    await buildReportPack(wh, {
      pack: 'management',
      period: '2024-06',
      lang: 'zh-CN',
      formats: ['html', 'pdf', 'png', 'svg'],
      outDir: zh,
      fontFile: font,
    });
    await buildReportPack(wh, {
      pack: 'regulatory',
      period: '2024-06',
      lang: 'en',
      formats: ['html', 'pdf', 'png'],
      outDir: reg,
      fontFile: font,
    });
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
    rmSync(out, { recursive: true, force: true });
  });

  it('writes every chart of the pack with data: HTML, PDF, a PNG/SVG, the Vega-Lite JSON and the CSV per chart', () => {
    for (const [dir, pack, exts] of [
      [zh, 'management', ['png', 'svg', 'vl.json', 'csv']],
      [reg, 'regulatory', ['png', 'vl.json', 'csv']],
    ] as const) {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        charts: { id: string; rows: number }[];
      };
      expect(manifest.charts.map((c) => c.id)).toEqual(packTemplates(pack).map((t) => t.id));
      for (const c of manifest.charts) {
        expect(c.rows, c.id).toBeGreaterThan(0);
        for (const ext of exts) expect(existsSync(join(dir, `${c.id}.${ext}`)), `${c.id}.${ext}`).toBe(true);
      }
      expect(existsSync(join(dir, 'report.html')) && existsSync(join(dir, 'report.pdf'))).toBe(true);
    }
    expect(readFileSync(join(zh, 'report.html'), 'utf8')).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/u);
  });

  it("the data behind a chart is the metrics layer's, exactly", async () => {
    const m = await runMetric(wh, 'overdue', { from: '2023-07-31', to: '2024-06-30', as_of: '2024-06-30' });
    const [head, ...lines] = readFileSync(join(zh, 'overdue-trend.csv'), 'utf8').trim().split('\n');
    expect(head!.split(',')).toEqual(Object.keys(m.rows[0]!));
    expect(lines.map((l) => l.split(','))).toEqual(
      m.rows.map((r) => Object.values(r).map((v) => (v === null ? '' : String(v)))),
    );
  });

  it('Chinese glyphs are drawn, not boxes: two characters render to different, inked pixels', async () => {
    const glyph = (ch: string) =>
      svgToPng(
        `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60"><text x="5" y="45" font-size="40" font-family="${face.family}">${ch}</text></svg>`,
        font,
        1,
      );
    const [a, b] = [await pngPixels(await glyph('逾')), await pngPixels(await glyph('期'))];
    expect(a.inkShare).toBeGreaterThan(0.03);
    expect(b.inkShare).toBeGreaterThan(0.03);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
    const chart = await pngPixels(readFileSync(join(zh, 'overdue-trend.png')));
    expect(chart.width).toBeGreaterThan(1000);
    expect(chart.inkShare).toBeGreaterThan(0.01);
  });

  it('the PDF embeds the CJK font, carries the Chinese title, and a chart page is not blank', async () => {
    const pdf = readFileSync(join(zh, 'report.pdf'));
    expect(pdfEmbeddedFonts(pdf)).toContain(face.postscriptName);
    expect(await pdfPageText(pdf, 1)).toContain('贷后管理月报');
    expect((await pngPixels(await pdfPagePng(pdf, 3))).inkShare).toBeGreaterThan(0.02);
  });

  it('summary.csv parses and equals summary.json, rounded as the metrics CSV (BOM first); one CSV per breakdown', () => {
    // money to 2 decimals, fractions to 6: a cell is its summary.json value to within half its last place
    const near = (cell: string | undefined, want: number, digits: number, what: string) => {
      expect(Math.abs(Number(cell) - want), what).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
    };
    const digits = { money: 2, pct: 6, count: 0, number: 6 } as const;
    const bomFree = (path: string) => {
      const text = readFileSync(path, 'utf8');
      expect(text.startsWith('\uFEFF'), path).toBe(true);
      return text.slice(1);
    };
    for (const dir of [zh, reg]) {
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      const [head, ...lines] = parseCsv(bomFree(join(dir, 'summary.csv')));
      expect(head).toEqual([...summaryCsvColumns]);
      expect(lines.length).toBe(summary.figures.length);
      lines.forEach((cells, i) => {
        const f = summary.figures[i]!;
        summaryCsvColumns.forEach((col, j) => {
          const want =
            col === 'currency' ? (f.unit === 'money' ? summaryCurrency(summary.currencies ?? []) : null) : f[col];
          if (typeof want === 'number') near(cells[j], want, digits[f.unit], `${f.id}.${col}`);
          else expect(cells[j], `${f.id}.${col}`).toBe(want ?? '');
        });
        expect(['money', 'pct', 'count', 'number']).toContain(f.unit);
        expect(['red', 'amber', 'green', '']).toContain(f.status);
      });
      for (const b of summary.breakdowns) {
        const [bh, ...rows] = parseCsv(bomFree(join(dir, `breakdown-${b.dim}.csv`)));
        expect(bh![0]).toBe('rank');
        expect(rows.map((r) => r[1])).toEqual([...b.rows.map((r) => r.segment), '']);
        // the code summary.csv gives its money lines, on every line
        const currency = summaryCurrency(summary.currencies ?? []);
        expect(rows.map((r) => r[bh!.indexOf('currency')])).toEqual(rows.map(() => currency));
        [...b.rows, b.total].forEach((r, i) => {
          near(rows[i]![bh!.indexOf('contribution_to_npl_ratio_change')], r.contribution!, 6, `${b.dim} ${r.segment}`);
        });
      }
    }
  });

  it('the PDF: a cover with the key figures and commentary, and every page numbered', async () => {
    for (const [dir, lang] of [
      [zh, 'zh-CN'],
      [reg, 'en'],
    ] as const) {
      const pdf = readFileSync(join(dir, 'report.pdf'));
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      const n = await pdfPageCount(pdf);
      const cover = await pdfPageText(pdf, 1);
      for (const f of summary.figures.filter((x) => x.key)) {
        expect(cover, f.id).toContain(f.label);
        expect(cover, f.id).toContain(f.display.value);
      }
      expect(cover).toContain(summary.commentary[0]!.slice(0, 12));
      // SPEC §4: the grace days and the DPD convention every figure depends on are named
      const dpd =
        lang === 'zh-CN' ? '逾期天数自到期日起算，宽限期 0 天' : 'DPD counted from the due date, 0 grace days';
      const squash = (t: string) => t.replace(/\s+/gu, '');
      expect(squash(cover)).toContain(squash(dpd));
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(dpd);
      for (const page of [1, 2, Math.ceil(n / 2), n])
        expect(await pdfPageText(pdf, page)).toContain(
          lang === 'zh-CN' ? `第 ${page} 页 / 共 ${n} 页` : `Page ${page} of ${n}`,
        );
    }
  });

  it('the PDF drawn page by page as the charts arrive is the PDF drawn at once, byte for byte', async () => {
    const period = await reportPeriod(wh, '2024-06');
    for (const pack of ['management', 'regulatory'] as const) {
      const a = await withRequestMemo(() =>
        assemblePack(wh, { pack, period, lang: 'zh-CN', fontFile: font, pdf: true }),
      );
      const atOnce = await packPdf(a.meta, rendered(a.charts, a.lang), font, a.summary);
      expect(a.pdf!.equals(atOnce), pack).toBe(true);
    }
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    // nothing to close until beforeAll has launched the browser
    let close: () => Promise<void> = () => Promise.resolve();
    beforeAll(async () => {
      ({ browser, close } = await launchChromium(font));
    });
    afterAll(async () => {
      await close();
    });

    for (const which of ['management-zh', 'regulatory-en'] as const) {
      it(`${which}: every chart shows non-empty marks, no console errors, no network`, async () => {
        const page = await browser.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) requests.push(r.url());
        });
        await page.goto(`file://${join(which === 'management-zh' ? zh : reg, 'report.html')}`);
        const figures = await page.$$eval('figure.chart', (fs) =>
          fs.map((f) => {
            const marks = [
              ...f.querySelectorAll('g[class^="mark-"] path, g[class^="mark-"] text'),
            ] as SVGGraphicsElement[];
            const drawn = marks.filter((m) => {
              const b = m.getBBox();
              return b.width > 0 || b.height > 0;
            });
            return { id: f.getAttribute('data-template'), drawn: drawn.length };
          }),
        );
        expect(figures.length).toBe(packTemplates(which === 'management-zh' ? 'management' : 'regulatory').length);
        for (const f of figures) expect(f.drawn, f.id ?? '').toBeGreaterThan(0);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        await page.close();
      });
    }

    for (const which of ['management-zh', 'regulatory-en'] as const)
      it(`${which}: the summary comes first — tiles with status colours, commentary, the figures table equal to summary.json, breakdowns`, async () => {
        const dir = which === 'management-zh' ? zh : reg;
        const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
        const page = await browser.newPage();
        await page.goto(`file://${join(dir, 'report.html')}`);
        const r = await page.evaluate(() => {
          const summary = document.querySelector('section.summary');
          const firstChart = document.querySelector('figure.chart');
          const box = (e: Element | null) => e?.getBoundingClientRect();
          return {
            first: !!summary && !!firstChart && (summary.compareDocumentPosition(firstChart) & 4) !== 0,
            tiles: [...document.querySelectorAll('.tile')].map((t) => ({
              id: t.getAttribute('data-figure'),
              value: t.querySelector('.tile-value')?.textContent,
              border: getComputedStyle(t).borderLeftColor,
              visible: (box(t)?.width ?? 0) > 100 && (box(t)?.height ?? 0) > 40,
            })),
            commentary: [...document.querySelectorAll('ol.commentary li')].map((l) => l.textContent),
            rows: [...document.querySelectorAll('table.figures tbody tr[data-figure]')].map((tr) => ({
              id: tr.getAttribute('data-figure'),
              value: tr.querySelector('td.value')?.textContent,
              status: tr.getAttribute('data-status'),
            })),
            breakdowns: [...document.querySelectorAll('table.breakdown')].map((t) => t.getAttribute('data-dim')),
          };
        });
        expect(r.first).toBe(true);
        const rgb = { red: 'rgb(198, 40, 40)', amber: 'rgb(217, 140, 0)', green: 'rgb(46, 125, 50)' } as const;
        expect(r.tiles.map((t) => t.id)).toEqual(summary.figures.filter((f) => f.key).map((f) => f.id));
        for (const t of r.tiles) {
          const f = summary.figures.find((x) => x.id === t.id)!;
          expect(t.value, f.id).toBe(f.display.value);
          expect(t.visible, f.id).toBe(true);
          if (f.status) expect(t.border, f.id).toBe(rgb[f.status]);
        }
        expect(r.commentary).toEqual(summary.commentary);
        expect(r.rows).toEqual(summary.figures.map((f) => ({ id: f.id, value: f.display.value, status: f.status })));
        expect(r.breakdowns).toEqual(['product', 'region', 'branch']);
        await page.close();
      });

    it('Chinese text renders with real glyphs in the browser (pixel comparison on a canvas)', async () => {
      const page = await browser.newPage();
      await page.goto(`file://${join(zh, 'report.html')}`);
      const r = await page.evaluate((family) => {
        const draw = (ch: string) => {
          const c = document.createElement('canvas');
          c.width = 48;
          c.height = 48;
          const ctx = c.getContext('2d')!;
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, 0, 48, 48);
          ctx.fillStyle = '#000';
          ctx.font = `40px "${family}"`;
          ctx.fillText(ch, 2, 40);
          const d = ctx.getImageData(0, 0, 48, 48).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i]! < 128) ink++;
          return { ink, sig: Array.from(d.filter((_, i) => i % 4 === 0)).join('') };
        };
        const a = draw('逾'),
          b = draw('期');
        const title = document.querySelector('figure.chart svg .role-title text')?.textContent ?? '';
        return { inkA: a.ink, inkB: b.ink, differ: a.sig !== b.sig, title };
      }, face.family);
      expect(r.inkA).toBeGreaterThan(50);
      expect(r.inkB).toBeGreaterThan(50);
      expect(r.differ).toBe(true);
      expect(r.title).toMatch(/[\u4e00-\u9fff]/u);
      await page.close();
    });
  });
});

/** RFC 4180: quoted cells with doubled quotes, commas and line breaks inside quotes */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
