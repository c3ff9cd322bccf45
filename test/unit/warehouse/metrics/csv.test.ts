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

  it('writes money columns to the cent, piece by piece as whole', () => {
    const rows = [
      { id: 'P1', amount: 2000, paid: 0 },
      { id: 'P2', amount: 1500.5, paid: null },
    ];
    const text = [...csvChunks(['id', 'amount', 'paid'], rows, 1, { money: ['amount', 'paid'] })].join('');
    expect(text).toBe('id,amount,paid\nP1,2000.00,0.00\nP2,1500.50,\n');
    expect(text).toBe(csvTable(['id', 'amount', 'paid'], rows, { money: ['amount', 'paid'] }));
  });
});
