declare module 'fontkit' {
  /** One face of a font file (the part of fontkit's API the report renderer uses). */
  export interface Font {
    postscriptName: string | null;
    familyName: string | null;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  /** A .ttc/.otc: several faces in one file. */
  export interface FontCollection {
    fonts: Font[];
  }
  /** Reads and parses a font file; throws on anything that is not a font fontkit knows. */
  export function openSync(filename: string, postscriptName?: string): Font | FontCollection;
}
