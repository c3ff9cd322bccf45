import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { packHtml } from '../../../reports/render/html.ts';
import { cjkFace, cjkFontFile } from '../../../reports/render/fonts.ts';
import { summaryIn } from '../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../reports/summary/thresholds.ts';
import { launchChromium } from '../../helpers/browser.ts';
import { summaryData } from '../../unit/reports/summary/summary-data.ts';

/**
 * The HTML pack carries its font: it named CJK fonts but embedded none, so on a machine without
 * them every Chinese character was a box (拨备覆盖率 even in the en pack). The page's @font-face
 * holds the chart font cut to the page's characters, as a WOFF data URI.
 */
const font = cjkFontFile();
const face = cjkFace(font);
const fontkit = createRequire(import.meta.url)('fontkit') as {
  create(b: Buffer): { hasGlyphForCodePoint(cp: number): boolean; familyName: string; numGlyphs: number };
};
const thresholds = loadThresholds(defaultThresholdsFile);
const chart = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="30" font-family="'${face.family}', sans-serif" font-size="20">偏离度 迁徙率</text></svg>`;
const page = (lang: 'zh-CN' | 'en') =>
  packHtml(
    { lang, title: lang === 'en' ? 'Regulatory pack · 2024-06' : '监管报送分析包 · 2024-06', subtitle: '' },
    [{ id: 'npl-deviation', title: 'NPL ratio and deviation (偏离度)', note: '', svg: chart }],
    summaryIn(summaryData('regulatory'), lang, thresholds, 'default'),
    font,
  );
const embedded = (html: string) => {
  const m =
    /@font-face \{ font-family: '([^']+)';[^}]*src: url\(data:font\/woff;base64,([A-Za-z0-9+/=]+)\) format\('woff'\)/u.exec(
      html,
    );
  return m ? { family: m[1]!, woff: Buffer.from(m[2]!, 'base64') } : null;
};

describe('the HTML pack embeds its font', () => {
  for (const lang of ['en', 'zh-CN'] as const)
    it(`${lang}: an @font-face whose WOFF has a glyph for every character the page uses, at a fraction of the font`, () => {
      const html = page(lang);
      const f = embedded(html);
      expect(f, 'an @font-face with a WOFF data URI').not.toBeNull();
      // the family the charts' SVG text and the page's body ask for first
      expect(f!.family).toBe(face.family);
      expect(html).toMatch(new RegExp(`body \\{ font-family: '${face.family}', `, 'u'));
      const subset = fontkit.create(f!.woff);
      const text = html.replace(/@font-face[^}]*\}/u, '');
      const chinese = [...new Set(Array.from(text).filter((c) => /[\u4e00-\u9fff]/u.test(c)))];
      expect(chinese.length).toBeGreaterThan(lang === 'en' ? 3 : 50);
      for (const c of [...chinese, 'A', 'z', '0', '%'])
        expect(subset.hasGlyphForCodePoint(c.codePointAt(0)!), c).toBe(true);
      // a subset, not the 10 MB font: well under a few hundred KB for a pack's characters
      expect(f!.woff.length).toBeLessThan(400_000);
    });

  describe('in a browser with no CJK font of its own', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    const dir = mkdtempSync(join(tmpdir(), 'html-font-'));
    // fontconfig sees an empty folder: only the system's fonts, none with Chinese glyphs
    beforeAll(async () => {
      browser = await launchChromium(join(dir, 'none.ttf'));
    });
    afterAll(async () => {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads the embedded face and draws Chinese characters as glyphs, not boxes', async () => {
      const file = join(dir, 'report.html');
      writeFileSync(file, page('en'));
      const p = await browser.browser.newPage();
      const requests: string[] = [];
      p.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
      });
      await p.goto(`file://${file}`);
      const status = await p.evaluate(async (family) => {
        const loaded = await document.fonts.load(`20px '${family}'`, '偏离度');
        return { loaded: loaded.length, statuses: [...document.fonts].map((x) => x.status) };
      }, face.family);
      expect(status.loaded).toBe(1);
      expect(status.statuses).toEqual(['loaded']);
      // two characters drawn in the page's SVG: different pixels (two boxes would be the same)
      const shot = async (ch: string) => {
        await p.evaluate((c) => {
          document.querySelector('figure.chart svg text')!.textContent = c;
        }, ch);
        return p.locator('figure.chart svg').screenshot();
      };
      const [a, b] = [await shot('偏'), await shot('离')];
      expect(a.equals(b)).toBe(false);
      expect(requests).toEqual([]);
      await p.close();
    });
  });
});
