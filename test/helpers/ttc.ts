import { readFileSync } from 'node:fs';

/**
 * A TrueType collection (.ttc) made of the given single-face font files, in order: tests use one
 * whose first face has no CJK glyphs, to check the renderer picks the face that has them. Each font
 * is copied whole; only its table records' offsets move, since in a collection they count from the
 * start of the file.
 */
export function makeTtc(files: string[]): Buffer {
  const fonts = files.map((f) => Buffer.from(readFileSync(f)));
  const headerSize = 12 + 4 * fonts.length;
  const offsets: number[] = [];
  let at = headerSize;
  for (const font of fonts) {
    offsets.push(at);
    at += Math.ceil(font.length / 4) * 4;
  }
  const out = Buffer.alloc(at);
  out.write('ttcf', 0, 'latin1');
  out.writeUInt32BE(0x00010000, 4);
  out.writeUInt32BE(fonts.length, 8);
  fonts.forEach((font, i) => {
    const base = offsets[i]!;
    out.writeUInt32BE(base, 12 + 4 * i);
    font.copy(out, base);
    const numTables = font.readUInt16BE(4);
    for (let t = 0; t < numTables; t++) {
      const record = base + 12 + 16 * t;
      out.writeUInt32BE(out.readUInt32BE(record + 8) + base, record + 8);
    }
  });
  return out;
}
