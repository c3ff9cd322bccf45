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

/**
 * A book whose data has not reached its first month-end (loans from 2024-06-03, files to 06-20): the
 * hint named the data's last day, which builds the month-end before the book and was refused again.
 */
describe('snapshot date before the first month-end of a new book', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'snapshot_date_new',
      {
        'loans.csv': [
          'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
          'L1,c1,consumer,2024-06-03,1200.00,0.12,12,east',
        ],
        'payments.csv': ['payment_id,loan_id,paid_date,amount', 'P1,L1,2024-06-20,10.00'],
      },
      false,
    );
  });
  afterAll(() => disposeIfOpened(wh));

  const hintOf = async (w: typeof wh, asOf: string) => {
    const e = await assertSnapshotDate(w, asOf, { full: false }).then(
      () => null,
      (x: unknown) => x as { message: string; hint?: string },
    );
    expect(e?.message).toMatch(/is before the first month-end of the data \(2024-06-30, the first loan's month\)/u);
    return e?.hint ?? '';
  };

  it('asks for the files through the first month-end, never for a date that is refused the same way', async () => {
    for (const asOf of ['2024-06-20', '2024-05-31']) {
      const hint = await hintOf(wh, asOf);
      expect(hint).toMatch(
        /^the data ends on 2024-06-20, before its first month-end 2024-06-30: load the files through/u,
      );
      expect(hint).not.toMatch(/--as-of 2024-06-20 \(/u);
    }
  });

  it('the first month-end itself, past the data, is told the same: load the files through it', async () => {
    const e = await assertSnapshotDate(wh, '2024-06-30', { full: false }).then(
      () => null,
      (x: unknown) => x as { message: string; hint?: string },
    );
    expect(e?.message).toMatch(/builds month-end 2024-06-30, 10 days after the data's last day 2024-06-20/u);
    expect(e?.hint).toMatch(
      /^the data ends on 2024-06-20, before its first month-end 2024-06-30: load the files through/u,
    );
  });

  it('names the first month-end once the files reach within the lag of it', async () => {
    const wide = Object.assign(Object.create(Object.getPrototypeOf(wh) as object) as typeof wh, wh, {
      dataLagDays: 10,
    });
    expect(await hintOf(wide, '2024-06-20')).toMatch(/^use --as-of 2024-06-30 \(the first month-end/u);
    await expect(assertSnapshotDate(wide, '2024-06-30', { full: false })).resolves.toBeUndefined();
  });
});
