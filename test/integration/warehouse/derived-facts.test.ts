import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, execSql, queryRows } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { derivedTables, insertStatement, rebuildDerivedFacts } from '../../../warehouse/derived-facts.ts';
import { snapshotParams } from '../../../pipelines/snapshot/snapshot-settings.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/**
 * Every derived table is per loan: its facts computed for some loans (what an incremental refresh
 * writes) are exactly the whole-book build's rows of those loans. Checked on a generated book with
 * defaults, restructures, sales and worked loans, for two subsets that split the book.
 */
const settings = snapshotParams(defaultSettings);

describe('derived facts of a subset of loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook('derived-facts', { loans: 1500, months: 36, seed: 31 });
  }, 600_000);
  afterAll(() => disposeIfOpened(wh));

  const sums = async (from: string, where: string) => {
    const [r] = await queryRows<{ rows: string; sum: string }>(
      wh,
      `SELECT toString(count()) AS rows, toString(sum(cityHash64(*))) AS sum FROM ${from} WHERE ${where}`,
    );
    return r;
  };

  it.each(derivedTables)('%s: the subset build equals the whole build restricted to the subset', async (table) => {
    const live = tableRef(wh, table);
    const whole = await sums(live, '1');
    expect(Number(whole?.rows), `${table} has rows on the book`).toBeGreaterThan(0);
    for (const remainder of [0, 1]) {
      const subset = `SELECT loan_id FROM ${tableRef(wh, 'loans')} WHERE cityHash64(loan_id) % 2 = ${remainder}`;
      const scratch = tableRef(wh, `${table}_subset`);
      await exec(wh, `DROP TABLE IF EXISTS ${scratch}`);
      await exec(wh, `CREATE TABLE ${scratch} AS ${live}`);
      await execSql(wh, insertStatement(wh, table, scratch, settings, subset));
      const got = await sums(scratch, '1');
      expect(Number(got?.rows)).toBeGreaterThan(0);
      expect(got, `${table}, loans of remainder ${remainder}`).toEqual(await sums(live, `loan_id IN (${subset})`));
    }
  });

  it('a rebuild in passes (ranges of loan ids) writes the same tables as one pass, and leaves no table behind', async () => {
    const all = async () => Promise.all(derivedTables.map(async (t) => [t, await sums(tableRef(wh, t), '1')] as const));
    const whole = await all();
    for (const passes of [3, 7]) {
      await rebuildDerivedFacts(wh, settings, passes);
      expect(await all(), `${passes} passes`).toEqual(whole);
    }
    const [left] = await queryRows<{ n: string }>(
      wh,
      `SELECT toString(count()) AS n FROM system.tables WHERE database = {db:String} AND name LIKE '%pass_bounds%'`,
      { db: wh.database },
    );
    expect(left?.n).toBe('0');
    await rebuildDerivedFacts(wh, settings);
    expect(await all()).toEqual(whole);
    await expect(rebuildDerivedFacts(wh, settings, 0)).rejects.toThrow(/passes/);
  });

  it('a table rebuilt for some loans only (`only`), in one pass or three, holds the whole build’s rows of those loans', async () => {
    const subset = `SELECT loan_id FROM ${tableRef(wh, 'loans')} WHERE cityHash64(loan_id) % 3 = 1`;
    const all = async (where: (t: string) => string) =>
      Promise.all(derivedTables.map(async (t) => [t, await sums(tableRef(wh, t), where(t))] as const));
    const expected = await all((t) => (t === 'warning_facts' ? `loan_id IN (${subset})` : '1'));
    for (const passes of [1, 3]) {
      await rebuildDerivedFacts(wh, settings, passes, { warning_facts: subset });
      expect(await all(() => '1'), `${passes} passes`).toEqual(expected);
    }
    await rebuildDerivedFacts(wh, settings);
  });
});
