import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { listWarnings, warningKey } from '../../../../pipelines/warnings/list-warnings.ts';
import { parseWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { queryRows } from '../../../../warehouse/connection.ts';

/*
 * Crafted book: six monthly installments of 100.00 principal + 10.00 interest due on the 15th
 * from 2024-01-15. As of 2024-05-20 (last month-end 04-30, previous 03-31):
 *   A pays nothing: overdue at every month-end (streak 4), 550.00 overdue on the date;
 *   B pays every installment on its due date and keeps its promise;
 *   C pays Jan–Mar, misses April (streak 1, 220.00 overdue) and breaks a promise settling 05-13;
 *   D pays on time and has a promise not yet due (settles after the date).
 */
const ids = ['A', 'B', 'C', 'D'];
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2023-12-15,600.00,0.2,6,${id === 'A' ? 'south' : 'north'},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...['B', 'D'].flatMap((id) => due.slice(0, 5).map((d, i) => `${id}${i},${id},${d},110.00`)),
    ...due.slice(0, 3).map((d, i) => `C${i},C,${d},110.00`),
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date',
    'a1,A,2024-02-01,phone,promise_to_pay,ag1,south-1,110.00,2024-02-10', // broken long before the look-back window
    'b1,B,2024-04-20,phone,promise_to_pay,ag2,north-1,110.00,2024-05-15', // kept on 05-15
    'c1,C,2024-05-01,phone,promise_to_pay,ag2,north-1,110.00,2024-05-10', // broken: nothing paid by 05-13
    'd1,D,2024-05-18,sms,promise_to_pay,ag3,north-2,110.00,2024-05-25',
  ], // settles 05-28, after the date
};
const rules = parseWarningRules({
  rules: [
    { id: 'streak_3', kind: 'consecutive_overdue', months: 3, severity: 'critical' },
    { id: 'streak_1', kind: 'consecutive_overdue', months: 1 },
    { id: 'amount_300', kind: 'overdue_amount', limit: '300' },
    { id: 'score_025', kind: 'score_above', threshold: 0.25 },
    { id: 'jump_01', kind: 'score_jump', delta: 0.1 },
    { id: 'broken', kind: 'broken_promise', lookback_days: 30 },
  ],
});
const champion = { model_name: 'm', version: 1 } as ModelVersion;

