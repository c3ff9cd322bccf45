import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { cjkFace } from './fonts.ts';
import type { PackMeta, RenderedChart } from './html.ts';

/**
 * The pack as a vector PDF: a cover with the contents, then one A4 landscape page per chart with
 * its note. The CJK font file is embedded (subset) so Chinese renders without the reader having it.
 */
export function packPdf(meta: PackMeta, charts: RenderedChart[], fontFile: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 40,
    info: { Title: meta.title, Creator: 'loanwatch' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });
  // pdfkit's third argument picks a face inside a .ttc by PostScript name; for a single-face file it
  // must be left out (fontkit then calls getFont on a plain font and throws).
  const face = cjkFace(fontFile);
  doc.registerFont('cjk', fontFile, face.inCollection ? face.postscriptName : undefined);
  doc.font('cjk').fontSize(24).text(meta.title).moveDown(0.3);
  doc.fontSize(12).fillColor('#555').text(meta.subtitle).moveDown(1);
  doc.fillColor('#222').fontSize(11);
  charts.forEach((c, i) => doc.text(`${i + 1}. ${c.title}`));
  const pageWidth = doc.page.width - 80;
  for (const c of charts) {
    doc.addPage();
    SVGtoPDF(doc, c.svg, 40, 40, {
      width: pageWidth,
      height: doc.page.height - 140,
      preserveAspectRatio: 'xMinYMin meet',
      fontCallback: () => 'cjk',
    });
    doc
      .font('cjk')
      .fontSize(10)
      .fillColor('#555')
      .text(c.note, 40, doc.page.height - 90, { width: pageWidth });
  }
  doc.end();
  return done;
}
