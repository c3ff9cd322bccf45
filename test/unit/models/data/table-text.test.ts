import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { Rng } from '../../../../lib/random.ts';
import { firstInvalidUtf8, tableText } from '../../../../models/data/table-text.ts';
import { loadFeatureTable } from '../../../../models/data/load-table.ts';
import { scoreTableFile } from '../../../../models/score-table.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';

const tableModel = { model_name: 't_scorecard', version: 1, target: 'table:t:bad' } as ModelVersion;

describe('table files in another encoding than UTF-8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'table-text-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const read = async (path: string) => {
    let text = '';
    for await (const s of await tableText(path, 'table')) text += s;
    return text;
  };

  it('firstInvalidUtf8 agrees with the platform decoder over random bytes', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 2_000; t++) {
      const bytes = Uint8Array.from({ length: rng.int(0, 12) }, () => rng.pick([0x41, 0xc3, 0xa9, 0xe4, 0xbd, 0xa0, 0xf0, 0x9f, 0x80, 0xff, 0xed, 0xa0]));
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1).toBe(valid);
    }
    expect(firstInvalidUtf8(Buffer.from('ab\ncaf\xe9', 'latin1'))).toBe(6);
  });

  it('reads UTF-8 with or without a byte-order mark, a character split across reads intact', async () => {
    const body = `city,bad\n${'杭州,0\n'.repeat(30_000)}`;
    expect(await read(file('u.csv', Buffer.from(body)))).toBe(body);
    expect(await read(file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])))).toBe(body);
  });

  it('refuses a Latin-1 byte with the line it is on, in training and in scoring', async () => {
    const rows = ['purpose,amount,bad', 'car,10,0', 'tv,20,1', 'caf\xe9,30,0'];
    const path = file('latin1.csv', Buffer.from(`${rows.join('\n')}\n`, 'latin1'));
    await expect(loadFeatureTable(path, { target: 'bad' })).rejects.toThrow(
      /latin1\.csv:4: not UTF-8 \(byte 0xe9 at offset 39\)/u,
    );
    await expect(scoreTableFile(tableModel, path)).rejects.toThrow(/latin1\.csv:4: not UTF-8/u);
  });

  it('decodes a GBK table (Chinese header and labels) as GB18030', async () => {
    const text = '城市,违约\n杭州,0\n上海,1\n杭州,1\n上海,0\n';
    const path = file('gbk.csv', iconv.encode(text, 'gbk'));
    expect(await read(path)).toBe(text);
    const ds = await loadFeatureTable(path, { target: '违约' });
    expect(ds.columns[0]).toMatchObject({ name: '城市', levels: ['杭州', '上海'] });
  });
});
