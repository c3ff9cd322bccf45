import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { loansCsv, writeBadFile } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A killed run leaves no table behind once the next run is done. Besides ingest's own scratch
 * tables (stg_…, land_…), a CREATE TABLE … AS SELECT killed half-way leaves the engine's
 * `_tmp_replace_<hash>_<random>` table (chDB 3.4 runs it as a table renamed at the end).
 */
describe('tables a killed run leaves behind', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  const tables = async () =>
    (
      await queryRows<{ name: string }>(
        wh,
        `SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`,
        { db: wh.database },
      )
    ).map((t) => t.name);
  beforeAll(async () => {
    wh = await testWarehouse('leftover');
    dir = tmpDir('leftover');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await writeBadFile({
      path: join(dir, 'payments.csv'),
      seed: 5,
      records: 2000,
      eol: '\n',
      finalNewline: true,
      multiline: true,
      badRate: 0.05,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it("an ingest drops the engine's _tmp_replace_* tables and scratch tables of a killed run", async () => {
    const before = await tables();
    // as a run killed during a CREATE TABLE … AS SELECT (of ingest, or of another step) leaves them
    await exec(
      wh,
      `CREATE TABLE ${wh.database}._tmp_replace_eebbacae8d810482_ufolbeywf591a8af (line UInt64, raw String) ENGINE = Memory`,
    );
    await exec(
      wh,
      `CREATE TABLE ${wh.database}._tmp_replace_677695b073c69082_rlbridtr5ba8abd4 (x UInt64) ENGINE = MergeTree ORDER BY x`,
    );
    await exec(wh, `CREATE TABLE ${wh.database}.stg_status_payments_0123456789abcdef (line UInt64) ENGINE = Memory`);
    await exec(
      wh,
      `CREATE TABLE ${wh.database}.land_payments_0123456789abcdef (line UInt64) ENGINE = MergeTree ORDER BY line`,
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    expect(await tables()).toEqual(before);
  });

  it('ingest itself creates no table with CREATE TABLE … AS SELECT (whose killed run leaves _tmp_replace_*)', async () => {
    const seen: string[] = [];
    const command = wh.client.command.bind(wh.client);
    wh.client.command = (p: Parameters<typeof command>[0]) => {
      seen.push(p.query);
      return command(p);
    };
    try {
      for (const loader of ['engine', 'stream'] as const) {
        await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
        await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
        await ingest(wh, [join(dir, 'payments.csv')], { piiSecret: 's', loader });
      }
    } finally {
      wh.client.command = command;
    }
    const creates = seen.filter((q) => /^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE/i.test(q));
    expect(creates.length).toBeGreaterThan(5);
    // a table is created from a column list or EMPTY AS a SELECT, then filled by INSERT
    expect(creates.filter((q) => /\bAS\s*\(?\s*SELECT\b/i.test(q) && !/\bEMPTY\s+AS\b/i.test(q))).toEqual([]);
  });
});
