import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable, type StrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * Hand-built loans on a case list of 2024-05-20: six instalments of 100.00 + 10.00 due on the 15th
 * from 2024-01-15, the first three paid, so every loan is 35 days past due (mid stage) on the date.
 * T: four actions on 05-17 whose ids run against their times (t1 16:00 north-2, t2 09:00, t3 without
 *    a time, t4 12:00), after one on 05-10.
 * Promises (grace 3 days; the escalation looks back 30 days, to 04-20), nothing paid after 03-15:
 *   Y y1: 110.00 by 04-20 (made 04-10) → broken, deadline 04-23: escalated;
 *   X the same x1, then x2 made 05-15 for 05-25 → open: a newer open promise, not escalated;
 *   Z the same z1, then z2 made 05-12 for 05-18: its date has passed but not its deadline (05-21) → open,
 *     not escalated (and not among the open promises, whose promised date is before the date);
 *   W w0 made 04-05 for 06-10 → open, but made before the broken w1 (made 04-10 for 04-20): escalated.
 */
const ids = ['T', 'W', 'X', 'Y', 'Z'];
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2023-12-15,600.00,0.2,6,north,b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...ids.flatMap((id) => due.slice(0, 3).map((d, i) => `${id}${i},${id},${d},110.00`)),
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date,action_time',
    't0,T,2024-05-10,sms,no_contact,n1,north-1,,,10:00',
    't1,T,2024-05-17,phone,contacted,n2,north-2,,,16:00',
    't2,T,2024-05-17,sms,no_contact,n1,north-1,,,09:00',
    't3,T,2024-05-17,letter,no_contact,n1,north-1,,,',
    't4,T,2024-05-17,phone,refused,n1,north-1,,,12:00',
    'y1,Y,2024-04-10,phone,promise_to_pay,n1,north-1,110.00,2024-04-20,10:00',
    'x1,X,2024-04-10,phone,promise_to_pay,n1,north-1,110.00,2024-04-20,10:00',
    'x2,X,2024-05-15,phone,promise_to_pay,n1,north-1,110.00,2024-05-25,10:00',
    'z1,Z,2024-04-10,phone,promise_to_pay,n1,north-1,110.00,2024-04-20,10:00',
    'z2,Z,2024-05-12,phone,promise_to_pay,n1,north-1,110.00,2024-05-18,10:00',
    'w0,W,2024-04-05,phone,promise_to_pay,n1,north-1,110.00,2024-06-10,10:00',
    'w1,W,2024-04-10,phone,promise_to_pay,n1,north-1,110.00,2024-04-20,10:00',
  ],
};

// every mid-stage case is worked by the collection team whatever its grade: the actions below are known
const strategy: StrategyTable = {
  rules: [
    ...defaultStrategyTable.rules.filter((r) => r.stage !== 'mid'),
    { stage: 'mid', grades: ['A', 'B', 'C', 'D', 'E'], action: 'call_collection_team' },
  ],
};

describe('case list on hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let cases: Map<string, Case>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('case_hand', files, '2024-05-31');
    const list = await buildCaseList(wh, { asOf: '2024-05-20', settings: defaultSettings, strategy, champion: null });
    cases = new Map(list.map((c) => [c.loan_id, c]));
  });
  afterAll(() => disposeIfOpened(wh));

  it('every hand-built loan is a mid-stage case', () => {
    expect([...cases.keys()].sort()).toEqual(ids);
    for (const c of cases.values()) expect(c).toMatchObject({ stage: 'mid', dpd: 35 });
  });

  it("a case's last three contacts are its latest by date, time of day (an unrecorded time first) and id, latest first; its team is the latest's", () => {
    const t = cases.get('T')!;
    // by id the three would be t4, t3, t2 (and the team t4's north-1)
    expect(t.last_contacts).toEqual([
      { date: '2024-05-17', channel: 'phone', outcome: 'contacted' },
      { date: '2024-05-17', channel: 'phone', outcome: 'refused' },
      { date: '2024-05-17', channel: 'sms', outcome: 'no_contact' },
    ]);
    expect(t.team).toBe('north-2');
  });

  it('a broken promise escalates the case, unless the loan has made a newer promise that is still open on the date', () => {
    const y = cases.get('Y')!;
    expect(y).toMatchObject({ action: 'visit', escalated_from: 'call_collection_team' });
    expect(y.reasons.at(-1)).toBe('broken promise (y1, deadline 2024-04-23): call_collection_team → visit');
    // the same loan with a fresh promise (x2, due 05-25) made after the broken one: the table's action, no reason line
    const x = cases.get('X')!;
    expect(x).toMatchObject({ action: 'call_collection_team', escalated_from: '' });
    expect(x.reasons.some((r) => r.includes('promise'))).toBe(false);
    expect(x.open_promises).toEqual([{ date: '2024-05-25', amount: 110 }]);
    // open until its deadline (promised date + 3 days), not only until its promised date
    const z = cases.get('Z')!;
    expect(z).toMatchObject({ action: 'call_collection_team', escalated_from: '', open_promises: [] });
    // an open promise made before the broken one does not hold it back
    const w = cases.get('W')!;
    expect(w).toMatchObject({ action: 'visit', escalated_from: 'call_collection_team' });
    expect(w.reasons.at(-1)).toBe('broken promise (w1, deadline 2024-04-23): call_collection_team → visit');
    expect(w.open_promises).toEqual([{ date: '2024-06-10', amount: 110 }]);
    // the cases the escalation waited on pass their action through the contact rules too
    expect(y).toMatchObject({ action_blocked_by: '', next_allowed_at: '2024-05-20 09:00' });
    expect(x).toMatchObject({ action_blocked_by: '', next_allowed_at: '2024-05-20 08:00' });
  });
});
