import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  cjkFace,
  cjkFontFile,
  packagedCjkFont,
  ReportFontError,
  systemCjkFonts,
} from '../../../reports/render/fonts.ts';
import { packPdf } from '../../../reports/render/pdf.ts';
import { svgToPng } from '../../../reports/render/png.ts';
import { renderSvg } from '../../../reports/render/svg.ts';
import { UserError } from '../../../lib/user-error.ts';
import { pdfEmbeddedFonts, pdfPagePng, pdfPageText } from '../../helpers/pdf.ts';
import { pngPixels } from '../../helpers/png.ts';
import { makeTtc } from '../../helpers/ttc.ts';
import { tmpDir } from '../../helpers/warehouse.ts';

/** A Latin-only TrueType font that ships with an npm package (pdfjs-dist): the "no CJK glyphs" case. */
const latinOnly = join(
  dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'standard_fonts',
  'LiberationSans-Regular.ttf',
);

const glyphPng = (font: string, ch: string) =>
  svgToPng(
    `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60"><text x="5" y="45" font-size="40" font-family="sans-serif">${ch}</text></svg>`,
    font,
    1,
  );

/** Draws 逾 and 期 to PNG and a one-chart PDF with the font; checks both show real, different glyphs and the PDF embeds the face. */
async function rendersChinese(font: string, postscriptName: string) {
  const [a, b] = [await pngPixels(await glyphPng(font, '逾')), await pngPixels(await glyphPng(font, '期'))];
  expect(a.inkShare).toBeGreaterThan(0.03);
  expect(b.inkShare).toBeGreaterThan(0.03);
  expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
  const svg = await renderSvg(
    {
      data: {
        values: [
          { 月份: '一月', 逾期率: 1 },
          { 月份: '二月', 逾期率: 2 },
        ],
      },
      mark: 'bar',
      encoding: { x: { field: '月份', type: 'nominal' }, y: { field: '逾期率', type: 'quantitative' } },
      title: '逾期率',
    },
    font,
  );
  const pdf = await packPdf(
    { lang: 'zh-CN', title: '贷后管理月报', subtitle: '测试' },
    [{ id: 'c', title: '逾期率', note: '说明', svg }],
    font,
  );
  expect(pdfEmbeddedFonts(pdf)).toContain(postscriptName);
  expect(await pdfPageText(pdf, 1)).toContain('贷后管理月报');
  expect((await pngPixels(await pdfPagePng(pdf, 2))).inkShare).toBeGreaterThan(0.01);
}

describe('the report font (LOANWATCH_CJK_FONT and the default)', () => {
  const dir = tmpDir('fonts');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to an installed Debian CJK font, else the npm-shipped Noto Sans SC (no apt needed)', () => {
    const packaged = packagedCjkFont();
    expect(existsSync(packaged)).toBe(true);
    expect(cjkFontFile('')).toBe(systemCjkFonts.find((f) => existsSync(f)) ?? packaged);
  });

  it('a .ttf: the npm font, by its own PostScript and family names, in PNG and PDF', async () => {
    const font = packagedCjkFont();
    expect(cjkFontFile(font)).toBe(font);
    expect(cjkFace(font)).toEqual({
      postscriptName: 'NotoSansSC-Regular',
      family: 'Noto Sans SC',
      inCollection: false,
    });
    await rendersChinese(font, 'NotoSansSC-Regular');
  });

  it('a .ttc whose first face has no CJK glyphs: the CJK face is found and embedded', async () => {
    const ttc = join(dir, 'latin-then-cjk.ttc');
    writeFileSync(ttc, makeTtc([latinOnly, packagedCjkFont()]));
    expect(cjkFace(ttc)).toEqual({ postscriptName: 'NotoSansSC-Regular', family: 'Noto Sans SC', inCollection: true });
    await rendersChinese(ttc, 'NotoSansSC-Regular');
  });

  for (const system of systemCjkFonts) {
    it.skipIf(!existsSync(system))(`a Debian font when installed: ${system}`, async () => {
      await rendersChinese(system, cjkFace(system).postscriptName);
    });
  }

  it('refuses, in one line a user can act on: no CJK glyphs, a missing file, a directory, not a font', () => {
    const latinTtc = join(dir, 'latin.ttc');
    writeFileSync(latinTtc, makeTtc([latinOnly, latinOnly]));
    const notFont = join(dir, 'notes.ttf');
    writeFileSync(notFont, 'not a font');
    const cases: [string, RegExp][] = [
      [
        latinOnly,
        /^LOANWATCH_CJK_FONT=.*LiberationSans-Regular\.ttf: has no Chinese glyphs \(逾期\); choose a font with CJK characters/u,
      ],
      [latinTtc, /latin\.ttc: has no Chinese glyphs/u],
      [join(dir, 'missing.ttf'), /^LOANWATCH_CJK_FONT=.*missing\.ttf: no such file$/u],
      [dir, /: not a file$/u],
      [notFont, /notes\.ttf: not a TrueType, OpenType or TTC font file$/u],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      try {
        cjkFontFile(file);
      } catch (e) {
        error = e;
      }
      expect(error, file).toBeInstanceOf(ReportFontError);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
