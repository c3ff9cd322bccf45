import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { assertRequestReachesData, runMetric } from '../../../../warehouse/metrics/run.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/*
 * Two loans of 600.00 booked 2023-12-15, six installments of 100.00 (no interest) due on the 15th
 * from January: X pays every installment on time, Y never pays.
 *   2023-12-31  X 600 C      Y 600 C
 *   2024-01-31  X 500 C      Y 600 M1 (DPD 16)
 *   2024-02-29  X 400 C      Y 600 M2 (DPD 45)
 *   2024-03-31  X 300 C      Y 600 M3 (DPD 76)
 */
describe('metrics on a hand-computed book', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('metrics_hand');
    const dir = join(tmpDir('mhand'), 'in');
    mkdirSync(dir);
    const sched = (id: string) => Array.from({ length: 6 }, (_, i) => `${id},${i + 1},2024-0${i + 1}-15,100.00,0.00`);
    writeFileSync(
      join(dir, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nX,c1,consumer,2023-12-15,600.00,0,6\nY,c2,consumer,2023-12-15,600.00,0,6\n',
    );
    writeFileSync(
      join(dir, 'schedule.csv'),
      ['loan_id,installment_no,due_date,principal_due,interest_due', ...sched('X'), ...sched('Y')].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'payments.csv'),
      ['payment_id,loan_id,paid_date,amount', ...[1, 2, 3].map((i) => `X${i},X,2024-0${i}-15,100.00`)].join('\n') +
        '\n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-03-31', settings: defaultSettings });
  });
  afterAll(() => disposeIfOpened(wh));

  it('overdue ratio and PAR30', async () => {
    const r = await runMetric(wh, 'overdue', {});
    const jan = r.rows.find((x) => x.month_end === '2024-01-31')!;
    expect(Number(jan.outstanding)).toBe(1100);
    expect(jan.overdue_ratio).toBeCloseTo(600 / 1100, 12);
    expect(jan.par30).toBe(0);
    const feb = r.rows.find((x) => x.month_end === '2024-02-29')!;
    expect(feb.par30).toBeCloseTo(600 / 1000, 12);
    expect(r.columns.find((c) => c.name === 'par30')?.denominator).toBe(
      'outstanding balance of active loans at the month-end',
    );
  });

  it("a balance grouped by product is the month-end's, never four month-ends added up", async () => {
    // the whole book is 900 at 2024-03-31 (X 300 + Y 600), not 1200 + 1100 + 1000 + 900
    const r = await runMetric(wh, 'overdue', { group_by: ['product'] });
    expect(r.rows).toHaveLength(1);
    expect(Number(r.rows[0]!.outstanding)).toBe(900);
    expect(
      Number((await runMetric(wh, 'overdue', { group_by: ['product'], to: '2024-01-31' })).rows[0]!.outstanding),
    ).toBe(1100);
    await expect(
      runMetric(wh, 'overdue', { group_by: ['product'], from: '2024-01-31', to: '2024-03-31' }),
    ).rejects.toThrow(/is a balance at each month-end.*group by month_end/u);
    await expect(runMetric(wh, 'five_category', { group_by: ['five_class'], from: '2023-12-31' })).rejects.toThrow(
      /is a balance at each month-end/u,
    );
  });

  it("a person's period no figure can be in is refused, not answered empty; a chart's is answered empty", async () => {
    await expect(
      assertRequestReachesData(wh, { from: '2024-03-31', to: '2024-03-31', as_of: '2024-01-31' }),
    ).rejects.toThrow('to 2024-03-31 is after as_of 2024-01-31');
    await expect(assertRequestReachesData(wh, { as_of: '2023-06-30' })).rejects.toThrow(
      "as_of 2023-06-30 is before the data's first month-end 2023-12-31",
    );
    await expect(assertRequestReachesData(wh, { from: '2023-01-31', to: '2023-06-30' })).rejects.toThrow(
      "to 2023-06-30 is before the data's first month-end 2023-12-31",
    );
    // a balance read at one month-end past the data, the as-of left out (the data's last): refused as with it typed
    await expect(
      assertRequestReachesData(wh, { group_by: ['product'], to: '2024-07-31' }, { metric: 'overdue' }),
    ).rejects.toThrow(
      "to 2024-07-31 is after the data's last month-end 2024-03-31: overdue is a balance at one month-end",
    );
    await assertRequestReachesData(wh, { group_by: ['product'], to: '2024-03-31' }, { metric: 'overdue' });
    // and asked by its as-of alone, today mid-month (`metrics ecl --as-of 2024-04-05` answered no rows, exit 0)
    for (const [metric, request] of [
      ['overdue', { group_by: ['product'], as_of: '2024-04-05' }],
      ['five_category', { group_by: ['region'], as_of: '2024-04-05' }],
      ['ecl', { as_of: '2024-04-05' }],
    ] as const)
      await expect(assertRequestReachesData(wh, request, { metric })).rejects.toThrow(
        `as_of 2024-04-05 is after the data's last month-end 2024-03-31: ${metric} is read at one month-end (2024-04-30 here, not built yet)`,
      );
    await assertRequestReachesData(wh, { as_of: '2024-03-31' }, { metric: 'ecl' });
    // a period wholly after the data, any metric
    await expect(assertRequestReachesData(wh, { from: '2024-04-30', to: '2024-05-31' })).rejects.toThrow(
      "from 2024-04-30 is after the data's last month-end 2024-03-31 (the default as_of): there is nothing to measure",
    );
    // an as-of typed past the last month-end keeps the metrics read up to it (the running month's promises)
    await assertRequestReachesData(
      wh,
      { from: '2024-04-30', to: '2024-04-30', as_of: '2024-04-20' },
      { metric: 'promises' },
    );
    await assertRequestReachesData(wh, { from: '2024-01-31', to: '2024-12-31' }, { metric: 'overdue' });
    // dates left out are the data's own, and a period reaching past the data is answered (a year's dashboard)
    await assertRequestReachesData(wh, { group_by: ['product'] });
    await assertRequestReachesData(wh, { from: '2024-01-31', to: '2024-12-31' });
    expect((await runMetric(wh, 'overdue', { from: '2024-01-31', to: '2024-12-31' })).rows.length).toBe(3);
    // a pack's chart of a month before the data draws its own "no data"
    expect((await runMetric(wh, 'overdue', { as_of: '2023-06-30' })).rows).toEqual([]);
  });

  it('roll rates: December C splits half to M1; January C stays, M1 rolls to M2', async () => {
    // the period selects moves by the month-end they end at: December → January is January's
    const dec = await runMetric(wh, 'roll_rate', {
      from: '2024-01-31',
      to: '2024-01-31',
      group_by: ['from_month', 'from_bucket', 'to_bucket'],
    });
    expect(dec.rows.map((x) => [x.from_bucket, x.to_bucket, x.flow_share])).toEqual([
      ['C', 'C', 0.5],
      ['C', 'M1', 0.5],
    ]);
    const all = await runMetric(wh, 'roll_rate', { basis: 'count' });
    expect(all.rows.map((x) => [x.from_bucket, x.to_bucket, Number(x.flow)])).toEqual([
      ['C', 'C', 3],
      ['C', 'M1', 1],
      ['M1', 'M2', 1],
      ['M2', 'M3', 1],
    ]);
  });

  it('vintage: ever-30+ reaches 50% at MOB 2, the cohort stops at MOB 3 (the as-of month)', async () => {
    const r = await runMetric(wh, 'vintage', {});
    expect(r.rows.map((x) => [Number(x.mob), x.ever0_rate, x.ever30_rate, x.ever60_rate, x.ever90_rate])).toEqual([
      [0, 0, 0, 0, 0],
      [1, 0.5, 0, 0, 0],
      [2, 0.5, 0.5, 0, 0],
      [3, 0.5, 0.5, 0.5, 0],
    ]);
    expect(r.rows[3]!.coincident60_rate).toBe(0.5);
  });

  it('vintage as of a month past the data: the cohort still stops at the last MOB observed, no unobserved MOB at 0 %', async () => {
    const at = await runMetric(wh, 'vintage', {});
    const past = await runMetric(wh, 'vintage', { as_of: '2024-08-31' });
    expect(past.rows.map((x) => Number(x.mob))).toEqual([0, 1, 2, 3]);
    expect(past.rows).toEqual(at.rows);
  });
});

