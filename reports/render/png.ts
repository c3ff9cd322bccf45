import { createCanvas, Image } from 'canvas';
import sharp from 'sharp';
import { registerCjkFace } from './canvas-font.ts';

/**
 * SVG → PNG at `scale`× with the report font's CJK face only: every font-family of the SVG is
 * pointed at that face, so the output does not depend on what else the machine has, and text
 * naming a font that is not installed still draws with it.
 *
 * Drawn by the canvas (Skia) that vega already measures text with, where the font is parsed once
 * per process. resvg, used before, parsed the 10 MB font file again for every chart (0.4–0.7 s a
 * chart: most of a pack's rendering time). Encoded by sharp (libspng, off the main thread): Skia's
 * own PNG encoder took 45 ms a chart on the main thread, 1.2 s of a 19-chart pack, for the same
 * pixels and a file of the same size.
 */
export async function svgToPng(svg: string, fontFile: string, scale = 2): Promise<Buffer> {
  const family = registerCjkFace(fontFile);
  const image = new Image();
  image.src = Buffer.from(withoutHiddenText(withOnlyFamily(svg, family)));
  const width = Math.ceil(image.width * scale);
  const height = Math.ceil(image.height * scale);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/**
 * The SVG without the text vega hid: an axis hides a label that would overlap its neighbour with
 * opacity="0", which Skia's SVG module does not apply to text — the PNG printed every label over the
 * next (a money axis showed 18 labels on 380 px).
 */
export function withoutHiddenText(svg: string): string {
  return svg.replace(/<text\b[^>]*\sopacity="0"[^>]*>[^<]*<\/text>/gu, '');
}

/** Every font-family attribute and style property of an SVG naming just the family. */
function withOnlyFamily(svg: string, family: string): string {
  const quoted = `'${family.replace(/['"<>&]/gu, '')}'`;
  return svg
    .replace(/font-family="[^"]*"/gu, `font-family="${quoted}"`)
    .replace(/font-family:[^;"]*/gu, `font-family:${quoted}`);
}
