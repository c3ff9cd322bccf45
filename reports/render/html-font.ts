import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { cjkFace } from './fonts.ts';

/**
 * The HTML pack's font: the chart font cut down to the characters the page uses, as a WOFF in a
 * data URI inside its @font-face. The page named CJK fonts but carried none, so a machine without
 * them drew every Chinese character as a box (拨备覆盖率 even in the en pack). The whole font is
 * 10 MB and a file beside report.html would leave the page broken once mailed on its own; a
 * pack's page uses some hundreds of characters, a few hundred KB. fontkit (already the reports'
 * font reader, and what pdfkit subsets the PDF's font with) cuts the glyphs; it writes only the
 * tables a PDF needs, so the cmap, name, OS/2 and post tables a browser needs are added here, and
 * the tables are deflated into a WOFF 1.0 (node:zlib; browsers have read it for a decade).
 */

interface Subset {
  includeGlyph(glyph: number | object): number;
  encode(): Uint8Array;
}
interface Face {
  postscriptName: string;
  familyName: string;
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  glyphForCodePoint(cp: number): { id: number };
  createSubset(): Subset;
}

const cache = new Map<string, string>();

/** `@font-face { font-family: '<family>'; src: url(data:font/woff;base64,…) format('woff') }` holding the code points of `text`. */
export function htmlFontFace(fontFile: string, text: string): string {
  const face = cjkFace(fontFile);
  const codePoints = [...new Set(Array.from(text, (c) => c.codePointAt(0)!))]
    .filter((cp) => cp >= 0x20 && cp <= 0xffff)
    .sort((a, b) => a - b);
  const key = `${fontFile}\u0000${String.fromCodePoint(...codePoints)}`;
  const known = cache.get(key);
  if (known) return known;
  const woff = subsetWoff(fontFile, face.postscriptName, codePoints);
  const css = `@font-face { font-family: '${face.family.replace(/'/gu, '')}'; font-style: normal; font-weight: 400; src: url(data:font/woff;base64,${woff.toString('base64')}) format('woff'); }`;
  cache.clear();
  cache.set(key, css);
  return css;
}

/** The face cut to the code points it has a glyph for, as a WOFF. */
export function subsetWoff(fontFile: string, postscriptName: string, codePoints: number[]): Buffer {
  const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(f: string, ps?: string): unknown };
  const opened = fontkit.openSync(fontFile) as Face | { fonts: Face[] };
  const font = 'fonts' in opened ? opened.fonts.find((f) => f.postscriptName === postscriptName)! : opened;
  const file = readFileSync(fontFile);
  const subset = font.createSubset();
  const map: [number, number][] = [];
  for (const cp of codePoints) {
    const glyph = font.glyphForCodePoint(cp);
    if (glyph.id !== 0) map.push([cp, subset.includeGlyph(glyph)]);
  }
  const tables = readTables(Buffer.from(subset.encode()));
  // what a browser needs besides the outlines: the characters' glyphs, the names, metrics, no glyph names
  tables.set('cmap', cmap(map));
  for (const tag of ['name', 'OS/2'] as const) {
    const t = font.directory.tables[tag];
    if (t) tables.set(tag, file.subarray(t.offset, t.offset + t.length));
  }
  const post = font.directory.tables.post;
  const post3 = Buffer.alloc(32);
  if (post) file.copy(post3, 0, post.offset, post.offset + Math.min(32, post.length));
  post3.writeUInt32BE(0x00030000, 0);
  post3.fill(0, 16, 32);
  tables.set('post', post3);
  return woff(tables.has('CFF ') ? 0x4f54544f : 0x00010000, tables);
}

/** The tables of an sfnt (what fontkit's subset encodes). */
function readTables(sfnt: Buffer): Map<string, Buffer> {
  const n = sfnt.readUInt16BE(4);
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const at = 12 + 16 * i;
    const tag = sfnt.toString('latin1', at, at + 4);
    const offset = sfnt.readUInt32BE(at + 8);
    tables.set(tag, sfnt.subarray(offset, offset + sfnt.readUInt32BE(at + 12)));
  }
  return tables;
}

