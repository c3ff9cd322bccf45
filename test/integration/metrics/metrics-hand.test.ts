import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../pipelines/snapshot/build-snapshots.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { testWarehouse, tmpDir } from '../../helpers/warehouse.ts';

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
    writeFileSync(join(dir, 'loans.csv'), 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nX,c1,consumer,2023-12-15,600.00,0,6\nY,c2,consumer,2023-12-15,600.00,0,6\n');
    writeFileSync(join(dir, 'schedule.csv'), ['loan_id,installment_no,due_date,principal_due,interest_due', ...sched('X'), ...sched('Y')].join('\n') + '\n');
    writeFileSync(join(dir, 'payments.csv'), ['payment_id,loan_id,paid_date,amount', ...[1, 2, 3].map((i) => `X${i},X,2024-0${i}-15,100.00`)].join('\n') + '\n');
    await ingest(wh, [dir], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-03-31', settings: defaultSettings });
  });
  afterAll(async () => wh?.dispose());

  it('overdue ratio and PAR30', async () => {
    const r = await runMetric(wh, 'overdue', {});
    const jan = r.rows.find((x) => x.month_end === '2024-01-31')!;
    expect(Number(jan.outstanding)).toBe(1100);
    expect(jan.overdue_ratio).toBeCloseTo(600 / 1100, 12);
    expect(jan.par30).toBe(0);
    const feb = r.rows.find((x) => x.month_end === '2024-02-29')!;
    expect(feb.par30).toBeCloseTo(600 / 1000, 12);
    expect(r.columns.find((c) => c.name === 'par30')?.denominator).toBe('outstanding balance of active loans at the month-end');
  });

  it('roll rates: December C splits half to M1; January C stays, M1 rolls to M2', async () => {
    const dec = await runMetric(wh, 'roll_rate', { from: '2023-12-31', to: '2023-12-31', group_by: ['from_month', 'from_bucket', 'to_bucket'] });
    expect(dec.rows.map((x) => [x.from_bucket, x.to_bucket, x.flow_share])).toEqual([['C', 'C', 0.5], ['C', 'M1', 0.5]]);
    const all = await runMetric(wh, 'roll_rate', { basis: 'count' });
    expect(all.rows.map((x) => [x.from_bucket, x.to_bucket, Number(x.flow)])).toEqual([['C', 'C', 3], ['C', 'M1', 1], ['M1', 'M2', 1], ['M2', 'M3', 1]]);
  });

  it('vintage: ever-30+ reaches 50% at MOB 2, the cohort stops at MOB 3 (the as-of month)', async () => {
    const r = await runMetric(wh, 'vintage', {});
    expect(r.rows.map((x) => [Number(x.mob), x.ever0_rate, x.ever30_rate, x.ever60_rate, x.ever90_rate])).toEqual([
      [0, 0, 0, 0, 0], [1, 0.5, 0, 0, 0], [2, 0.5, 0.5, 0, 0], [3, 0.5, 0.5, 0.5, 0]]);
    expect(r.rows[3]!.coincident60_rate).toBe(0.5);
  });
});
