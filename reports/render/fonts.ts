import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Fontkit from 'fontkit';
import { UserError } from '../../lib/user-error.ts';

/** Debian's CJK fonts, preferred when installed (WenQuanYi first: it is what older packs were drawn with). */
export const systemCjkFonts = [
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
];

/**
 * Noto Sans SC Regular as shipped by an npm dependency, so `npm ci` alone gives reports a CJK font
 * (no apt, no root). Resolved through node's resolver rather than a fixed node_modules path.
 */
export function packagedCjkFont(): string {
  const pkg = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json');
  return join(dirname(pkg), '400Regular', 'NotoSansSC_400Regular.ttf');
}

export class ReportFontError extends UserError {}

/** The face of a font file that reports draw with. */
export interface CjkFace {
  /** PostScript name: how pdfkit picks the face inside a .ttc */
  postscriptName: string;
  /** family name: what resvg and canvas match an SVG's font-family against */
  family: string;
  /** true for a .ttc/.otc: pdfkit must be told which face to embed */
  inCollection: boolean;
}

// Characters every Chinese pack prints (逾期 overdue, 贷 loan, 管 management): a face without them draws boxes.
const probe = Array.from('逾期贷管', (c) => c.codePointAt(0)!);
const faces = new Map<string, CjkFace>();
const faceIndexes = new Map<string, number | null>();
const faceGlyphs = new Map<string, (cp: number) => boolean>();

/**
 * What a face without the character draws instead: typographic signs vega and the pack's notes use,
 * each as its plain ASCII twin (WenQuanYi Zen Hei has no U+2212: every negative axis label and ECL
 * walk bar printed a box where its minus sign was).
 */
const plainTwins: Readonly<Record<string, string>> = {
  '\u2212': '-', // minus sign (vega's number format)
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u2013': '-', // en dash
  '\u2009': ' ', // thin space
  '\u202f': ' ', // narrow no-break space
  '\u00a0': ' ', // no-break space
  '\u2026': '...', // ellipsis
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00d7': 'x',
};

/**
 * Text as the font file's CJK face can draw it: each character of plainTwins the face has no glyph
 * for replaced by its twin; every other character unchanged (a face with the sign keeps it).
 */
export function drawableText(file: string): (text: string) => string {
  cjkFace(file);
  const has = faceGlyphs.get(file)!;
  const missing = Object.keys(plainTwins).filter((c) => !has(c.codePointAt(0)!));
  if (missing.length === 0) return (text) => text;
  const pattern = new RegExp(`[${missing.join('')}]`, 'gu');
  return (text) => text.replace(pattern, (c) => plainTwins[c] ?? c);
}

/** Opens a font file and returns its face with CJK glyphs (for a collection, the first such face); a one-line error otherwise. */
export function cjkFace(file: string, label = file): CjkFace {
  const known = faces.get(file);
  if (known) return known;
  if (!existsSync(file)) throw new ReportFontError(`${label}: no such file`);
  if (!statSync(file).isFile()) throw new ReportFontError(`${label}: not a file`);
  // required on first use (synchronously, as callers are): fontkit is a sixth of a second of every CLI command's start otherwise
  const fontkit = createRequire(import.meta.url)('fontkit') as typeof Fontkit;
  let opened: Fontkit.Font | Fontkit.FontCollection;
  try {
    opened = fontkit.openSync(file);
  } catch {
    throw new ReportFontError(`${label}: not a TrueType, OpenType or TTC font file`);
  }
  const inCollection = 'fonts' in opened;
  const candidates = 'fonts' in opened ? opened.fonts : [opened];
  const face = candidates.find((f) => probe.every((cp) => f.hasGlyphForCodePoint(cp)));
  if (!face)
    throw new ReportFontError(
      `${label}: has no Chinese glyphs (逾期); choose a font with CJK characters, e.g. Noto Sans SC or WenQuanYi Zen Hei`,
    );
  if (!face.postscriptName || !face.familyName)
    throw new ReportFontError(`${label}: the CJK face has no PostScript or family name`);
  const found = { postscriptName: face.postscriptName, family: face.familyName, inCollection };
  faces.set(file, found);
  faceIndexes.set(file, inCollection ? candidates.indexOf(face) : null);
  faceGlyphs.set(file, (cp) => face.hasGlyphForCodePoint(cp));
  return found;
}

/**
 * The font file for PNG and PDF: LOANWATCH_CJK_FONT when set (checked: it must exist and have CJK
 * glyphs), else an installed Debian CJK font, else the one the npm dependency ships.
 */
export function cjkFontFile(configured = ''): string {
  if (configured) {
    cjkFace(configured, `LOANWATCH_CJK_FONT=${configured}`);
    return configured;
  }
  const file = systemCjkFonts.find((f) => existsSync(f)) ?? packagedCjkFont();
  cjkFace(file, `${file} (no LOANWATCH_CJK_FONT set; run \`npm ci\` to install it)`);
  return file;
}

/** Which face of a collection is the CJK one (null for a single-face file). */
export function cjkFaceIndex(file: string): number | null {
  cjkFace(file);
  return faceIndexes.get(file) ?? null;
}

/** The family name of the CJK face inside a font file (what an SVG's font-family list must name). */
export const fontFamilyOf = (file: string) => cjkFace(file).family;
