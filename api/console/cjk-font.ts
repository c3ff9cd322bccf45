import { cjkFace, packagedCjkFont } from '../../reports/render/fonts.ts';
import { subsetWoff } from '../../reports/render/html-font.ts';

/**
 * The console's Chinese font, for a browser on a machine without one (a kiosk, a fresh Linux
 * desktop), which drew every 中文 label and value as a box: the font the npm dependency ships, cut
 * to the characters of GB 2312 (its 6,763 hanzi, CJK punctuation and full-width forms: every
 * common character of a Chinese name, place or label), as one WOFF of about 1.4 MB. The stylesheet
 * names it last before `sans-serif` with a CJK unicode-range, so a browser with a Chinese system
 * font never asks for it; one that asks caches it. Cut once per process, on the first request
 * (about half a second), not at start-up: most servers never serve it.
 */
let woff: Buffer | undefined;

/** GB 2312's characters beyond ASCII: every two-byte code of its rows 0xA1–0xF7, as GBK decodes them. */
export function gb2312CodePoints(): number[] {
  const gbk = new TextDecoder('gbk');
  const cps = new Set<number>();
  for (let row = 0xa1; row <= 0xf7; row++)
    for (let cell = 0xa1; cell <= 0xfe; cell++) {
      const ch = gbk.decode(Uint8Array.of(row, cell));
      const cp = ch.codePointAt(0)!;
      if (ch.length === 1 && cp > 0x7f && cp !== 0xfffd) cps.add(cp);
    }
  return [...cps].sort((a, b) => a - b);
}

export function consoleCjkWoff(): Buffer {
  if (!woff) {
    const file = packagedCjkFont();
    woff = subsetWoff(file, cjkFace(file).postscriptName, gb2312CodePoints());
  }
  return woff;
}
