import { describe, expect, it } from 'vitest';
import { createCanvas, Image } from 'canvas';
import { svgToPng, withoutHiddenText } from '../../../../reports/render/png.ts';
import { packagedCjkFont } from '../../../../reports/render/fonts.ts';
import { renderSvg } from '../../../../reports/render/svg.ts';

const svgOf = (texts: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">${texts}</svg>`;
const label = (x: number, text: string, opacity: string) =>
  `<text transform="translate(${String(x)},20)" font-family="sans-serif" font-size="11px" fill="#000" opacity="${opacity}">${text}</text>`;

/** dark pixels of a PNG */
function ink(png: Buffer): number {
  const image = new Image();
  image.src = png;
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) n++;
  return n;
}

describe('svgToPng', () => {
  it('drops exactly the text vega hid (opacity 0), whatever else the element carries', () => {
    const svg = svgOf(label(5, '2.0亿', '0') + label(40, '4.0亿', '1') + label(80, '6.0亿', '0.5'));
    const out = withoutHiddenText(svg);
    expect(out).not.toContain('2.0亿');
    expect(out).toContain('4.0亿');
    expect(out).toContain('6.0亿');
    expect(withoutHiddenText(svgOf(label(5, 'a &amp; b', '0')))).toBe(svgOf(''));
  });

  it('draws no ink for a hidden label: the PNG equals the one without it', async () => {
    const font = packagedCjkFont();
    const shown = await svgToPng(svgOf(label(40, '4.0亿', '1')), font, 1);
    expect(ink(shown)).toBeGreaterThan(0);
    expect(ink(await svgToPng(svgOf(label(40, '4.0亿', '1') + label(5, '2.0亿', '0')), font, 1))).toBe(ink(shown));
    expect(ink(await svgToPng(svgOf(label(5, '2.0亿', '0')), font, 1))).toBe(0);
  });

  it("removes every label vega hid in a real chart's SVG, and only those", async () => {
    // a crowded money axis: vega hides every other label (opacity 0)
    const svg = await renderSvg({
      width: 160,
      data: { values: Array.from({ length: 20 }, (_, i) => ({ x: i * 1e8, y: i })) },
      mark: 'point',
      encoding: {
        x: { field: 'x', type: 'quantitative', axis: { labelOverlap: true, tickCount: 20 } },
        y: { field: 'y', type: 'quantitative' },
      },
    });
    const texts = (s: string) => [...s.matchAll(/<text\b[^>]*>[^<]*<\/text>/gu)].map((m) => m[0]);
    const hidden = texts(svg).filter((t) => /\sopacity="0"/u.test(t));
    expect(hidden.length).toBeGreaterThan(0);
    const kept = texts(withoutHiddenText(svg));
    expect(kept).toEqual(texts(svg).filter((t) => !hidden.includes(t)));
  });
});
