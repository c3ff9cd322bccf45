import { describe, expect, it } from 'vitest';
import { csvRecords, splitHeader } from '../../../lib/csv-records.ts';

/** The chunks one at a time, each in a later microtask, as a stream hands them over. */
async function* asStream(chunks: string[]) {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

async function all(chunks: string[]) {
  const out = [];
  for await (const r of csvRecords(asStream(chunks))) out.push(r);
  return out;
}

describe('csvRecords', () => {
  it('splits quoted fields, escaped quotes, embedded newlines and CRLF, with line numbers', async () => {
    const recs = await all(['a,b\r\n1,"x, ""y"""\r\n2,"multi\nline"\n3,z\n']);
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'x, "y"']],
      [3, ['2', 'multi\nline']],
      [5, ['3', 'z']],
    ]);
  });
  it('gives the same records whatever the chunk boundaries', async () => {
    const text = 'id,v\n1,"a""b"\n2,"c\nd"\r\n3,e\n';
    const whole = await all([text]);
    for (let cut = 1; cut < text.length; cut++) expect(await all([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
  });
  it('keeps a blank line and an unterminated quote as records (to be quarantined, not dropped); the lines after a quote never closed are records of their own', async () => {
    const recs = await all(['a,b\n\n1,"open\n2,3\n', '4,x y\n5,6']);
    expect(recs[1]).toMatchObject({ line: 2, fields: [''], raw: '' });
    expect(recs[2]).toEqual({
      line: 3,
      fields: ['1', '"open'],
      raw: '1,"open',
      malformed: 'a quote opened on this line is never closed',
    });
    expect(recs.slice(3)).toEqual([
      { line: 4, fields: ['2', '3'], raw: '2,3' },
      { line: 5, fields: ['4', 'x y'], raw: '4,x y' },
      { line: 6, fields: ['5', '6'], raw: '5,6' },
    ]);
  });
  it('marks a quote inside a quoted field that is not doubled, at any chunk boundary', async () => {
    const text = 'a,b\n1,"ap"p"\n2,"ok"\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const recs = await all([text.slice(0, cut), text.slice(cut)]);
      expect(
        recs.map((r) => r.malformed ?? ''),
        String(cut),
      ).toEqual(['', 'a quote inside a quoted field is not doubled ("" stands for one)', '']);
    }
  });
  it('reads a quoted field after spaces or tabs, and spaces after its closing quote, as the engine does, at any chunk boundary', async () => {
    const text = 'a,b,c\n1, "x,y",z\n2,\t"p ""q""" ,r\n3,"s" t,u\n4,  ,"v"\n';
    const expected = [
      { line: 1, fields: ['a', 'b', 'c'], raw: 'a,b,c' },
      { line: 2, fields: ['1', 'x,y', 'z'], raw: '1, "x,y",z' },
      { line: 3, fields: ['2', 'p "q"', 'r'], raw: '2,\t"p ""q""" ,r' },
      {
        line: 4,
        fields: ['3', 's t', 'u'],
        raw: '3,"s" t,u',
        malformed: 'a quote inside a quoted field is not doubled ("" stands for one)',
      },
      { line: 5, fields: ['4', '  ', 'v'], raw: '4,  ,"v"' },
    ];
    for (let cut = 0; cut <= text.length; cut++)
      expect(await all([text.slice(0, cut), text.slice(cut)]), String(cut)).toEqual(expected);
  });
  it('reads a header with a BOM and quotes', () => {
    expect(splitHeader('\uFEFFloan_id,"贷款 金额", x ')).toEqual(['loan_id', '贷款 金额', 'x']);
  });
});
