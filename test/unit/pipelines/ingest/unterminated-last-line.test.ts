import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { unterminatedLastLine } from '../../../../pipelines/ingest/unterminated-last-line.ts';

describe('unterminatedLastLine: a CSV that ends without a line break, and its last line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-unterminated-'));
  const file = (name: string, bytes: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const header = 'payment_id,loan_id,paid_date,amount';

  it('null for every line end (LF, CRLF, a bare CR) and an empty file', () => {
    for (const end of ['\n', '\r\n', '\r'])
      expect(
        unterminatedLastLine(file(`end-${end.length}.csv`, `${header}${end}P1,L1,2024-03-07,1500.00${end}`)),
      ).toBeNull();
    expect(unterminatedLastLine(file('empty.csv', ''))).toBeNull();
  });

  it('the last line, cut inside its last field, after lines ending in CRLF or LF', () => {
    for (const end of ['\n', '\r\n'])
      expect(
        unterminatedLastLine(
          file(`cut-${end.length}.csv`, `${header}${end}T5,L16,2024-03-07,1500.00${end}T6,L17,2024-03-07,15`),
        ),
      ).toBe('T6,L17,2024-03-07,15');
  });

  it('a GBK file: its last line in Chinese, not mojibake; a line longer than the tail read shown cut', () => {
    const gbk = iconv.encode(`还款编号,借据号,还款日期,金额,渠道\nP1,L1,2024-03-07,10.00,手机银行`, 'gbk');
    expect(unterminatedLastLine(file('gbk.csv', gbk))).toBe('P1,L1,2024-03-07,10.00,手机银行');
    const long = `${header}\nP1,L1,2024-03-07,${'9'.repeat(10_000)}`;
    const shown = unterminatedLastLine(file('long.csv', long))!;
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.length).toBe(120);
    expect(long.endsWith(shown.slice(1))).toBe(true);
  });
});
