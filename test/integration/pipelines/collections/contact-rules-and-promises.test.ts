import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactCompliance, contactRuleBreaches } from '../../../../pipelines/collections/contact-compliance.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * Six hand-built loans: six instalments of 100.00 + 10.00 due on the 15th from 2024-01-15; A, B, C
 * in north (team north-1, agent n1), D, E, F in south (south-1, s1). The list date is 2024-05-20
 * (a Monday).
 * Promises (grace 3 days):
 *   A a1: 110.00 by 04-20, nothing paid → broken;
 *   B b1: 100.00 by 04-25 (made 04-20) and b2: 150.00 by 04-30 (made 04-22) overlap; 200.00 paid on
 *     04-26 goes to b1 first (earlier deadline: 100.00, kept, 1 day late), the other 100.00 to b2 →
 *     b2 partial 100.00 of 150.00;
 *   C c1: 220.00 by 05-01, 220.00 paid 05-04 = the deadline exactly → kept, 3 days late;
 *   D d1: 110.00 by 05-01, 109.99 paid 05-03 → partial (one cent short);
 *   E e1: 110.00 by 05-25 → open, 50.00 paid so far (05-16);
 *   F f1: 100.00 by 05-20 → open, due on the list's date.
 * Contacts in May (rule → action): a2 07:30 hours; a4 30 minutes after a3 min_gap (and a refusal);
 * a5 the day after the refusal cooling_off_refused; b3 while B is do-not-contact (dispute, 05-01);
 * c2 without a time (hours not checked); d2 by phone after D withdrew phone consent (05-02); e2 a
 * visit at 10:00, allowed. F complained on 05-18: no personal contact until 05-26.
 */
const ids = ['A', 'B', 'C', 'D', 'E', 'F'];
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const north = new Set(['A', 'B', 'C']);
const pay = (id: string, months: number) => due.slice(0, months).map((d, i) => `${id}${i},${id},${d},110.00`);
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2023-12-15,600.00,0.2,6,${north.has(id) ? 'north' : 'south'},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...pay('B', 3),
    'Bx,B,2024-04-26,200.00',
    'By,B,2024-05-15,110.00',
    ...pay('C', 3),
    'Cx,C,2024-05-04,220.00',
    ...pay('D', 3),
    'Dx,D,2024-05-03,109.99',
    ...pay('E', 4),
    'Ex,E,2024-05-16,50.00',
    ...pay('F', 4),
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date,action_time',
    'a1,A,2024-04-10,phone,promise_to_pay,n1,north-1,110.00,2024-04-20,10:00',
    'b1,B,2024-04-20,phone,promise_to_pay,n1,north-1,100.00,2024-04-25,10:00',
    'b2,B,2024-04-22,visit,promise_to_pay,n1,north-1,150.00,2024-04-30,11:00',
    'c1,C,2024-04-20,phone,promise_to_pay,n1,north-1,220.00,2024-05-01,12:00',
    'd1,D,2024-04-20,phone,promise_to_pay,s1,south-1,110.00,2024-05-01,12:00',
    'e1,E,2024-05-15,sms,promise_to_pay,s1,south-1,110.00,2024-05-25,12:00',
    'f1,F,2024-05-10,phone,promise_to_pay,s1,south-1,100.00,2024-05-20,12:00',
    'a2,A,2024-05-06,phone,no_contact,n1,north-1,,,07:30',
    'a3,A,2024-05-06,phone,no_contact,n1,north-1,,,09:00',
    'a4,A,2024-05-06,phone,refused,n1,north-1,,,09:30',
    'a5,A,2024-05-07,phone,no_contact,n1,north-1,,,10:00',
    'b3,B,2024-05-07,sms,contacted,n1,north-1,,,10:00',
    'c2,C,2024-05-08,phone,contacted,n1,north-1,,,',
    'd2,D,2024-05-09,phone,contacted,s1,south-1,,,10:00',
    'e2,E,2024-05-10,visit,contacted,s1,south-1,,,10:00',
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'ev1,B,2024-05-01,do_not_contact,0,dispute',
    'ev2,D,2024-05-02,consent_withdrawn,0,phone',
    'ev3,F,2024-05-18,complaint,0,',
  ],
};

describe('contact rules and promises on hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('contact', files, '2024-05-31');
  });
  afterAll(() => disposeIfOpened(wh));

  it('contactRuleBreaches: each recorded breach with its rule, nothing for allowed or untimed actions', async () => {
    const rows = await contactRuleBreaches(wh, { from: '2024-05-01', to: '2024-05-31' });
    expect(rows.map((r) => [r.action_id, r.rule])).toEqual([
      ['a2', 'hours'],
      ['a4', 'min_gap'],
      ['a5', 'cooling_off_refused'],
      ['b3', 'do_not_contact'],
      ['d2', 'consent'],
    ]);
    expect(rows[0]).toEqual({
      action_id: 'a2',
      loan_id: 'A',
      agent_id: 'n1',
      team: 'north-1',
      channel: 'phone',
      action_date: '2024-05-06',
      rule: 'hours',
      detail: 'phone at 07:30 on mon: allowed 08:00–21:00',
    });
    // scope: the south team's actions only; a window: one day
    expect(
      (await contactRuleBreaches(wh, { from: '2024-05-01', to: '2024-05-31', scope: { team: ['south-1'] } })).map(
        (r) => r.action_id,
      ),
    ).toEqual(['d2']);
    expect(
      (await contactRuleBreaches(wh, { from: '2024-05-07', to: '2024-05-07', scope: { region: ['north'] } })).map(
        (r) => r.action_id,
      ),
    ).toEqual(['a5', 'b3']);
  });

  it('the report by team and agent counts actions, breaches and actions without a time', async () => {
    const r = await contactCompliance(wh, { from: '2024-05-01', to: '2024-05-31' });
    expect(r.byAgent).toEqual([
      { team: 'north-1', agent_id: 'n1', actions: 6, actions_in_breach: 4, breaches: 4, without_time: 1 },
      { team: 'south-1', agent_id: 's1', actions: 4, actions_in_breach: 1, breaches: 1, without_time: 0 },
    ]);
  });
});
