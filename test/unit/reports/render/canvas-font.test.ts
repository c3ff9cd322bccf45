import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSync } from 'fontkit';
import { faceOfCollection } from '../../../../reports/render/canvas-font.ts';
import { packagedCjkFont } from '../../../../reports/render/fonts.ts';
import { makeTtc } from '../../../helpers/ttc.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

const latinOnly = join(
  dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'standard_fonts',
  'LiberationSans-Regular.ttf',
);

/** A single-face font file's tables by tag, as bytes (offsets in the directory count from the file's start). */
function tables(font: Buffer): Map<string, Buffer> {
  const n = font.readUInt16BE(4);
  return new Map(
    Array.from({ length: n }, (_, t) => {
      const at = 12 + 16 * t;
      const offset = font.readUInt32BE(at + 8);
      return [font.toString('latin1', at, at + 4), font.subarray(offset, offset + font.readUInt32BE(at + 12))];
    }),
  );
}

describe('faceOfCollection', () => {
  const dir = tmpDir('canvas-font');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts each face out of a collection as the font file it was made from, table for table', () => {
    const files = [latinOnly, packagedCjkFont()];
    const ttc = makeTtc(files);
    files.forEach((file, i) => {
      const cut = faceOfCollection(ttc, i);
      const original = readFileSync(file);
      const want = tables(original);
      const got = tables(cut);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [tag, bytes] of want) expect(got.get(tag)!.equals(bytes), `${file} ${tag}`).toBe(true);
      const path = join(dir, `face-${i}.ttf`);
      writeFileSync(path, cut);
      const face = openSync(path);
      expect('fonts' in face).toBe(false);
      if ('fonts' in face) return;
      expect(face.postscriptName).toBe((openSync(file) as typeof face).postscriptName);
      expect(face.hasGlyphForCodePoint('逾'.codePointAt(0)!)).toBe(i === 1);
    });
  });
});
