import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delinquencyAsOf } from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * Hand-computed cases. Every loan (except I) has the schedule
 * 2024-01-15, 02-15, 03-15: principal 90.00 + interest 10.00 each (principal 270.00).
 */
const three = (id: string) => [
  `${id},1,2024-01-15,90.00,10.00`,
  `${id},2,2024-02-15,90.00,10.00`,
  `${id},3,2024-03-15,90.00,10.00`,
];
const ids = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'J'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
    ...ids.map((id) => `${id},cust,consumer,2023-12-15,270.00,0.444444,3`),
    'H,cust,consumer,2023-12-15,270.00,0.444444,3',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap(three),
    // H restructured on 2024-02-28: installments 1-2 kept, 200.00 of arrears credited, 290.00 re-amortised
    'H,1,2024-01-15,90.00,10.00',
    'H,2,2024-02-15,90.00,10.00',
    'H,3,2024-03-15,145.00,5.00',
    'H,4,2024-04-15,145.00,3.00',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid',
    'A1,A,2024-01-15,50.00,,,',
    'A2,A,2024-02-10,50.00,,,', // partial, then completed
    'B1,B,2024-01-10,300.00,,,', // prepays everything before the first due date
    'C1,C,2024-01-10,100.00,,,', // pays before due, then misses
    'D1,D,2024-04-10,300.00,,,', // misses three, then catches up
    'E1,E,2024-01-18,100.00,,,',
    'E2,E,2024-02-15,100.00,,,',
    'E3,E,2024-03-15,100.00,,,', // three days late once
    'G1,G,2024-03-25,300.00,,,', // after the charge-off: recovery, not a cure
    'I1,I,2024-01-15,100.00,95.00,5.00,', // servicer's own split
    'J1,J,2024-01-15,105.00,,,5.00',
  ], // penalty is not applied to installments
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'G-CO,G,2024-03-20,charge_off,270.00,',
    'H-R,H,2024-02-28,restructure,200.00,arrears capitalised',
  ],
};

describe('DPD, allocation and status on hand-built cases', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  const base = defaultSettings;
  const at = async (date: string, id: string, settings = base) =>
    (await delinquencyAsOf(wh, date, settings)).find((r) => r.loan_id === id)!;
  const monthEnd = async (id: string, me: string) =>
    (
      await queryRows<Record<string, string | number>>(
        wh,
        `SELECT * FROM ${wh.database}.loan_month WHERE loan_id = {id:String} AND month_end = {me:Date}`,
        { id, me },
      )
    )[0];

  beforeAll(async () => {
    wh = await warehouseWithFiles('hand', files, '2024-06-30', base);
  });
  afterAll(() => disposeIfOpened(wh));

  it('partial payment: interest first, the installment stays overdue until fully paid', async () => {
    const jan = await monthEnd('A', '2024-01-31');
    expect(jan).toMatchObject({
      dpd: 16,
      bucket: 'M1',
      principal_balance: 230,
      overdue_principal: 50,
      overdue_interest: 0,
      paid_in_month: 50,
    });
    expect((await at('2024-02-10', 'A')).dpd).toBe(0);
    expect((await at('2024-02-09', 'A')).dpd).toBe(25);
    expect((await at('2024-02-20', 'A')).dpd).toBe(5);
  });

  it('a date before a loan is originated gives no row for it (and no error)', async () => {
    expect(await delinquencyAsOf(wh, '2023-12-14', base)).toEqual([]);
    expect((await delinquencyAsOf(wh, '2023-12-15', base)).length).toBe(10);
  });

  it('prepayment before the first due date closes the loan at that month-end', async () => {
    expect(await monthEnd('B', '2024-01-31')).toMatchObject({
      status: 'paid_off',
      bucket: 'PO',
      dpd: 0,
      principal_balance: 0,
    });
    expect(await monthEnd('B', '2024-02-29')).toBeUndefined();
  });

  it('payment before due counts from its own date', async () => {
    expect(await monthEnd('C', '2024-01-31')).toMatchObject({ dpd: 0, bucket: 'C', principal_balance: 180 });
    expect(await monthEnd('C', '2024-02-29')).toMatchObject({
      dpd: 14,
      bucket: 'M1',
      overdue_principal: 90,
      overdue_interest: 10,
    });
  });

  it('several missed installments age from the oldest, then a catch-up pays off', async () => {
    expect(await monthEnd('D', '2024-02-29')).toMatchObject({
      dpd: 45,
      bucket: 'M2',
      ifrs9_stage: 2,
      five_class: 'special_mention',
    });
    expect(await monthEnd('D', '2024-03-31')).toMatchObject({
      dpd: 76,
      bucket: 'M3',
      overdue_principal: 270,
      overdue_interest: 30,
    });
    expect(await monthEnd('D', '2024-04-30')).toMatchObject({ dpd: 0, status: 'paid_off', paid_in_month: 300 });
  });

  it('grace days and the counting convention', async () => {
    expect((await at('2024-01-17', 'E')).dpd).toBe(2);
    const grace5 = { ...base, graceDays: 5 };
    expect((await at('2024-01-17', 'E', grace5)).dpd).toBe(0);
    expect((await at('2024-01-25', 'F', grace5)).dpd).toBe(10);
    expect((await at('2024-01-20', 'F', grace5)).dpd).toBe(0);
    expect((await at('2024-01-25', 'F', { ...grace5, dpdConvention: 'grace_end' })).dpd).toBe(5);
  });

  it('charge-off: terminal WO row, cash after it does not cure, no rows after', async () => {
    expect(await monthEnd('G', '2024-02-29')).toMatchObject({ dpd: 45, status: 'active' });
    expect(await monthEnd('G', '2024-03-31')).toMatchObject({
      status: 'charged_off',
      bucket: 'WO',
      dpd: 76,
      paid_in_month: 0,
      five_class: 'loss',
      five_class_rule: 'charged_off',
      ifrs9_stage: 3,
      default_flag: 1,
    });
    expect(await monthEnd('G', '2024-04-30')).toBeUndefined();
  });

  it('restructuring credits the arrears, capitalises them, and holds 关注 during observation', async () => {
    expect(await monthEnd('H', '2024-01-31')).toMatchObject({ dpd: 16, principal_balance: 270 });
    expect(await monthEnd('H', '2024-02-29')).toMatchObject({
      dpd: 0,
      principal_balance: 290,
      paid_in_month: 0,
      five_class: 'special_mention',
      five_class_rule: 'restructure_observation',
    });
    expect(await monthEnd('H', '2024-03-31')).toMatchObject({ dpd: 16, bucket: 'M1' });
  });

  it('an explicit principal/interest split sets the balance; a penalty is not applied to installments', async () => {
    expect(await monthEnd('I', '2024-01-31')).toMatchObject({ dpd: 0, principal_balance: 175 });
    expect(await monthEnd('J', '2024-01-31')).toMatchObject({ dpd: 0, principal_balance: 180, paid_in_month: 105 });
  });
});
