import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../warehouse/connection.ts';
import { deleteRows } from '../../../warehouse/delete-rows.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A re-run's DELETE: the rows it names go, others stay; with nothing to replace no mutation is issued at all. */
describe('deleteRows', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const mutations = async () =>
    Number(
      (
        await queryRows<{ n: string }>(
          wh,
          'SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND table = {t:String}',
          { db: wh.database, t: 'provisions' },
        )
      )[0]!.n,
    );
  const months = async () =>
    (
      await queryRows<{ m: string }>(
        wh,
        `SELECT DISTINCT toString(month_end) AS m FROM ${tableRef(wh, 'provisions')} ORDER BY m`,
      )
    ).map((r) => r.m);
  beforeAll(async () => {
    wh = await testWarehouse('delete_rows');
    await exec(
      wh,
      `INSERT INTO ${tableRef(wh, 'provisions')} (month_end, provision, file, loaded_at)
       SELECT toLastDayOfMonth(toDate('2024-01-31') + toIntervalMonth(number)), 100, 'p.csv', now() FROM numbers(4)`,
    );
  });
  afterAll(() => disposeIfOpened(wh));

  it('issues no mutation when no row matches, and deletes exactly the matching rows when some do', async () => {
    const before = await mutations();
    await deleteRows(wh, 'provisions', 'has({m:Array(Date)}, month_end)', { m: ['2023-12-31', '2025-01-31'] });
    expect(await mutations()).toBe(before);
    expect(await months()).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    await deleteRows(wh, 'provisions', 'has({m:Array(Date)}, month_end)', { m: ['2024-02-29', '2025-01-31'] });
    expect(await mutations()).toBe(before + 1);
    expect(await months()).toEqual(['2024-01-31', '2024-03-31', '2024-04-30']);
  });
});
