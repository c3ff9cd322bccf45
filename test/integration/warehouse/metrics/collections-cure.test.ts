import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { listPromises } from '../../../../pipelines/collections/promises.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * The collections metric's stage and cure on hand-built loans: six instalments of 100.00 (no
 * interest) due on the 25th from 2024-01-25; DPD from the due date, no grace. The stage is the
 * loan's DPD on the action's day (more cases: test/integration/warehouse/action-delinquency-sql.test.ts).
 *   K pays every instalment on its day: current on 03-10 (sms) and after — not a cure (it was one
 *     when a cure was "current at the month-end after").
 *   P misses January and February: 40 DPD (M2, mid) on 03-05, when it promises 200.00 by 03-20
 *     (phone); pays it on 03-20 and March's 100.00 on 03-25: current at 03-31 — a cure. Misses
 *     April (M1 at 04-30), which the old rule read as no cure of a current loan.
 *   L pays January only: 16 DPD (M1, early) when visited on 03-12 (refused), M2 at 03-31 — no cure.
 *   N is booked 2024-03-05 (first due 04-05) and called on 03-20: nothing due yet, current (it was
 *     `unknown` when the stage was read at the month-end before the action's month).
 */
const due = (day: string) => ['01', '02', '03', '04', '05', '06'].map((m) => `2024-${m}-${day}`);
const dueN = ['2024-04-05', '2024-05-05', '2024-06-05', '2024-07-05', '2024-08-05', '2024-09-05'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...['K', 'P', 'L'].map((id) => `${id},c${id},consumer,2023-12-20,600.00,0,6,north,b1`),
    'N,cN,consumer,2024-03-05,600.00,0,6,north,b1',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...['K', 'P', 'L'].flatMap((id) => due('25').map((d, i) => `${id},${i + 1},${d},100.00,0.00`)),
    ...dueN.map((d, i) => `N,${i + 1},${d},100.00,0.00`),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...due('25')
      .slice(0, 4)
      .map((d, i) => `K${i},K,${d},100.00`),
    'P1,P,2024-03-20,200.00',
    'P2,P,2024-03-25,100.00',
    'L1,L,2024-01-25,100.00',
    'N1,N,2024-04-05,100.00',
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date',
    'k1,K,2024-03-10,sms,contacted,a1,early-1,,',
    'p1,P,2024-03-05,phone,promise_to_pay,a1,early-1,200.00,2024-03-20',
    'l1,L,2024-03-12,visit,refused,a2,early-1,,',
    'n1,N,2024-03-20,sms,contacted,a2,early-1,,',
  ],
};

describe('collections: the stage is the loan’s state on the action’s day, a cure starts from past due', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('collections_cure', files, '2024-04-30');
  });
  afterAll(() => disposeIfOpened(wh));

  const byStage = async (asOf: string) =>
    (await runMetric(wh, 'collections', { as_of: asOf, group_by: ['stage'] })).rows.map((r) => [
      r.stage,
      Number(r.actions),
      Number(r.past_due_actions),
      Number(r.cures),
      r.cure_rate,
    ]);

  it('the book is as described: the buckets at the month-ends', async () => {
    const rows = await queryRows<{ loan_id: string; m: string; bucket: string; dpd: string }>(
      wh,
      `SELECT loan_id, toString(month_end) AS m, bucket, dpd FROM ${wh.database}.loan_month
       WHERE month_end BETWEEN '2024-02-29' AND '2024-04-30' ORDER BY loan_id, month_end`,
    );
    expect(rows.map((r) => `${r.loan_id} ${r.m} ${r.bucket} ${Number(r.dpd)}`)).toEqual([
      'K 2024-02-29 C 0',
      'K 2024-03-31 C 0',
      'K 2024-04-30 C 0',
      'L 2024-02-29 M1 4',
      'L 2024-03-31 M2 35',
      'L 2024-04-30 M3 65',
      'N 2024-03-31 C 0',
      'N 2024-04-30 C 0',
      'P 2024-02-29 M2 35',
      'P 2024-03-31 C 0',
      'P 2024-04-30 M1 5',
    ]);
  });

  it('an action on a current loan that stays current is not a cure; one on a 35-DPD loan current at the next month-end is', async () => {
    expect(await byStage('2024-04-30')).toEqual([
      // K and N: current on the action's day, no cure rate (not 100 %)
      ['current', 2, 0, 0, null],
      ['early', 1, 1, 0, 0],
      // P: M2 on 03-05, C at 03-31
      ['mid', 1, 1, 1, 1],
    ]);
    // the cure is seen at the action's month-end: a report as of March has it already
    expect(await byStage('2024-03-31')).toEqual(await byStage('2024-04-30'));
    const byChannel = await runMetric(wh, 'collections', { as_of: '2024-04-30', group_by: ['channel'] });
    expect(byChannel.rows.map((r) => [r.channel, Number(r.actions), Number(r.cures), r.cure_rate])).toEqual([
      ['phone', 1, 1, 1],
      ['sms', 2, 0, null],
      ['visit', 1, 0, 0],
    ]);
    expect(byChannel.columns.find((c) => c.name === 'cure_rate')?.denominator).toMatch(/past due/);
  });

  it('the promises metric and the promise list read the same stage', async () => {
    const p = await runMetric(wh, 'promises', { as_of: '2024-04-30', group_by: ['stage', 'status'] });
    expect(p.rows.map((r) => [r.stage, r.status, Number(r.promises)])).toEqual([['mid', 'kept', 1]]);
    expect((await listPromises(wh, { asOf: '2024-04-30' })).map((r) => [r.action_id, r.stage])).toEqual([
      ['p1', 'mid'],
    ]);
  });

  it('an upgraded warehouse gets the facts from the snapshot it already has (migration 35)', async () => {
    const before = await byStage('2024-04-30');
    await exec(wh, `TRUNCATE TABLE ${wh.database}.collection_facts`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 35`);
    expect(await migrate(wh)).toEqual([35]);
    expect(await byStage('2024-04-30')).toEqual(before);
  });

  it('migration 37 adds the DPD on the action day to a warehouse without it and refills the facts as the snapshot writes them', async () => {
    const sum = `SELECT count() AS n, toString(sum(cityHash64(action_id, bucket_then, bucket_next, dpd_then))) AS h FROM ${wh.database}.collection_facts`;
    const [built] = await queryRows<{ n: string; h: string }>(wh, sum);
    const before = await byStage('2024-04-30');
    await exec(wh, `ALTER TABLE ${wh.database}.collection_facts DROP COLUMN dpd_then`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 37`);
    expect(await migrate(wh)).toEqual([37]);
    expect(await queryRows(wh, sum)).toEqual([built]);
    expect(await byStage('2024-04-30')).toEqual(before);
  });
});
