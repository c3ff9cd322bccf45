import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * PDF checks without poppler: pdfjs-dist (an npm package) reads the text and rasterises a page onto
 * @napi-rs/canvas, so the report tests need no Debian package. Fonts are drawn from the PDF's own
 * embedded data (no system fonts), which is what a reader without the font would see.
 */
const pdfjsDir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

const open = (pdf: Buffer) =>
  getDocument({
    data: new Uint8Array(pdf),
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
    standardFontDataUrl: `${join(pdfjsDir, 'standard_fonts')}/`,
    cMapUrl: `${join(pdfjsDir, 'cmaps')}/`,
    cMapPacked: true,
  }).promise;

/** The text of one page (1-based), items joined without separators. */
export async function pdfPageText(pdf: Buffer, page: number): Promise<string> {
  const doc = await open(pdf);
  try {
    const content = await (await doc.getPage(page)).getTextContent();
    return content.items.map((i) => ('str' in i ? i.str : '')).join('');
  } finally {
    await doc.destroy();
  }
}

/** One page rendered to PNG at `scale` (1 = 72 dpi). */
export async function pdfPagePng(pdf: Buffer, page: number, scale = 0.6): Promise<Buffer> {
  const doc = await open(pdf);
  try {
    const p = await doc.getPage(page);
    const viewport = p.getViewport({ scale });
    // pdfjs's own canvas factory: its Path2D objects only work on a context of the same
    // @napi-rs/canvas build, and pdfjs-dist pins its own (not the one installed as `canvas`)
    const factory = doc.canvasFactory as {
      create(
        w: number,
        h: number,
      ): { canvas: HTMLCanvasElement & { toBuffer(mime: 'image/png'): Buffer }; context: CanvasRenderingContext2D };
    };
    const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await p.render({ canvas, canvasContext: context, viewport }).promise;
    return canvas.toBuffer('image/png');
  } finally {
    await doc.destroy();
  }
}

/** The fonts a PDF embeds, by BaseFont name without the subset tag (pdfkit writes font dictionaries uncompressed). */
export function pdfEmbeddedFonts(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const names = [...text.matchAll(/\/BaseFont \/(?:[A-Z]{6}\+)?([^\s/]+)/gu)].map((m) => m[1]!);
  return text.includes('/FontFile2') || text.includes('/FontFile3') ? [...new Set(names)] : [];
}

/** The number of pages. */
export async function pdfPageCount(pdf: Buffer): Promise<number> {
  const doc = await open(pdf);
  try {
    return doc.numPages;
  } finally {
    await doc.destroy();
  }
}

export interface PdfTextItem {
  str: string;
  x: number;
  /** the baseline, from the page's top (points) */
  y: number;
  width: number;
  /** the font size (points) */
  size: number;
}

/** The text runs of one page (1-based) with where they sit: to check that a line is not drawn over another. */
export async function pdfPageItems(pdf: Buffer, page: number): Promise<PdfTextItem[]> {
  const doc = await open(pdf);
  try {
    const p = await doc.getPage(page);
    const top = p.view[3]!;
    const content = await p.getTextContent();
    return content.items.flatMap((i) =>
      'str' in i && i.str.trim()
        ? [
            {
              str: i.str,
              x: i.transform[4] as number,
              y: top - (i.transform[5] as number),
              width: i.width,
              size: i.height,
            },
          ]
        : [],
    );
  } finally {
    await doc.destroy();
  }
}
