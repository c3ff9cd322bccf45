import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from '../../../warehouse/csv-cell.ts';
import { csvRecords } from '../../../lib/csv-records.ts';

async function parse(text: string) {
  const rows: string[][] = [];
  for await (const r of csvRecords([text])) rows.push(r.fields);
  return rows;
}

describe('CSV cells', () => {
  it('keep text a spreadsheet would run as a formula from running, and leave numbers alone', () => {
    for (const f of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\t=x', '=HYPERLINK("http://x","y")'])
      expect(csvCell(f).replace(/^"/, '').startsWith("'")).toBe(true);
    for (const n of ['-12.50', '+3', '-1e5', '-.5', '0', '2024-06-30', 'L000000001', 'abc']) expect(csvCell(n)).toBe(n);
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(null)).toBe('');
  });

  it('round-trip any text through a CSV parser (quotes, commas, line breaks, formulas guarded once)', async () => {
    const values = ['a,b', 'say "hi"', 'two\nlines', '=cmd|"/c calc"!A0', '-', '', 'x\r\ny', '中文,逗号'];
    const rows = values.map((v, i) => ({ id: String(i), v }));
    const [header, ...body] = await parse(csvTable(['id', 'v'], rows));
    expect(header).toEqual(['id', 'v']);
    body.forEach((r, i) => {
      const v = values[i]!;
      expect(r).toEqual([String(i), /^[=+\-@\t\r]/.test(v) && v !== '-' ? `'${v}` : v === '-' ? "'-" : v]);
    });
  });

  it('end every line with a newline, the last one too (wc -l counts the rows; two files concatenate)', async () => {
    const rows = [
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ];
    expect(csvTable(['id', 'v'], rows)).toBe('id,v\n1,a\n2,b\n');
    expect(csvTable(['id', 'v'], [])).toBe('id,v\n');
    const one = csvTable(['id', 'v'], rows);
    expect(await parse(one + one.slice('id,v\n'.length))).toEqual([
      ['id', 'v'],
      ['1', 'a'],
      ['2', 'b'],
      ['1', 'a'],
      ['2', 'b'],
    ]);
  });

  it('writes money columns to the cent and leaves every other column as it is', () => {
    const rows = [
      { id: 7, amount: 1766100, rate: 0.05, note: '1766100' },
      { id: 8, amount: -12.5, rate: 1, note: null },
      { id: 9, amount: null, rate: 0.123456789, note: 'x' },
    ];
    expect(csvTable(['id', 'amount', 'rate', 'note'], rows, { money: ['amount'] })).toBe(
      'id,amount,rate,note\n7,1766100.00,0.05,1766100\n8,-12.50,1,\n9,,0.123456789,x\n',
    );
  });
});
