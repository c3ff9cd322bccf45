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
  it('keeps a blank line and an unterminated quote as records (to be quarantined, not dropped)', async () => {
    const recs = await all(['a,b\n\n1,"open\n2,3\n']);
    expect(recs[1]).toMatchObject({ line: 2, fields: [''], raw: '' });
    expect(recs[2]).toMatchObject({ line: 3, fields: ['1', 'open\n2,3\n'] });
  });
  it('reads a header with a BOM and quotes', () => {
    expect(splitHeader('\uFEFFloan_id,"贷款 金额", x ')).toEqual(['loan_id', '贷款 金额', 'x']);
  });
});
