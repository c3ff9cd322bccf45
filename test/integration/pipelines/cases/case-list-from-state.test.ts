import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import {
  activeDelinquencyQuery,
  delinquencyAsOf,
  type DelinquencyAsOf,
} from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { addDays, monthEndOf } from '../../../../lib/dates.ts';
import { warehouseWithBook, warehouseWithFiles } from '../../../helpers/book.ts';
import { stateHandFiles } from '../../../helpers/state-hand-book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * Property: a list for a date that is not a month-end, started from the last month-end's state
 * (loan_month) plus what happened since, equals the one evaluated from every loan's history —
 * the same loans, DPD, buckets, balances, overdue amounts and stages — on several generated books,
 * delinquency settings, and dates: the day after a month-end, mid-month, the day before the next.
 */
const books = [
  { seed: 3, settings: defaultSettings },
  { seed: 8, settings: { ...defaultSettings, graceDays: 3, dpdConvention: 'grace_end' } satisfies SnapshotSettings },
];
const dates = ['2024-02-01', '2024-04-16', '2024-05-30', '2024-06-01', '2024-06-17', '2024-06-29'];

const key = (d: DelinquencyAsOf) =>
  [d.loan_id, d.dpd, d.bucket, d.status, d.principal_balance, d.overdue_principal, d.overdue_interest].join('|');
const caseKey = (c: Case) => [c.loan_id, c.dpd, c.bucket, c.balance, c.stage].join('|');

describe.each(books)('case list from state, book seed $seed', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook(`state_${seed}`, { loans: 700, months: 24, seed }, settings);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(dates)('active loans on %s: state = history', async (asOf) => {
    const q = await activeDelinquencyQuery(wh, asOf, settings);
    // a month before the snapshot's last: its state kept by the first list of a day in it
    expect(q.source).toBe('month_end_state');
    const fromState = await queryRows<DelinquencyAsOf>(
      wh,
      `SELECT * FROM (${q.query}) ORDER BY loan_id`,
      q.query_params,
    );
    const fromHistory = (await delinquencyAsOf(wh, asOf, settings)).filter((d) => d.status === 'active');
    expect(fromState.map(key)).toEqual(fromHistory.map(key));
    // the property has teeth: delinquent loans, and loans that moved since the month-end, are among them
    expect(fromHistory.filter((d) => d.dpd > 0).length).toBeGreaterThan(5);
  });

  it('the case list from state equals the one from history (loans, DPD, balances, stages)', async () => {
    for (const asOf of ['2024-05-01', '2024-06-14']) {
      const o = { asOf, settings, strategy: defaultStrategyTable, champion: null };
      const fromState = await buildCaseList(wh, o);
      const fromHistory = await buildCaseList(wh, { ...o, delinquencyFrom: 'history' });
      expect(fromState.length).toBeGreaterThan(0);
      expect(fromState.map(caseKey).sort()).toEqual(fromHistory.map(caseKey).sort());
    }
  });

  it('a list built in parts of the book (one statement each) is the list built whole', async () => {
    for (const [asOf, delinquencyFrom] of [
      ['2024-06-14', 'state'],
      ['2024-05-31', 'state'],
      ['2024-06-14', 'history'],
    ] as const) {
      const o = { asOf, settings, strategy: defaultStrategyTable, champion: null, delinquencyFrom };
      const whole = await buildCaseList(wh, { ...o, parts: 1 });
      expect(whole.length).toBeGreaterThan(0);
      for (const parts of [2, 5]) expect(await buildCaseList(wh, { ...o, parts })).toEqual(whole);
    }
  });

  it('a snapshot built with other settings, or not through the last month-end, is not used as state', async () => {
    const other = { ...settings, bucketBounds: [15, 30, 60, 90] };
    expect((await activeDelinquencyQuery(wh, '2024-06-14', other)).source).toBe('history');
    // past the data's last built month-end (2024-06-30) there is no state to start from; on a day after it, its kept state
    expect((await activeDelinquencyQuery(wh, '2024-07-14', settings)).source).toBe('month_end_state');
    expect((await activeDelinquencyQuery(wh, '2024-08-14', settings)).source).toBe('history');
  });
});

describe('case list from state, hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('state_hand', stateHandFiles, '2024-04-30');
  });
  afterAll(() => disposeIfOpened(wh));

  it('state = history on the days around due dates, payments and month-ends, January to April 2024', async () => {
    const days = ['01', '09', '10', '14', '15', '16', '18', '20', '25', '28'];
    const dates = ['2024-01', '2024-02', '2024-03', '2024-04'].flatMap((m) => {
      const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 0)).toISOString().slice(0, 10);
      return [...days.map((d) => `${m}-${d}`), addDays(last, -1), last];
    });
    let compared = 0;
    const long: DelinquencyAsOf[] = [];
    for (const d of dates) {
      const q = await activeDelinquencyQuery(wh, d, defaultSettings);
      expect(q.source).toBe(monthEndOf(d) === d ? 'snapshot' : 'month_end_state');
      const fromState = await queryRows<DelinquencyAsOf>(
        wh,
        `SELECT * FROM (${q.query}) ORDER BY loan_id`,
        q.query_params,
      );
      const fromHistory = (await delinquencyAsOf(wh, d, defaultSettings)).filter((x) => x.status === 'active');
      expect(fromState.map(key), d).toEqual(fromHistory.map(key));
      compared += fromHistory.length;
      long.push(...fromHistory.filter((x) => x.loan_id.startsWith('M')));
    }
    expect(compared).toBeGreaterThan(200);
    // the long loans are among them, current and behind
    expect(new Set(long.map((x) => x.loan_id))).toEqual(new Set(['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7']));
    expect(long.filter((x) => x.loan_id === 'M7' && x.dpd > 60).length).toBeGreaterThan(0);
    expect(long.filter((x) => x.loan_id === 'M1' && x.dpd === 0).length).toBeGreaterThan(20);
  });
});
