import { readFileSync } from 'node:fs';
import { GlobalFonts } from 'canvas';
import { cjkFace, cjkFaceIndex } from './fonts.ts';

const registered = new Set<string>();

/**
 * Registers the report font's CJK face with the canvas (Skia) under its family name, once per
 * process, and returns that name: vega measures text with it (svg.ts) and PNGs are drawn with it
 * (png.ts). From a collection (.ttc) the CJK face is cut out first: the canvas would register
 * only the collection's first face, which may have no Chinese glyphs.
 */
export function registerCjkFace(fontFile: string): string {
  const { family } = cjkFace(fontFile);
  if (!registered.has(fontFile)) {
    const bytes = readFileSync(fontFile);
    const index = cjkFaceIndex(fontFile);
    GlobalFonts.register(index === null ? bytes : faceOfCollection(bytes, index), family);
    registered.add(fontFile);
  }
  return family;
}

/**
 * One face of a TrueType/OpenType collection as a standalone font file: its table directory with
 * the offsets counted from the new file's start, and each table's bytes, 4-byte aligned.
 */
export function faceOfCollection(ttc: Buffer, index: number): Buffer {
  const base = ttc.readUInt32BE(12 + 4 * index);
  const numTables = ttc.readUInt16BE(base + 4);
  const records = Array.from({ length: numTables }, (_, t) => {
    const at = base + 12 + 16 * t;
    return { at, offset: ttc.readUInt32BE(at + 8), length: ttc.readUInt32BE(at + 12) };
  });
  const headerSize = 12 + 16 * numTables;
  const size = records.reduce((s, r) => s + Math.ceil(r.length / 4) * 4, headerSize);
  const out = Buffer.alloc(size);
  ttc.copy(out, 0, base, base + headerSize);
  let at = headerSize;
  records.forEach((r, t) => {
    ttc.copy(out, at, r.offset, r.offset + r.length);
    out.writeUInt32BE(at, 12 + 16 * t + 8);
    at += Math.ceil(r.length / 4) * 4;
  });
  return out;
}
