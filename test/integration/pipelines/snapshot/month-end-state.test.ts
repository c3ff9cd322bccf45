import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import {
  activeDelinquencyQuery,
  delinquencyAsOf,
  delinquencyFromStateSql,
  type DelinquencyAsOf,
} from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { exec, queryRows, querySql, type Warehouse } from '../../../../warehouse/connection.ts';
import { sql } from '../../../../warehouse/sql.ts';
import { heldMonthEndState } from '../../../../pipelines/snapshot/month-end-state.ts';
import { addDays, addMonthEnds } from '../../../../lib/dates.ts';
import { warehouseWithBook, warehouseWithFiles } from '../../../helpers/book.ts';
import { stateHandFiles } from '../../../helpers/state-hand-book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * Property: the delinquency of every active loan on every day after a month-end (to the day before
 * the next), read from the state the snapshot kept at that month-end (month_end_state), equals the
 * one evaluated from each loan's whole history, and the one the month-end's loan_month rows give with
 * the schedules generated again — on generated books under two delinquency settings and on the
 * hand-built loans (file schedules, penalties, a charge-off with cash after it, a restructure
 * credit, prepayments far ahead of 30-year schedules, a servicer tape, a loan originated mid-month).
 */
const key = (d: DelinquencyAsOf) =>
  [d.loan_id, d.dpd, d.bucket, d.status, d.principal_balance, d.overdue_principal, d.overdue_interest].join('|');

/** Every day after `monthEnd` before the next month-end. */
const daysAfter = (monthEnd: string) => {
  const next = addMonthEnds(monthEnd, 1);
  const days: string[] = [];
  for (let d = addDays(monthEnd, 1); d < next; d = addDays(d, 1)) days.push(d);
  return days;
};

/** `every`: each k-th day, and the first and last two (the suite's time; the hand-built loans are compared on every day). */
async function compareMonth(wh: Warehouse, monthEnd: string, settings: SnapshotSettings, every = 1) {
  await buildMonthEndSnapshots(wh, { asOf: monthEnd, settings });
  let compared = 0;
  let delinquent = 0;
  const days = daysAfter(monthEnd);
  for (const asOf of days.filter((_, i) => i % every === 0 || i < 2 || i >= days.length - 2)) {
    const q = await activeDelinquencyQuery(wh, asOf, settings);
    expect(q.source, asOf).toBe('month_end_state');
    const kept = await queryRows<DelinquencyAsOf>(wh, `SELECT * FROM (${q.query}) ORDER BY loan_id`, q.query_params);
    const fromHistory = (await delinquencyAsOf(wh, asOf, settings)).filter((d) => d.status === 'active');
    expect(kept.map(key), asOf).toEqual(fromHistory.map(key));
    const again = await querySql<DelinquencyAsOf>(
      wh,
      sql`SELECT * FROM (${delinquencyFromStateSql(wh, asOf, settings)}) ORDER BY loan_id`,
    );
    expect(kept.map(key), asOf).toEqual(again.map(key));
    compared += kept.length;
    delinquent += kept.filter((d) => d.dpd > 0).length;
  }
  return { compared, delinquent };
}

const books = [
  { seed: 5, settings: defaultSettings },
  { seed: 9, settings: { ...defaultSettings, graceDays: 5, dpdConvention: 'grace_end' } satisfies SnapshotSettings },
];

describe.each(books)('month-end state, book seed $seed', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    // not snapshotted: every test below builds the snapshot it reads (a full rebuild) first
    wh = await warehouseWithBook(`mestate_${seed}`, { loans: 500, months: 24, seed }, false);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(['2024-02-29', '2024-05-31'])('every day after %s: kept state = history', async (monthEnd) => {
    const { compared, delinquent } = await compareMonth(wh, monthEnd, settings, 3);
    // the property has teeth: many active loans a day, delinquent ones among them
    expect(compared).toBeGreaterThan(2_000);
    expect(delinquent).toBeGreaterThan(50);
  });

  it('a loan that moved since the month-end: its window reaches the payments after it', async () => {
    await buildMonthEndSnapshots(wh, { asOf: '2024-04-30', settings });
    // loans whose kept window starts past the first installment, and loans with payments after the month-end
    const [r] = await queryRows<{ later: string; paid_after: string }>(
      wh,
      `SELECT toString(countIf(first_installment > 1)) AS later, toString(countIf(notEmpty(pay_dates))) AS paid_after
       FROM ${wh.database}.month_end_state WHERE month_end = '2024-04-30'`,
    );
    expect(Number(r?.later)).toBeGreaterThan(100);
    expect(Number(r?.paid_after)).toBeGreaterThan(100);
  });
});