/** A cmap with one format 4 subtable (Windows, Unicode BMP): a segment per run of consecutive characters and glyphs. */
function cmap(map: [number, number][]): Buffer {
  const segments: { start: number; end: number; delta: number }[] = [];
  for (const [cp, gid] of map) {
    const last = segments.at(-1);
    if (last && cp === last.end + 1 && (gid - cp) % 65536 === last.delta % 65536) last.end = cp;
    else segments.push({ start: cp, end: cp, delta: gid - cp });
  }
  segments.push({ start: 0xffff, end: 0xffff, delta: 1 });
  const segCount = segments.length;
  const length = 16 + 8 * segCount;
  const t = Buffer.alloc(length);
  t.writeUInt16BE(4, 0);
  t.writeUInt16BE(length, 2);
  t.writeUInt16BE(0, 4);
  t.writeUInt16BE(segCount * 2, 6);
  const entrySelector = Math.floor(Math.log2(segCount));
  const searchRange = 2 * 2 ** entrySelector;
  t.writeUInt16BE(searchRange, 8);
  t.writeUInt16BE(entrySelector, 10);
  t.writeUInt16BE(segCount * 2 - searchRange, 12);
  segments.forEach((s, i) => {
    t.writeUInt16BE(s.end, 14 + 2 * i);
    t.writeUInt16BE(s.start, 16 + 2 * segCount + 2 * i);
    t.writeUInt16BE(((s.delta % 65536) + 65536) % 65536, 16 + 4 * segCount + 2 * i);
    t.writeUInt16BE(0, 16 + 6 * segCount + 2 * i);
  });
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt16BE(3, 4);
  head.writeUInt16BE(1, 6);
  head.writeUInt32BE(12, 8);
  return Buffer.concat([head, t]);
}

const checksum = (b: Buffer) => {
  const padded = Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
};
const pad4 = (n: number) => (n + 3) & ~3;

/** WOFF 1.0: the sfnt's tables, each deflated when that is smaller, with head's whole-font checksum set. */
function woff(flavor: number, tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const head = Buffer.from(tables.get('head')!);
  head.writeUInt32BE(0, 8);
  tables.set('head', head);
  // the sfnt's own checksum adjustment: over the sfnt this WOFF unpacks to
  const numTables = tags.length;
  const sfntHeader = Buffer.alloc(12 + 16 * numTables);
  sfntHeader.writeUInt32BE(flavor, 0);
  sfntHeader.writeUInt16BE(numTables, 4);
  const entrySelector = Math.floor(Math.log2(numTables));
  sfntHeader.writeUInt16BE(16 * 2 ** entrySelector, 6);
  sfntHeader.writeUInt16BE(entrySelector, 8);
  sfntHeader.writeUInt16BE(numTables * 16 - 16 * 2 ** entrySelector, 10);
  // each table's checksum as the sfnt directory has it: head's with its adjustment still 0
  const sums = new Map(tags.map((tag) => [tag, checksum(tables.get(tag)!)]));
  let offset = sfntHeader.length;
  tags.forEach((tag, i) => {
    const t = tables.get(tag)!;
    sfntHeader.write(tag, 12 + 16 * i, 'latin1');
    sfntHeader.writeUInt32BE(sums.get(tag)!, 16 + 16 * i);
    sfntHeader.writeUInt32BE(offset, 20 + 16 * i);
    sfntHeader.writeUInt32BE(t.length, 24 + 16 * i);
    offset += pad4(t.length);
  });
  const totalSfntSize = offset;
  let total = checksum(sfntHeader);
  for (const tag of tags) total = (total + sums.get(tag)!) >>> 0;
  head.writeUInt32BE((0xb1b0afba - total) >>> 0, 8);

  const header = Buffer.alloc(44 + 20 * numTables);
  const parts: Buffer[] = [];
  let at = header.length;
  tags.forEach((tag, i) => {
    const t = tables.get(tag)!;
    const deflated = deflateSync(t, { level: 9 });
    const body = deflated.length < t.length ? deflated : t;
    const e = 44 + 20 * i;
    header.write(tag, e, 'latin1');
    header.writeUInt32BE(at, e + 4);
    header.writeUInt32BE(body.length, e + 8);
    header.writeUInt32BE(t.length, e + 12);
    header.writeUInt32BE(sums.get(tag)!, e + 16);
    parts.push(body, Buffer.alloc(pad4(body.length) - body.length));
    at += pad4(body.length);
  });
  header.write('wOFF', 0, 'latin1');
  header.writeUInt32BE(flavor, 4);
  header.writeUInt32BE(at, 8);
  header.writeUInt16BE(numTables, 12);
  header.writeUInt32BE(totalSfntSize, 16);
  header.writeUInt16BE(1, 20);
  return Buffer.concat([header, ...parts]);
}
