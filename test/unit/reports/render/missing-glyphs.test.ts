import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { cjkFaceIndex, drawableText, packagedCjkFont, systemCjkFonts } from '../../../../reports/render/fonts.ts';
import { packPdf } from '../../../../reports/render/pdf.ts';
import { pdfPageText } from '../../../helpers/pdf.ts';

/**
 * A PDF embeds one face: a sign it has no glyph for prints as a box and is lost to a reader (the
 * minus of every negative vega label: WenQuanYi Zen Hei has no U+2212). Every font a pack may be
 * drawn with here: the signs come out as the face can draw them, and a negative number keeps its sign.
 */
const fonts = [packagedCjkFont(), ...systemCjkFonts.filter((f) => existsSync(f))];
const signs = '\u2212\u2013\u2009\u2026\u2264\u2265\u00d7';

const glyphTest = (file: string) => {
  const fontkit = createRequire(import.meta.url)('fontkit') as typeof Fontkit;
  const opened = fontkit.openSync(file);
  const face = 'fonts' in opened ? opened.fonts[cjkFaceIndex(file) ?? 0]! : opened;
  return (c: string) => face.hasGlyphForCodePoint(c.codePointAt(0)!);
};

describe.each(fonts)('text drawn with %s', (file) => {
  it('every character of the drawable text has a glyph in the face, or is plain ASCII', () => {
    const has = glyphTest(file);
    const drawn = drawableText(file)(`ECL ${signs} 逾期 −112万`);
    for (const c of drawn) expect(has(c) || c.charCodeAt(0) < 128, `U+${c.codePointAt(0)!.toString(16)}`).toBe(true);
    expect(drawn).toMatch(/[-\u2212]112万/u);
  });

  it('a chart whose labels are negative keeps their sign in the PDF', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80"><text x="10" y="40" font-size="14">written off \u2212112万 · PD change \u22122.5M</text></svg>';
    const pdf = await packPdf(
      { lang: 'zh-CN', title: 'pack', subtitle: '' },
      [{ id: 'walk', title: 'ECL walk', note: 'share = 1 \u2212 the others', svg }],
      file,
    );
    const text = await pdfPageText(pdf, 2);
    expect(text).toMatch(/[-\u2212]112万/u);
    expect(text).toMatch(/[-\u2212]2\.5M/u);
    expect(text).toMatch(/1 ?[-\u2212] ?the others/u);
  }, 30_000);

  it('a note the chart already carries is not printed again under it, a sign in it or not', async () => {
    const note = 'Normal share = 1 \u2212 the others.';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80"><text x="10" y="40" font-size="10">${note}</text></svg>`;
    const pdf = await packPdf({ lang: 'en', title: 'pack', subtitle: '' }, [{ id: 'n', title: 'N', note, svg }], file);
    const text = await pdfPageText(pdf, 2);
    expect(text.split('the others').length - 1).toBe(1);
  }, 30_000);
});