describe('month-end state, hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    // not snapshotted: each test builds the snapshot it reads (a full rebuild) first
    wh = await warehouseWithFiles('mestate_hand', stateHandFiles, false);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(['2023-12-31', '2024-01-31'])('every day after %s: kept state = history', async (monthEnd) => {
    const { compared } = await compareMonth(wh, monthEnd, defaultSettings);
    expect(compared).toBeGreaterThan(100);
  });
});

describe('month-end state kept on demand', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook('mestate_kept', { loans: 300, months: 24, seed: 13 });
  });
  afterAll(() => disposeIfOpened(wh));

  /** Rows of the month-end's state: of the keeping held (the default), or of every keeping. */
  const kept = async (monthEnd: string, of: 'held' | 'all' = 'held') => {
    const fill = of === 'held' ? `AND fill_id = '${await heldMonthEndState(wh, monthEnd)}'` : '';
    const [r] = await queryRows<{ n: string }>(
      wh,
      `SELECT toString(count()) AS n FROM ${wh.database}.month_end_state WHERE month_end = '${monthEnd}' ${fill}`,
    );
    return Number(r?.n);
  };

  it('an earlier month is kept by its first list, read by the next, and dropped from use by the next snapshot run', async () => {
    // the snapshot keeps its last month-end
    expect(await heldMonthEndState(wh, '2024-06-30')).not.toBeNull();
    expect(await heldMonthEndState(wh, '2024-03-31')).toBeNull();
    const first = await activeDelinquencyQuery(wh, '2024-04-10', defaultSettings);
    expect(first.source).toBe('month_end_state');
    expect(await heldMonthEndState(wh, '2024-03-31')).not.toBeNull();
    const rows = await kept('2024-03-31');
    expect(rows).toBeGreaterThan(100);
    // another day of the month reads it, nothing written again
    await activeDelinquencyQuery(wh, '2024-04-20', defaultSettings);
    expect(await kept('2024-03-31')).toBe(rows);
    // two lists at once keep it once
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings: defaultSettings });
    expect(await heldMonthEndState(wh, '2024-03-31')).toBeNull();
    await Promise.all([
      activeDelinquencyQuery(wh, '2024-04-11', defaultSettings),
      activeDelinquencyQuery(wh, '2024-04-12', defaultSettings),
    ]);
    expect(await kept('2024-03-31')).toBe(rows);
    expect(await kept('2024-03-31', 'all')).toBe(rows);
    // rows gone since it was kept (as a refresh replacing its touched loans leaves them until its run is
    // recorded): not read, kept again whole
    await exec(
      wh,
      `DELETE FROM ${wh.database}.month_end_state WHERE month_end = '2024-03-31' AND cityHash64(loan_id) % 5 = 0`,
    );
    expect(await kept('2024-03-31', 'all')).toBeLessThan(rows);
    expect(await heldMonthEndState(wh, '2024-03-31')).toBeNull();
    await activeDelinquencyQuery(wh, '2024-04-13', defaultSettings);
    expect(await kept('2024-03-31')).toBe(rows);
    // the partial keeping stays beside it until a later run's keeping drops it (another process may read one of this run)
    expect(await kept('2024-03-31', 'all')).toBeGreaterThan(rows);
    const q = await activeDelinquencyQuery(wh, '2024-04-15', defaultSettings);
    const fromKept = await queryRows<DelinquencyAsOf>(
      wh,
      `SELECT * FROM (${q.query}) ORDER BY loan_id`,
      q.query_params,
    );
    const fromHistory = (await delinquencyAsOf(wh, '2024-04-15', defaultSettings)).filter((d) => d.status === 'active');
    expect(fromKept.map(key)).toEqual(fromHistory.map(key));
  });
});