/*
 * Migration over 2024-01-31 → 2024-04-30 on servicer tapes, which may skip months. All three loans
 * are normal (DPD 0) at the start:
 *   T1  1000 in Jan, DPD 100 / 900 in Feb, no rows in Mar–Apr, back in May: its end row is Feb's
 *   T2   500 in Jan, none in Feb, 450 in Mar, 400 in Apr (current): end row Apr, 100 repaid
 *   T3   300 in Jan, then never reported again: no end row, a reduction of the whole 300
 * start 1800, reduced 100 + 100 + 300 = 500, migrated 900 (T1, worse than normal while active).
 */
describe('migration rates on tapes with gaps', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('metrics_hand_tape');
    const dir = join(tmpDir('mhand-tape'), 'in');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'loans.csv'),
      [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
        ...['T1,1000', 'T2,500', 'T3,300'].map((x) => {
          const [id, p] = x.split(',');
          return `${id},c${id},consumer,2023-12-01,${p}.00,0.1,24`;
        }),
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'performance.csv'),
      [
        'loan_id,as_of_month,dpd,principal_balance',
        'T1,2024-01,0,1000.00',
        'T1,2024-02,100,900.00',
        'T1,2024-05,0,800.00',
        'T2,2024-01,0,500.00',
        'T2,2024-03,0,450.00',
        'T2,2024-04,0,400.00',
        'T2,2024-05,0,350.00',
        'T3,2024-01,0,300.00',
      ].join('\n') + '\n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-05-31', settings: defaultSettings });
  });
  afterAll(() => disposeIfOpened(wh));

  it("takes each loan's last tape row on or before the period end", async () => {
    // a migration over the period February … April runs from the month-end before it (January) to April
    const r = await runMetric(wh, 'migration', { from: '2024-02-29', to: '2024-04-30' });
    expect(r.rows.map((x) => [x.from_class, Number(x.start_total), Number(x.reduced), Number(x.migrated)])).toEqual([
      ['normal', 1800, 500, 900],
    ]);
    expect(r.rows[0]!.migration_rate).toBeCloseTo(900 / 1300, 12);
    const byCount = await runMetric(wh, 'migration', { from: '2024-02-29', to: '2024-04-30', basis: 'count' });
    expect(byCount.rows.map((x) => [Number(x.start_total), Number(x.reduced), Number(x.migrated)])).toEqual([
      [3, 1, 1],
    ]);
  });
});
