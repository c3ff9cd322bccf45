import { describe, expect, it } from 'vitest';
import { headingLines } from '../../../../reports/render/pdf-lines.ts';

// a line's width in ems: a Chinese character one, anything else half
const ems = (s: string) => Array.from(s).reduce((n, ch) => n + (/[\u2e80-\uffef]/u.test(ch) ? 1 : 0.5), 0);
const within = (max: number) => (line: string) => ems(line) <= max;

describe('headingLines: where a PDF heading breaks', () => {
  it('a segment pack’s title breaks after its separators, never inside a Chinese word', () => {
    const title = '贷后管理月报 · 2024-06 · 产品 小微企业贷款 · 区域 华中, 华东';
    expect(headingLines(title, within(24)).split('\n')).toEqual([
      '贷后管理月报 · 2024-06 · 产品 小微企业贷款 ·',
      '区域 华中, 华东',
    ]);
    expect(headingLines('产品 小微企业贷款 · 区域 华中, 华东', within(12)).split('\n')).toEqual([
      '产品 小微企业贷款 ·',
      '区域 华中, 华东',
    ]);
  });

  it('a part too long for a line of its own breaks at its spaces', () => {
    expect(headingLines('区域 华中, 华东, 华北, 西北', within(7)).split('\n')).toEqual([
      '区域 华中,',
      '华东, 华北,',
      '西北',
    ]);
  });

  it('any heading at any width: nothing lost, a break only where a space was, every line fits but a lone word, no line starts with a separator', () => {
    const words = ['产品', '小微企业贷款', '区域', '华中,', 'East,', 'Northwest', '2024-06', '分行', 'Consumer'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const part = () => Array.from({ length: 1 + (next() % 3) }, () => words[next() % words.length]!).join(' ');
    for (let n = 0; n < 300; n++) {
      // a heading as the packs write one: parts of one to three words between " · " separators
      const text = Array.from({ length: 1 + (next() % 4) }, part).join(' · ');
      const max = 2 + (next() % 30);
      const lines = headingLines(text, within(max)).split('\n');
      expect(lines.join(' '), text).toBe(text.replace(/\s+/gu, ' ').trim());
      for (const line of lines) {
        // (a lone word keeps the separator after it)
        expect(ems(line) <= max || !line.replace(/ ·$/u, '').includes(' '), `${text} @${max}: ${line}`).toBe(true);
        // a separator ends its line, never starts one
        expect(line.startsWith('·') && lines.indexOf(line) > 0, `${text} @${max}: ${line}`).toBe(false);
      }
    }
  });
});
