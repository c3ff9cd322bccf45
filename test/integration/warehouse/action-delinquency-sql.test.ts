import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateBook } from '../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../pipelines/ingest/ingest.ts';
import { exec, queryRows, type Warehouse } from '../../../warehouse/connection.ts';
import { migrate } from '../../../warehouse/migrations/index.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { delinquencyAsOf } from '../../../pipelines/snapshot/delinquency-as-of.ts';
import { buildMonthEndSnapshots } from '../../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings, type SnapshotSettings } from '../../../pipelines/snapshot/snapshot-settings.ts';
import { warehouseWithFiles } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../helpers/warehouse.ts';

/*
 * Each collection action's stage is the loan's DPD on the action's day (collection_facts.dpd_then,
 * bucket_then). Hand-built loans: six instalments of 100.00 (no interest) due on the 25th from
 * 2024-01-25, booked 2023-12-20.
 *   A (a) pays January and February, misses March: current at 02-29, 5 DPD on 03-30 (a1, early);
 *     pays March on 03-31: current at 03-31 — a cure (the month-end rule read a1 as current).
 *   B (b) misses February (4 DPD at 02-29), pays 200.00 on 03-10: current on 03-15 (b1), not past
 *     due, so not a cure (the month-end rule read it as early and cured).
 *   C (c) pays January and February; on March's due date (c1, 03-25) not past due: current; a day
 *     later (c2, 03-26) 1 DPD, early; pays on 03-28: current at 03-31 — a cure.
 *   E misses February, worked on the last day of the month (e1, 02-29: 4 DPD, early), pays 200.00 on
 *     03-05: the cure is judged at the first month-end after the action's day, 03-31.
 *   G (d) pays January and February, misses March, pays it on 04-02; worked on 03-28 (g1) and 03-29
 *     (g2): 3 and 4 DPD without grace; with 3 grace days 0 and 4 (DPD from the due date) or 0 and 1
 *     (DPD from the end of grace).
 *   T is a tape loan (performance): 0, 10, 0 DPD at January to March month-ends. t0 on 01-20 is before
 *     its first row (stage unknown); t1 on 03-15 reads the 02-29 row (10 DPD, early), C at 03-31: a cure.
 */
const ids = ['A', 'B', 'C', 'E', 'G'];
const dues = ['01', '02', '03', '04', '05', '06'].map((m) => `2024-${m}-25`);
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2023-12-20,600.00,0,6,north,b1`),
    'T,cT,consumer,2024-01-10,600.00,0,6,north,b1',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => dues.map((d, i) => `${id},${i + 1},${d},100.00,0.00`)),
  ],
  'performance.csv': [
    'loan_id,as_of_month,dpd,principal_balance',
    'T,2024-01,0,600.00',
    'T,2024-02,10,600.00',
    'T,2024-03,0,500.00',
    'T,2024-04,0,400.00',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    'A1,A,2024-01-25,100.00',
    'A2,A,2024-02-25,100.00',
    'A3,A,2024-03-31,100.00',
    'B1,B,2024-01-25,100.00',
    'B2,B,2024-03-10,200.00',
    'C1,C,2024-01-25,100.00',
    'C2,C,2024-02-25,100.00',
    'C3,C,2024-03-28,100.00',
    'E1,E,2024-01-25,100.00',
    'E2,E,2024-03-05,200.00',
    'G1,G,2024-01-25,100.00',
    'G2,G,2024-02-25,100.00',
    'G3,G,2024-04-02,100.00',
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date',
    'a1,A,2024-03-30,phone,contacted,x1,early-1,,',
    'b1,B,2024-03-15,sms,contacted,x1,early-1,,',
    'c1,C,2024-03-25,sms,contacted,x1,early-1,,',
    'c2,C,2024-03-26,phone,promise_to_pay,x1,early-1,100.00,2024-03-28',
    'e1,E,2024-02-29,phone,contacted,x2,early-1,,',
    'g1,G,2024-03-28,sms,contacted,x2,early-1,,',
    'g2,G,2024-03-29,phone,contacted,x2,early-1,,',
    't0,T,2024-01-20,sms,contacted,x2,early-1,,',
    't1,T,2024-03-15,phone,contacted,x2,early-1,,',
  ],
};

const facts = async (wh: Warehouse) =>
  (
    await queryRows<{ action_id: string; dpd: number | null; bucket: string }>(
      wh,
      `SELECT action_id, dpd_then AS dpd, bucket_then AS bucket FROM ${wh.database}.collection_facts ORDER BY action_id`,
    )
  ).map((r) => `${r.action_id} ${r.dpd ?? '-'} ${r.bucket || '-'}`);

/** Every action's DPD and bucket equal the `dpd --as-of <action day>` reading of its loan. */
async function expectDpdAsOfReading(wh: Warehouse, settings: SnapshotSettings) {
  const rows = await queryRows<{ action_id: string; loan_id: string; day: string; dpd: number | null; bucket: string }>(
    wh,
    `SELECT action_id, loan_id, toString(action_date) AS day, dpd_then AS dpd, bucket_then AS bucket FROM ${wh.database}.collection_facts`,
  );
  const byDay = new Map<string, typeof rows>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  let compared = 0;
  for (const [day, acts] of byDay) {
    const asOf = new Map((await delinquencyAsOf(wh, day, settings)).map((d) => [d.loan_id, d]));
    for (const a of acts) {
      const d = asOf.get(a.loan_id);
      expect(
        [a.dpd, a.bucket],
        `${a.action_id} on ${day}: dpd --as-of ${day} reads ${d ? `${d.dpd} ${d.bucket}` : 'no row'}`,
      ).toEqual(d ? [d.dpd, d.bucket] : [null, '']);
      compared++;
    }
  }
  return compared;
}

describe('collection facts: the loan on the action’s day', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('action_day', files, '2024-04-30');
  });
  afterAll(() => disposeIfOpened(wh));

  it('each action has its loan’s DPD and bucket that day (tape loans: the latest month-end row by then)', async () => {
    expect(await facts(wh)).toEqual([
      'a1 5 M1', // (a) current at 02-29, 5 DPD on the day
      'b1 0 C', // (b) paid within the month: current again
      'c1 0 C', // (c) the due date itself is not past due
      'c2 1 M1',
      'e1 4 M1',
      'g1 3 M1',
      'g2 4 M1',
      't0 - -', // before the tape's first row
      't1 10 M1',
    ]);
    expect(await expectDpdAsOfReading(wh, defaultSettings)).toBe(9);
  });

  it('the stage and the cure follow: past due on the day, current or paid off at the first month-end after it', async () => {
    const byStage = async (asOf: string) =>
      (await runMetric(wh, 'collections', { as_of: asOf, group_by: ['stage'] })).rows.map((r) => [
        r.stage,
        Number(r.actions),
        Number(r.past_due_actions),
        Number(r.cures),
      ]);
    // early: a1 (cured 03-31), c2 (cured), e1 (cured at 03-31), g1, g2 (not: M1 at 03-31), t1 (cured)
    expect(await byStage('2024-04-30')).toEqual([
      ['current', 2, 0, 0],
      ['early', 6, 6, 4],
      ['unknown', 1, 0, 0],
    ]);
    // e1 on 02-29: its cure is judged at 03-31, which a report as of February has not seen
    expect(await byStage('2024-02-29')).toEqual([
      ['early', 1, 1, 0],
      ['unknown', 1, 0, 0],
    ]);
  });

  it.each([
    ['from the due date', defaultSnapshotSettings({ ...defaultSettings, graceDays: 3 }), ['g1 0 C', 'g2 4 M1']],
    [
      'from the end of grace',
      defaultSnapshotSettings({ ...defaultSettings, graceDays: 3, dpdConvention: 'grace_end' }),
      ['g1 0 C', 'g2 1 M1'],
    ],
  ] as const)(
    '(d) with 3 grace days, DPD counted %s (the snapshot rebuilt with them)',
    async (_, settings, expected) => {
      await buildMonthEndSnapshots(wh, { asOf: '2024-04-30', settings });
      expect((await facts(wh)).filter((f) => f.startsWith('g'))).toEqual(expected);
      // a1 is 5 days past its due date: past the grace either way (5 DPD from the due date, 2 from the end of grace)
      expect((await facts(wh)).find((f) => f.startsWith('a1'))).toBe(
        settings.dpdConvention === 'grace_end' ? 'a1 2 M1' : 'a1 5 M1',
      );
      expect(await expectDpdAsOfReading(wh, settings)).toBe(9);
      // migration 37 refills the facts with the settings the stored snapshot was built with (read from its run)
      const built = await facts(wh);
      await exec(wh, `ALTER TABLE ${wh.database}.collection_facts DROP COLUMN dpd_then`);
      await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 37`);
      expect(await migrate(wh)).toEqual([37]);
      expect(await facts(wh)).toEqual(built);
    },
  );
});

