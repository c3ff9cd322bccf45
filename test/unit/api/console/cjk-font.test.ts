import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleCjkWoff, gb2312CodePoints } from '../../../../api/console/cjk-font.ts';

interface Font {
  glyphForCodePoint(cp: number): { id: number };
}
const fontkit = createRequire(import.meta.url)('fontkit') as { create(b: Buffer): Font };

/** every Han character in the console's own sources and the reports' labels it shows */
function consoleHanzi(): number[] {
  const files = [
    ...readdirSync('api/console')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join('api/console', f)),
    'reports/i18n.ts',
    'reports/summary/segments.ts',
    'warehouse/feature-labels.ts',
  ];
  const text = files.map((f) => readFileSync(f, 'utf8')).join('');
  return [
    ...new Set(Array.from(text.matchAll(/[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/gu), (m) => m[0].codePointAt(0)!)),
  ];
}

describe("the console's Chinese font (for a browser without one)", () => {
  it('holds GB 2312 and every Chinese character the console itself writes', () => {
    const set = new Set(gb2312CodePoints());
    expect(set.size).toBeGreaterThan(7000);
    const hanzi = consoleHanzi();
    expect(hanzi.length).toBeGreaterThan(300);
    expect(hanzi.filter((cp) => !set.has(cp)).map((cp) => String.fromCodePoint(cp))).toEqual([]);
    const font = fontkit.create(consoleCjkWoff());
    const missing = hanzi.filter((cp) => font.glyphForCodePoint(cp).id === 0).map((cp) => String.fromCodePoint(cp));
    expect(missing).toEqual([]);
    // no Latin: the system's fonts draw those (the stylesheet's unicode-range asks only for CJK)
    expect(font.glyphForCodePoint('A'.codePointAt(0)!).id).toBe(0);
  });

  it('is a WOFF the stylesheet names for CJK characters only, and the charts use the page font', () => {
    const woff = consoleCjkWoff();
    expect(woff.subarray(0, 4).toString('latin1')).toBe('wOFF');
    expect(woff.length).toBeLessThan(3_000_000);
    const css = readFileSync('api/console/assets/console.css', 'utf8');
    // a Chinese system font first (nothing fetched), the shipped one only without one
    expect(css).toMatch(
      /@font-face \{\s*font-family: 'loanwatch CJK';\s*src:\s*local\('Noto Sans SC'\),[^;]*url\(cjk\.woff\) format\('woff'\);/u,
    );
    // CJK code points only: an English page (its dashes, quotes) never fetches it
    const range = /unicode-range: ([^;]*);/u.exec(css)![1]!;
    expect(range).toContain('U+4E00-9FFF');
    for (const [lo] of range.matchAll(/U\+([0-9A-F]+)/gu))
      expect(parseInt(lo.slice(2), 16)).toBeGreaterThanOrEqual(0x3000);
    // first in the stack: a browser's own fallback for a bold all-Chinese heading drew boxes before it
    expect(css).toMatch(/font-family:\s*'loanwatch CJK',\s*system-ui,/u);
    expect(readFileSync('api/console/assets/console.js', 'utf8')).toMatch(/config: \{ font(, aria: false)? \}/u);
  });
});
