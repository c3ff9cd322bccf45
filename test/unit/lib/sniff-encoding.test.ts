import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sniffEncoding } from '../../../lib/sniff-encoding.ts';

describe('sniffing a CSV file’s encoding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sniff-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const header = 'payment_id,loan_id,paid_date,amount,channel\n';
  // enough ASCII rows around the sample that its position in the file varies with `rows`
  const body = (rows: number, sample: Buffer, at: number) =>
    Buffer.concat(
      Array.from({ length: rows }, (_, i) =>
        i === at
          ? Buffer.concat([Buffer.from(`P${i},L${i},2024-07-01,1.00,`), sample, Buffer.from('\n')])
          : Buffer.from(`P${i},L${i},2024-07-01,1.00,app\n`),
      ),
    );

  it.each([
    [10, 0],
    [10, 9],
    [3000, 1500],
    [3000, 2999],
  ])('Latin-1 and Windows-1252 text is not taken for GBK (%i rows, the sample on row %i)', (rows, at) => {
    for (const [name, text] of [
      ['latin1', 'Müller-Zürich'],
      ['cp1252', 'café “quoted” – naïve'],
    ] as const) {
      const bytes = iconv.encode(text, name === 'latin1' ? 'latin1' : 'win1252');
      const path = file(`${name}-${rows}-${at}.csv`, Buffer.concat([Buffer.from(header), body(rows, bytes, at)]));
      expect(sniffEncoding(path), `${name} ${rows} ${at}`).toBe('utf8');
    }
  });

  // 3000 rows are past 64 KiB: a sample on the last is Chinese after an ASCII head of that size
  it.each([
    [10, 0],
    [10, 9],
    [3000, 0],
    [3000, 2999],
    [30000, 29999],
  ])('GBK Chinese is GBK, a rarer character of its extension among it too (%i rows, row %i)', (rows, at) => {
    const chinese = iconv.encode('手机银行柜台还款，堃喆', 'gbk');
    const path = file(`gbk-${rows}-${at}.csv`, Buffer.concat([Buffer.from(header), body(rows, chinese, at)]));
    expect(sniffEncoding(path)).toBe('gbk');
  });

  it.each([
    [10, 9],
    [3000, 2999],
  ])('UTF-8 Chinese after an ASCII head is UTF-8, a file all ASCII too (%i rows, row %i)', (rows, at) => {
    const path = file(
      `utf8-${rows}-${at}.csv`,
      Buffer.concat([Buffer.from(header), body(rows, Buffer.from('手机银行'), at)]),
    );
    expect(sniffEncoding(path)).toBe('utf8');
    expect(
      sniffEncoding(file(`ascii-${rows}.csv`, Buffer.concat([Buffer.from(header), body(rows, Buffer.from('app'), 0)]))),
    ).toBe('utf8');
  });

  it('UTF-8 Chinese and a byte-order mark are UTF-8', () => {
    expect(sniffEncoding(file('utf8.csv', Buffer.from(`${header}P1,L1,2024-07-01,1.00,手机银行\n`)))).toBe('utf8');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header), iconv.encode('柜台', 'gbk')]);
    expect(sniffEncoding(file('bom.csv', bom))).toBe('utf8');
  });
});
