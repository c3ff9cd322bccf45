import { describe, expect, it } from 'vitest';
import { csvTable } from '../../../../warehouse/csv-cell.ts';
import { csvChunks } from '../../../../warehouse/metrics/csv.ts';

describe('CSV in pieces', () => {
  it('joins to exactly csvTable, a piece per thousand rows', () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      a: i,
      b: i % 7 ? `x${i}` : 'with, "quotes"\nand a break',
      c: i % 3 ? null : [1, 2],
    }));
    const pieces = [...csvChunks(['a', 'b', 'c'], rows)];
    expect(pieces.length).toBe(4);
    expect(pieces.join('')).toBe(csvTable(['a', 'b', 'c'], rows));
    expect([...csvChunks(['a'], [])].join('')).toBe(csvTable(['a'], []));
  });

  it('ends every line with a newline, the last one too', () => {
    expect([...csvChunks(['a', 'b'], [{ a: 1, b: 'x' }], 1)]).toEqual(['a,b\n', '1,x\n']);
    expect([...csvChunks(['a'], [])]).toEqual(['a\n']);
  });
});
