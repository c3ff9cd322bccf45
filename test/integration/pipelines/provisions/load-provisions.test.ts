import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { loadProvisions, ProvisionsFileError } from '../../../../pipelines/provisions/load-provisions.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/** The finance ledger's provisions file in the encodings a bank's Excel saves: UTF-8 or GBK, as every CSV loanwatch reads. */
describe('loadProvisions: the encoding of the ledger', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const dir = tmpDir('provisions');
  beforeAll(async () => {
    wh = await testWarehouse('load_provisions');
  });
  afterAll(() => disposeIfOpened(wh));
  const ledger = '月末,拨备余额\r\n2024-05,10420000.00\r\n2024-06,10500000.00\r\n';

  it('a GBK ledger with Chinese headers loads as its UTF-8 twin does (it was refused with a mojibake header)', async () => {
    for (const [name, bytes] of [
      ['gbk.csv', iconv.encode(ledger, 'gbk')],
      ['utf8-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ledger)])],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(await loadProvisions(wh, path), name).toEqual({ months: 2, first: '2024-05-31', last: '2024-06-30' });
      const rows = await queryRows<{ m: string; p: string }>(
        wh,
        `SELECT toString(month_end) AS m, toString(provision) AS p FROM ${wh.database}.provisions ORDER BY m`,
      );
      expect(rows).toEqual([
        { m: '2024-05-31', p: '10420000' },
        { m: '2024-06-30', p: '10500000' },
      ]);
    }
  });

  it('a file in another encoding is refused with its line and the fix, a missing one with its reason', async () => {
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('month_end,provision\n2024-06,1.00\nnote: M\xfcller,\n', 'latin1'));
    await expect(loadProvisions(wh, latin1)).rejects.toThrow(
      new RegExp(`^provisions ${latin1}:3: not UTF-8 .*save the file as UTF-8`, 'u'),
    );
    await expect(loadProvisions(wh, join(dir, 'none.csv'))).rejects.toBeInstanceOf(ProvisionsFileError);
    await expect(loadProvisions(wh, join(dir, 'none.csv'))).rejects.toThrow(/cannot read \(ENOENT\)/u);
  });
});