/**
 * On generated books (two seeds, two settings): every action on a sample of action days — the first,
 * the last, month-ends and days spread between — has the DPD and bucket `dpd --as-of` reads for its
 * loan on that day.
 */
describe.each([
  { seed: 41, settings: defaultSettings },
  { seed: 57, settings: defaultSnapshotSettings({ ...defaultSettings, graceDays: 5, dpdConvention: 'grace_end' }) },
])('collection facts on a generated book (seed $seed) equal the dpd --as-of reading', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse(`action_day_book_${seed}`);
    const book = join(tmpDir(`action-day-${seed}`), 'book');
    await generateBook({ loans: 300, months: 24, asOf: '2024-06-30', seed, badRows: 0, outDir: book, format: 'csv' });
    await ingest(wh, [book], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings });
  }, 600_000);
  afterAll(() => disposeIfOpened(wh));

  it('on sampled action days', async () => {
    const days = (
      await queryRows<{ d: string }>(
        wh,
        `SELECT DISTINCT toString(action_date) AS d FROM ${wh.database}.collection_facts ORDER BY d`,
      )
    ).map((r) => r.d);
    expect(days.length).toBeGreaterThan(20);
    const step = Math.ceil(days.length / 8);
    const sample = new Set([
      ...days.filter((_, i) => i % step === 0),
      days.at(-1)!,
      ...days.filter((d) => d.slice(5) === '03-31' || d.slice(5) === '02-29').slice(0, 2),
    ]);
    let compared = 0;
    let pastDue = 0;
    for (const day of sample) {
      const rows = await queryRows<{ action_id: string; loan_id: string; dpd: number | null; bucket: string }>(
        wh,
        `SELECT action_id, loan_id, dpd_then AS dpd, bucket_then AS bucket FROM ${wh.database}.collection_facts WHERE action_date = {d:Date}`,
        { d: day },
      );
      const asOf = new Map((await delinquencyAsOf(wh, day, settings)).map((d) => [d.loan_id, d]));
      for (const a of rows) {
        const d = asOf.get(a.loan_id);
        expect([a.dpd, a.bucket], `${a.action_id} on ${day}`).toEqual(d ? [d.dpd, d.bucket] : [null, '']);
        compared++;
        if ((a.dpd ?? 0) > 0) pastDue++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    // the book works past-due loans as well as current ones
    expect(pastDue).toBeGreaterThan(0);
    expect(pastDue).toBeLessThan(compared);
  });
});