describe('warning rules on crafted loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  const asOf = '2024-05-20';
  const fired = async (rule: string) => await listWarnings(wh, { asOf, filters: { rule: [rule] }, limit: 100 });

  beforeAll(async () => {
    wh = await warehouseWithFiles('warn', files, '2024-05-31');
    const score = (loan: string, me: string, p: number) => ({
      model_name: 'm',
      model_version: 1,
      loan_id: loan,
      month_end: me,
      probability: p,
      points: 0,
      grade: 'C',
      reasons: ['dpd_now'],
      scored_at: 0,
    });
    await wh.client.insert({
      table: `${wh.database}.scores`,
      format: 'JSONEachRow',
      values: [
        score('A', '2024-04-30', 0.5),
        score('A', '2024-03-31', 0.2),
        score('B', '2024-04-30', 0.05),
        score('B', '2024-03-31', 0.04),
        score('C', '2024-04-30', 0.3),
        score('C', '2024-03-31', 0.1),
        score('D', '2024-04-30', 0.02),
        score('D', '2024-03-31', 0.01),
        { ...score('B', '2024-04-30', 0.9), model_name: 'other' },
      ],
    }); // another model's score never fires
    const outcome = await fireWarnings(wh, { asOf, rules, settings: defaultSettings, champion });
    expect(Object.fromEntries(outcome.map((o) => [o.rule_id, o.fired]))).toEqual({
      streak_3: 1,
      streak_1: 2,
      amount_300: 1,
      score_025: 1,
      jump_01: 1,
      broken: 1,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('consecutive overdue months count month-ends back to the last one at DPD 0', async () => {
    const [a] = await fired('streak_3');
    expect(a).toMatchObject({
      loan_id: 'A',
      kind: 'consecutive_overdue',
      severity: 'critical',
      value: 4,
      threshold: 3,
      region: 'south',
      team: 'south-1',
    });
    expect(a!.evidence).toMatchObject({ month_end: '2024-04-30', months: 4 });
    expect((await fired('streak_1')).map((w) => [w.loan_id, w.value])).toEqual([
      ['A', 4],
      ['C', 1],
    ]);
  });

  it('overdue amount is principal plus interest overdue on the date, above the limit', async () => {
    const ws = await fired('amount_300');
    expect(ws.map((w) => [w.loan_id, w.value])).toEqual([['A', 550]]);
    expect(ws[0]!.evidence).toMatchObject({ overdue_principal: '500', overdue_interest: '50' });
  });

  it("scores: above a threshold and a jump since the previous month-end, for the champion only, in the model's population", async () => {
    // A scored 0.5 after 0.2, but past DPD 30 at the month-end (four months overdue): its score is no early warning
    const [a] = await queryRows<{ dpd: number }>(
      wh,
      `SELECT dpd FROM ${wh.database}.loan_month WHERE loan_id = 'A' AND month_end = '2024-04-30'`,
    );
    expect(a!.dpd).toBeGreaterThan(30);
    expect((await fired('score_025')).map((w) => [w.loan_id, w.value, w.model])).toEqual([['C', 0.3, 'm@1']]);
    const [j, ...others] = await fired('jump_01');
    expect(others).toEqual([]);
    expect(j).toMatchObject({ loan_id: 'C', threshold: 0.1 });
    expect(j!.value).toBeCloseTo(0.2, 12);
    expect(j!.evidence).toMatchObject({
      previous_month_end: '2024-03-31',
      previous_probability: 0.1,
      probability: 0.3,
    });
  });

  it('a broken promise fires once its grace has passed inside the look-back; kept and not-yet-due ones do not', async () => {
    const ws = await fired('broken');
    expect(ws.map((w) => w.loan_id)).toEqual(['C']);
    expect(ws[0]!.evidence).toMatchObject({
      action_id: 'c1',
      promised_date: '2024-05-10',
      promised_amount: '110',
      paid: '0',
    });
  });

  it('re-running a date replaces its warnings; rules without a champion say they were skipped', async () => {
    const before = await count(wh, 'warnings');
    const again = await fireWarnings(wh, { asOf, rules, settings: defaultSettings, champion: null });
    expect(again.find((o) => o.rule_id === 'score_025')).toMatchObject({
      fired: 0,
      skipped: expect.stringContaining('no champion') as string,
    });
    expect(await count(wh, 'warnings')).toBe(before - 2);
  });

  it('a date more than a week after the data ends is refused, nothing fired or replaced (every installment due since would read as unpaid)', async () => {
    const before = await count(wh, 'warnings');
    for (const late of ['2024-08-01', '2030-01-01'])
      await expect(fireWarnings(wh, { asOf: late, rules, settings: defaultSettings, champion })).rejects.toThrow(
        new RegExp(`^as_of ${late} is \\d+ days after the data's last day`, 'u'),
      );
    expect(await count(wh, 'warnings')).toBe(before);
  });

  it('lists a page after a key, filtered by region', async () => {
    const p1 = await listWarnings(wh, { asOf, limit: 2 });
    const p2 = await listWarnings(wh, { asOf, limit: 100, after: warningKey(p1[1]!) });
    const all = await listWarnings(wh, { asOf, limit: 100 });
    expect([...p1, ...p2]).toEqual(all);
    expect(
      (await listWarnings(wh, { asOf, limit: 100, filters: { region: ['south'] } })).every((w) => w.loan_id === 'A'),
    ).toBe(true);
    expect(await listWarnings(wh, { asOf, limit: 100, filters: { region: ["'; DROP TABLE warnings --"] } })).toEqual(
      [],
    );
  });
});
