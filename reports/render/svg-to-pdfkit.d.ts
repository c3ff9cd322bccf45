declare module 'svg-to-pdfkit' {
  /** Draws an SVG document onto a pdfkit page at (x, y). */
  export default function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options?: {
      width?: number;
      height?: number;
      preserveAspectRatio?: string;
      fontCallback?: (family: string, bold: boolean, italic: boolean) => string;
      assumePt?: boolean;
    },
  ): void;
}
