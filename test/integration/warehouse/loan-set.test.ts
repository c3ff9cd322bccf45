import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, querySql } from '../../../warehouse/connection.ts';
import { forLoanSet } from '../../../warehouse/loan-set.ts';
import { sql } from '../../../warehouse/sql.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A set of loan ids as a subquery: every id read back, read more than once in a statement, and nothing left behind. */
describe('forLoanSet', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const leftTables = async () =>
    (
      await queryRows<{ name: string }>(
        wh,
        "SELECT name FROM system.tables WHERE database = {db:String} AND startsWith(name, 'loan_set_')",
        { db: wh.database },
      )
    ).map((r) => r.name);
  beforeAll(async () => {
    wh = await testWarehouse('loan_set');
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([1, 7, 25_003])('holds each of %i ids once, read twice in one statement', async (n) => {
    const ids = Array.from({ length: n }, (_, i) => `L${String(i).padStart(6, '0')}`);
    const seen: { n: string; both: string; first: string; last: string }[] = [];
    await forLoanSet(wh, ids, async (loans) => {
      seen.push(
        ...(await querySql<{ n: string; both: string; first: string; last: string }>(
          wh,
          sql`SELECT toString(count()) AS n, toString(countIf(loan_id IN (${loans}))) AS both, min(loan_id) AS first, max(loan_id) AS last
            FROM (${loans})`,
        )),
      );
    });
    expect(seen).toEqual([{ n: String(n), both: String(n), first: ids[0], last: ids.at(-1) }]);
    expect(await leftTables()).toEqual([]);
  });

  it('reads back every id as given, whatever its characters (escapes, tabs, line ends, NUL, quotes, non-ASCII, empty)', async () => {
    const awkward = [
      'a\\b',
      'tab\there',
      'line\nend',
      'cr\rlf',
      'nul\0x',
      '\\t',
      'quote\'"',
      '贷款-7',
      '',
      ' lead',
      '\\',
    ];
    // seeded: every awkward id at every position of a longer set
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const ids = Array.from({ length: 300 }, (_, i) => `L${i}`);
    for (const a of awkward) ids.splice(next() % (ids.length + 1), 0, a);
    let back: string[] = [];
    await forLoanSet(wh, ids, async (loans) => {
      back = (await querySql<{ loan_id: string }>(wh, sql`SELECT loan_id FROM (${loans})`)).map((r) => r.loan_id);
    });
    expect(back.sort()).toEqual([...ids].sort());
  });

  it('drops its table when the work fails, and does nothing for no ids', async () => {
    await expect(
      forLoanSet(wh, ['A'], () => {
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await leftTables()).toEqual([]);
    let called = false;
    await forLoanSet(wh, [], () => {
      called = true;
      return Promise.resolve();
    });
    expect(called).toBe(false);
  });

  it('binds arrays of at most 20,000 ids on a cluster, where a table would live on one node only', async () => {
    const ids = Array.from({ length: 45_000 }, (_, i) => `C${i}`);
    const counts: number[] = [];
    await forLoanSet({ ...wh, cluster: 'c' }, ids, async (loans) => {
      const [r] = await querySql<{ n: string }>(wh, sql`SELECT toString(count()) AS n FROM (${loans})`);
      counts.push(Number(r!.n));
    });
    expect(counts).toEqual([20_000, 20_000, 5_000]);
  });
});
