import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachTsvLine } from '../../../warehouse/tsv-lines.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A large result through a file and a small one through the client: the same lines, in order, and nothing left behind. */
describe('forEachTsvLine', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('tsv_lines');
  });
  afterAll(() => disposeIfOpened(wh));

  const lines = async (query: string, params: Record<string, unknown>, large: boolean) => {
    const out: string[] = [];
    await forEachTsvLine(wh, query, params, { large }, (l) => out.push(l));
    return out;
  };
  const leftovers = () => (existsSync(wh.resultDir!) ? readdirSync(wh.resultDir!) : []);

  // text that TabSeparated escapes (tab, newline, backslash), empty text, NULL, floats, and bound parameters
  const query = `SELECT number, if(number % 7 = 0, NULL, number / 3) AS x,
      multiIf(number % 5 = 0, '', number % 5 = 1, concat('a\\tb\\nc\\\\', toString(number)), repeat('w', number % 90)) AS t
    FROM numbers({rows:UInt64}) WHERE number % {skip:UInt64} != 1 ORDER BY number DESC`;

  it.each([0, 1, 3, 150_000])('reads %i rows through a file as the client streams them', async (rows) => {
    const params = { rows, skip: 11 };
    const viaFile = await lines(query, params, true);
    const viaClient = await lines(query, params, false);
    expect(viaFile).toEqual(viaClient);
    expect(viaFile.length).toBe(
      rows === 0 ? 0 : Array.from({ length: rows }, (_, i) => i % 11 !== 1).filter(Boolean).length,
    );
    // past the 4 MB chunks the file is read in: lines cut by a chunk's end come back whole
    if (rows === 150_000) expect(viaFile.join('\n').length).toBeGreaterThan(4 << 20);
    expect(leftovers()).toEqual([]);
  });

  it('removes its file when the statement fails, and the failure reaches the caller', async () => {
    await expect(lines('SELECT no_such_column FROM numbers(3)', {}, true)).rejects.toThrow(/no_such_column/u);
    expect(leftovers()).toEqual([]);
  });
});
