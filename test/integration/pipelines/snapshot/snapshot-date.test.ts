import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSnapshotDate } from '../../../../pipelines/snapshot/snapshot-date.ts';
import { assertWithinData, defaultDataLagDays as dataLagDays } from '../../../../warehouse/data-horizon.ts';
import { addDays } from '../../../../lib/dates.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * A book whose files end on the 3rd of a month (review 2026-12-06: a daily run's files, 2024-07-03):
 * the month-end ahead of them is not closed — it put 81 % of the book overdue and was then in the way
 * of the next daily run — and no state is given for a day more than dataLagDays past them, whichever
 * command asks; the month-end before them and the days just after them are the daily run's.
 */
describe('snapshot and state dates against a book whose files end mid-month', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  const last = '2024-07-03';
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'snapshot_date',
      {
        'loans.csv': [
          'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
          'L1,c1,consumer,2024-03-20,1200.00,0.12,12,east',
          'L2,c2,consumer,2024-04-25,600.00,0.12,6,east',
        ],
        'payments.csv': [
          'payment_id,loan_id,paid_date,amount',
          'P1,L1,2024-04-20,106.62',
          'P2,L1,2024-05-20,106.62',
          'P3,L1,2024-06-20,106.62',
          'P4,L2,2024-05-25,103.28',
          `P5,L2,${last},103.28`,
        ],
      },
      false,
    );
  });
  afterAll(() => disposeIfOpened(wh));

  it('the month-end ahead of the files is refused, from any date that builds it; the one before them is built', async () => {
    for (const asOf of ['2024-07-31', '2024-08-15', '2024-08-30'])
      await expect(assertSnapshotDate(wh, asOf, { full: false })).rejects.toThrow(
        /builds month-end 2024-07-31, 28 days after the data's last day 2024-07-03 \(at most 7\): installments due since would count as unpaid/u,
      );
    for (const asOf of ['2024-06-30', last, '2024-07-04', '2024-07-30'])
      await expect(assertSnapshotDate(wh, asOf, { full: false })).resolves.toBeUndefined();
  });

  it('a state on a date: up to dataLagDays after the last day, not a day more, whatever the month', async () => {
    for (let k = 0; k <= dataLagDays; k++)
      await expect(assertWithinData(wh, addDays(last, k), '--as-of')).resolves.toBeUndefined();
    for (const late of [addDays(last, dataLagDays + 1), '2024-07-31', '2024-09-01'])
      await expect(assertWithinData(wh, late, '--as-of')).rejects.toThrow(
        new RegExp(`^--as-of ${late} is \\d+ days after the data's last day ${last} \\(at most ${dataLagDays}\\)`, 'u'),
      );
  });

  it('a book whose files go longer without a row widens the bound (LOANWATCH_DATA_LAG_DAYS, carried by the warehouse)', async () => {
    const wide = Object.assign(Object.create(Object.getPrototypeOf(wh) as object) as typeof wh, wh, {
      dataLagDays: 30,
    });
    await expect(assertSnapshotDate(wide, '2024-07-31', { full: false })).resolves.toBeUndefined();
    await expect(assertWithinData(wide, '2024-08-02', '--as-of')).resolves.toBeUndefined();
    await expect(assertWithinData(wide, '2024-08-03', '--as-of')).rejects.toThrow(
      /^--as-of 2024-08-03 is 31 days after the data's last day 2024-07-03 \(at most 30\)/u,
    );
  });
});
