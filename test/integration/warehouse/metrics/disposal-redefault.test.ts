import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * 24 installments of 100.00 + 10.00 due on the 15th from 2023-01-15. R1 misses January to April 2023
 * (default at 2023-04-30, principal 2,400.00), pays the five due by May on 2023-05-15 and each one to
 * December on its day (cured; principal 1,200.00 left), then pays nothing: default again at 2024-04-30,
 * charged off 2024-05-31, 50.00 recovered 2024-06-10. O1 defaults once (misses all from 2023-01) and is
 * charged off 2023-09-30 with 100.00 recovered 2024-01-10. S1 follows R1's path and is sold to a debt
 * buyer for 300.00 on 2024-06-20. A1 follows R1's path but is not charged off: active, in its second
 * default. C1 too, but pays on to May 2024: its June instalment 15 days late, not in default.
 */
const due = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2023, i, 15)).toISOString().slice(0, 10));
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch,collateral_value',
    'R1,cR1,consumer,2022-12-15,2400.00,0.2,24,east,b1,',
    'O1,cO1,consumer,2022-12-15,2400.00,0.2,24,east,b1,',
    'S1,cS1,consumer,2022-12-15,2400.00,0.2,24,east,b1,',
    'A1,cA1,consumer,2022-12-15,2400.00,0.2,24,east,b1,',
    'C1,cC1,consumer,2022-12-15,2400.00,0.2,24,east,b1,',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...['R1', 'O1', 'S1', 'A1', 'C1'].flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...['R1', 'S1', 'A1', 'C1'].flatMap((id) => [
      `${id}p0,${id},2023-05-15,550.00`,
      ...due.slice(5, id === 'C1' ? 17 : 12).map((d, i) => `${id}p${i + 1},${id},${d},110.00`),
    ]),
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'e1,R1,2024-05-31,charge_off,0,',
    'e2,R1,2024-06-10,recovery,50.00,collections',
    'e3,O1,2023-09-30,charge_off,0,',
    'e4,O1,2024-01-10,recovery,100.00,collections',
    'e5,S1,2024-05-31,charge_off,0,',
    'e6,S1,2024-06-10,recovery,50.00,collections',
    'e7,S1,2024-06-20,debt_sale,300.00,buyer',
  ],
};
const asOf = '2024-06-30';

describe('what a charged-off loan owes in the disposal candidates', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('disposalredefault', files, asOf);
  });
  afterAll(() => disposeIfOpened(wh));

  it('is the EAD of the default that ended in the charge-off less the cash since it, a cure between counted once', async () => {
    // the book as the snapshot read it: R1 past 90 DPD twice, current between
    const flags = await queryRows<{ month_end: string; dpd: number; principal_balance: string }>(
      wh,
      `SELECT toString(month_end) AS month_end, dpd, toString(principal_balance) AS principal_balance
       FROM ${wh.database}.loan_month WHERE loan_id = 'R1' AND month_end IN ('2023-04-30', '2023-12-31', '2024-04-30') ORDER BY month_end`,
    );
    expect(flags.map((f) => [f.month_end, f.dpd, Number(f.principal_balance)])).toEqual([
      ['2023-04-30', 105, 2400],
      ['2023-12-31', 0, 1200],
      ['2024-04-30', 106, 1200],
    ]);
    const rows = (await runMetric(wh, 'disposal_candidates', { as_of: asOf, group_by: ['loan_id'] })).rows;
    const of = (id: string) => rows.find((r) => r.loan_id === id)!;
    // R1: 1,200.00 at its second default less the 50.00 recovered; the first default's 2,400.00 less every
    // instalment paid while current owed 1,030.00
    expect(Number(of('R1').balance)).toBe(1150);
    expect(Number(of('R1').months_since_default)).toBe(2);
    // O1, one default: its EAD less the cash since, as before
    expect(Number(of('O1').balance)).toBe(2300);
  });

  it('an active candidate counts its months from the default it is in, as a sale counts its months after default', async () => {
    const rows = (await runMetric(wh, 'disposal_candidates', { as_of: asOf, group_by: ['loan_id', 'status'] })).rows;
    const of = (id: string) => rows.find((r) => r.loan_id === id)!;
    // A1: in its second default (2024-04-30), not 14 months from the first (2023-04-30)
    expect([of('A1').status, Number(of('A1').months_since_default)]).toEqual(['active', 2]);
    // C1: 15 days late, cured of its only default long ago: not in default
    expect([of('C1').status, Number(of('C1').dpd), Number(of('C1').months_since_default)]).toEqual(['active', 15, 0]);
  });

  it("a sold loan's balance at the sale and months after default are of the same default, as the debt-sale price divides by", async () => {
    const sales = await queryRows<{ balance_at_sale: string; months_after_default: number; proceeds: string }>(
      wh,
      `SELECT toString(balance_at_sale) AS balance_at_sale, months_after_default, toString(proceeds) AS proceeds
       FROM ${wh.database}.sale_facts WHERE loan_id = 'S1'`,
    );
    // 1,200.00 at the second default (2024-04-30) less the 50.00 recovered before the sale; the first
    // default's 2,400.00 less every instalment paid while current was 1,030.00, 14 months after it
    expect(sales.map((r) => [Number(r.balance_at_sale), r.months_after_default, Number(r.proceeds)])).toEqual([
      [1150, 2, 300],
    ]);
  });

  it('recovery as of a month past the data: no month since default the data has not reached, not 0 % cash in it', async () => {
    const at = await runMetric(wh, 'recovery', { as_of: asOf });
    const past = await runMetric(wh, 'recovery', { as_of: '2024-08-31' });
    expect(at.rows.length).toBeGreaterThan(0);
    expect(past.rows).toEqual(at.rows);
  });
});
