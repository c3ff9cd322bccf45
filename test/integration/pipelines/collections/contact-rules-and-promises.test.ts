// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own (zod 4 extends instances as they are made)
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactCompliance, contactRuleBreaches } from '../../../../pipelines/collections/contact-compliance.ts';
import { listPromises, recentUnkeptPromises } from '../../../../pipelines/collections/promises.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { buildCaseList, casesCsv } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { runPromises } from '../../../../bin/commands/promises.ts';
import { runContactCompliance } from '../../../../bin/commands/contact-compliance.ts';
import type { Output } from '../../../../bin/cli/output.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened, tmpDir } from '../../../helpers/warehouse.ts';
import {
  assertListedLoansKnown,
  defaultContactRules,
  parseContactRules,
} from '../../../../pipelines/collections/contact-rules-config.ts';
import { assignExperiment, parseExperiment } from '../../../../pipelines/cases/experiment.ts';
import { contactDecider, loadLoanContacts } from '../../../../pipelines/cases/contact-filter.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

  it('each promise state with the amount paid against it, by hand', async () => {
    const rows = await listPromises(wh, { asOf: '2024-05-20' });
    expect(rows.map((r) => [r.action_id, r.status, r.promised_amount, r.paid_amount, r.days_late, r.deadline])).toEqual(
      [
        ['a1', 'broken', 110, 0, null, '2024-04-23'],
        ['b1', 'kept', 100, 100, 1, '2024-04-28'],
        ['b2', 'partial', 150, 100, null, '2024-05-03'],
        ['c1', 'kept', 220, 220, 3, '2024-05-04'],
        ['d1', 'partial', 110, 109.99, null, '2024-05-04'],
        ['f1', 'open', 100, 0, null, '2024-05-23'],
        ['e1', 'open', 110, 50, null, '2024-05-28'],
      ],
    );
    // the day before c1's deadline it is still open, with nothing paid yet
    const before = await listPromises(wh, { asOf: '2024-05-03' });
    expect(before.find((r) => r.action_id === 'c1')).toMatchObject({ status: 'open', paid_amount: 0 });
    expect(before.find((r) => r.action_id === 'd1')).toMatchObject({ status: 'open', paid_amount: 109.99 });
    // due today, and a grace of 0 days: c1's payment on 05-04 comes 3 days after its date
    expect((await listPromises(wh, { asOf: '2024-05-20', due: 'today' })).map((r) => r.action_id)).toEqual(['f1']);
    expect(
      (await listPromises(wh, { asOf: '2024-05-20', graceDays: 0 })).find((r) => r.action_id === 'c1'),
    ).toMatchObject({
      status: 'broken',
      paid_amount: 0,
    });
    expect(
      (await listPromises(wh, { asOf: '2024-05-20', region: ['south'], status: ['open'] })).map((r) => r.action_id),
    ).toEqual(['f1', 'e1']);
    // the data ends 05-18 (F's complaint): on 05-25, f1's deadline 05-23 has passed, but the payments
    // of its window after 05-18 are not loaded — open, not broken; the deadlines before 05-18 judged as ever
    const pastTheData = await listPromises(wh, { asOf: '2024-05-25' });
    expect(pastTheData.map((r) => [r.action_id, r.status])).toEqual([
      ['a1', 'broken'],
      ['b1', 'kept'],
      ['b2', 'partial'],
      ['c1', 'kept'],
      ['d1', 'partial'],
      ['f1', 'open'],
      ['e1', 'open'],
    ]);
  });

  it('recent unkept promises from the snapshot’s facts equal the lifecycle run over the payments', async () => {
    let found = 0;
    for (const asOf of ['2024-04-24', '2024-04-26', '2024-05-01', '2024-05-04', '2024-05-20', '2024-05-31']) {
      for (const states of [['broken'], ['broken', 'partial'], ['partial', 'kept']] as const) {
        for (const lookbackDays of [7, 30]) {
          const o = { asOf, lookbackDays, graceDays: 3, states };
          const fromFacts = await recentUnkeptPromises(wh, { ...o, factsFresh: true });
          expect([...fromFacts], `${asOf} ${states.join()} ${lookbackDays}`).toEqual([
            ...(await recentUnkeptPromises(wh, o)),
          ]);
          found += fromFacts.size;
        }
      }
    }
    // the overlapping promises of B (one kept, one partial) and the one-cent shortfall of D are among them
    expect(found).toBeGreaterThan(20);
    const may = await recentUnkeptPromises(wh, {
      asOf: '2024-05-20',
      lookbackDays: 30,
      graceDays: 3,
      states: ['partial'],
      factsFresh: true,
    });
    expect(Object.fromEntries([...may].map(([id, p]) => [id, p.status]))).toEqual({ B: 'partial', D: 'partial' });
  });

  it('the promises metric: states, kept rate by count and amount, days late; the collections metric agrees', async () => {
    // at the month-end e1 (deadline 05-28, 50.00 paid) is partial and f1 (05-23) broken
    const r = await runMetric(wh, 'promises', { as_of: '2024-05-31', group_by: ['team'] });
    expect(
      r.rows.map((x) => [
        x.team,
        x.promises,
        x.kept,
        x.partial,
        x.broken,
        x.open,
        x.kept_rate,
        x.kept_amount_rate,
        x.paid_rate,
        x.avg_days_late,
      ]),
    ).toEqual([
      ['north-1', 4, 2, 1, 1, 0, 0.5, 320 / 580, 420 / 580, 2],
      ['south-1', 3, 0, 2, 1, 0, 0, 0, 159.99 / 320, null],
    ]);
    // the collections metric's kept rate is the lifecycle's: b2 is not kept by the payment b1 took (it was, counted twice)
    const c = await runMetric(wh, 'collections', { as_of: '2024-05-31', group_by: ['team'] });
    expect(c.rows.map((x) => [x.team, x.matured_promises, x.kept_promises, x.promise_kept_rate])).toEqual([
      ['north-1', 4, 2, 0.5],
      ['south-1', 3, 0, 0],
    ]);
  });

  it('the case list: the recommended action through the contact rules, flat in the CSV', async () => {
    const cases = await buildCaseList(wh, {
      asOf: '2024-05-20',
      settings: defaultSettings,
      // late loans visited whatever their grade, so A's escalation is known: visit → legal action
      strategy: {
        rules: [
          ...defaultStrategyTable.rules.filter((r) => r.stage !== 'late'),
          { stage: 'late', grades: ['A', 'B', 'C', 'D', 'E'], action: 'visit' },
        ],
      },
      champion: null,
    });
    // A broke a1 (deadline 04-23, within the 30 days before the date): one rung up the ladder; D's partial d1 does not escalate
    expect(cases.find((c) => c.loan_id === 'A')).toMatchObject({
      stage: 'late',
      action: 'legal_action',
      escalated_from: 'visit',
      action_blocked_by: '',
      next_allowed_at: '2024-05-20 09:00',
    });
    expect(cases.find((c) => c.loan_id === 'A')!.reasons.at(-1)).toBe(
      'broken promise (a1, deadline 2024-04-23): visit → legal_action',
    );
    const f = cases.find((c) => c.loan_id === 'F')!;
    // F complained on 05-18: both early-stage actions are personal contacts, stopped until 05-26
    expect(f).toMatchObject({
      stage: 'early',
      action_blocked_by: 'cooling_off_complaint',
      next_allowed_at: '2024-05-26 08:00',
      allowed_action: '',
    });
    const d = cases.find((c) => c.loan_id === 'D')!;
    expect(d).toMatchObject({ stage: 'mid', escalated_from: '' });
    // D withdrew consent to phone calls: a call is blocked until an event lifts it; the stage's other action (a visit) is offered
    if (d.action === 'call_collection_team')
      expect(d).toMatchObject({ action_blocked_by: 'consent', next_allowed_at: '', allowed_action: 'visit' });
    else
      expect(d).toMatchObject({
        action: 'visit',
        action_blocked_by: '',
        next_allowed_at: '2024-05-20 09:00',
        allowed_action: 'visit',
      });
    const csv = casesCsv(cases).split('\n');
    expect(csv[0]).toContain(',action,escalated_from,action_blocked_by,next_allowed_at,allowed_action,');
    expect(csv.find((l) => l.includes(',F,'))).toContain(',cooling_off_complaint,2024-05-26 08:00,,');
  });

  it("an experiment's challenger arm passes its own table's action through the same contact rules", async () => {
    const cases = await buildCaseList(wh, {
      asOf: '2024-05-20',
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: null,
    });
    const visits = {
      rules: (['early', 'mid', 'late', 'watch'] as const).map((stage) => ({
        stage,
        grades: ['A', 'B', 'C', 'D', 'E'],
        action: 'visit',
      })),
    };
    const e = parseExperiment({
      name: 'visits',
      arms: [
        { name: 'control', weight: 0.001 },
        { name: 'visit-first', weight: 1000, strategy: visits },
      ],
    });
    const assigned = assignExperiment(
      e,
      cases,
      defaultStrategyTable,
      contactDecider(defaultContactRules, '2024-05-20', await loadLoanContacts(wh, defaultContactRules, '2024-05-20')),
    );
    const of = (id: string) => assigned.find((c) => c.loan_id === id)!;
    // B is under a do-not-contact hold (dispute, 05-01); F complained on 05-18: a visit is blocked for both
    expect(of('B')).toMatchObject({
      arm: 'visit-first',
      action: 'visit',
      action_blocked_by: 'do_not_contact',
      allowed_action: '',
    });
    expect(of('F')).toMatchObject({ arm: 'visit-first', action: 'visit', action_blocked_by: 'cooling_off_complaint' });
  });

  it('GET /v1/promises and /v1/contact-compliance: a collector sees his region and team, his own breaches; admin and auditor all', async () => {
    const app = unthrottledApp(wh);
    const key = async (o: Parameters<typeof createApiKey>[1]) => (await createApiKey(wh, o)).key;
    const admin = await key({ role: 'admin' });
    const auditor = await key({ role: 'auditor' });
    const north = await key({ role: 'collector', region: 'north', team: 'north-1' });
    const south = await key({ role: 'collector', region: 'south' });
    const get = (path: string, k: string, accept?: string) =>
      app.request(path, { headers: { authorization: `Bearer ${k}`, ...(accept ? { accept } : {}) } });
    const ids = async (r: Response) => {
      expect(r.status, await r.clone().text()).toBe(200);
      return ((await r.json()) as { promises: { action_id: string }[] }).promises.map((p) => p.action_id);
    };
    expect(await ids(await get('/v1/promises?as_of=2024-05-20', admin))).toEqual([
      'a1',
      'b1',
      'b2',
      'c1',
      'd1',
      'f1',
      'e1',
    ]);
    // the north collector asks for the south region: his key's region and team apply
    expect(await ids(await get('/v1/promises?as_of=2024-05-20&region=south', north))).toEqual(['a1', 'b1', 'b2', 'c1']);
    expect(await ids(await get('/v1/promises?as_of=2024-05-20&status=open&due=today', south))).toEqual(['f1']);
    expect((await get('/v1/promises?as_of=2024-05-20', auditor)).status).toBe(403);
    expect((await get('/v1/promises?as_of=2024-05-20&status=late', admin)).status).toBe(400);
    const csv = await (await get('/v1/promises?as_of=2024-05-20&status=kept', admin, 'text/csv')).text();
    expect(csv.endsWith(',3\n')).toBe(true);
    expect(csv.slice(0, -1).split('\n')).toEqual([
      'action_id,loan_id,region,product,team,agent_id,channel,stage,action_date,promised_date,deadline,promised_amount,paid_amount,status,kept_on,days_late',
      expect.stringMatching(
        /^b1,B,north,consumer,north-1,n1,phone,\w+,2024-04-20,2024-04-25,2024-04-28,100.00,100.00,kept,2024-04-26,1$/,
      ),
      expect.stringMatching(
        /^c1,C,north,consumer,north-1,n1,phone,\w+,2024-04-20,2024-05-01,2024-05-04,220.00,220.00,kept,2024-05-04,3$/,
      ),
    ]);

    // the north collector records a call at 22:00 through the API: his own, and a breach of the hours
    const posted = await app.request('/v1/collection-actions', {
      method: 'POST',
      headers: { authorization: `Bearer ${north}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action_id: 'late-call',
        loan_id: 'C',
        action_date: '2024-05-14',
        action_time: '22:00',
        channel: 'phone',
        outcome: 'no_contact',
      }),
    });
    expect(posted.status, await posted.clone().text()).toBe(201);
    expect(((await posted.json()) as { action: { action_time: string } }).action.action_time).toBe('22:00');
    const breaches = async (k: string) => {
      const r = await get('/v1/contact-compliance?from=2024-05-01&to=2024-05-31', k);
      expect(r.status, await r.clone().text()).toBe(200);
      return ((await r.json()) as { breaches: { action_id: string; rule: string }[] }).breaches.map(
        (b) => `${b.action_id}:${b.rule}`,
      );
    };
    const all = [
      'a2:hours',
      'a4:min_gap',
      'a5:cooling_off_refused',
      'b3:do_not_contact',
      'd2:consent',
      'late-call:hours',
    ];
    expect(await breaches(admin)).toEqual(all);
    expect(await breaches(auditor)).toEqual(all);
    expect(await breaches(north)).toEqual(['late-call:hours']);
    expect(await breaches(south)).toEqual([]);
    expect((await get('/v1/contact-compliance?from=2024-05-31&to=2024-05-01', admin)).status).toBe(400);
  });

  it('a do-not-contact list entry pasted with a space still blocks the case; an id matching no loan is refused', async () => {
    const entry = { reason: 'dispute', from: '2024-05-01' };
    const contactRules = parseContactRules({ do_not_contact: { list: [{ ...entry, loan_id: 'A ' }] } });
    await assertListedLoansKnown(wh, contactRules);
    const cases = await buildCaseList(wh, {
      asOf: '2024-05-20',
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: null,
      contactRules,
    });
    expect(cases.find((c) => c.loan_id === 'A')).toMatchObject({
      action_blocked_by: 'do_not_contact',
      allowed_action: '',
    });
    const file = join(tmpDir('dnc'), 'rules.json');
    writeFileSync(file, JSON.stringify({ do_not_contact: { list: [{ ...entry, loan_id: 'AX' }] } }));
    const out: Output = { line: () => undefined, write: () => Promise.resolve() };
    await expect(
      runContactCompliance(wh, out, {
        from: '2024-05-01',
        to: '2024-05-31',
        team: undefined,
        agent: undefined,
        rules: file,
        format: 'csv',
      }),
    ).rejects.toThrow(`contact rules ${file}: do_not_contact.list: unknown loan "AX"`);
  });

  it('the CLI: promises and contact-compliance as table, CSV and JSON', async () => {
    let text = '';
    const out: Output = {
      line: (s) => {
        text += `${s}\n`;
      },
      write: (s) => {
        text += s;
        return Promise.resolve();
      },
    };
    const flags = {
      'as-of': '2024-05-20',
      'grace-days': 3,
      format: 'table' as const,
      status: undefined,
      due: undefined,
      region: undefined,
      team: undefined,
      agent: undefined,
    };
    const window = { from: '2024-05-01', to: '2024-05-31', team: undefined, agent: undefined, rules: undefined };
    await runPromises(wh, out, { ...flags, status: ['partial'] });
    expect(text).toMatch(
      /│ D +│ d1 +│ south-1 +│ s1 +│ phone +│ 2024-04-20 │ 2024-05-01 │ 2024-05-04 │ +110\.00 │ +109\.99 │ partial │/,
    );
    text = '';
    await runPromises(wh, out, { ...flags, due: 'today', format: 'json' });
    expect(
      (JSON.parse(text) as { action_id: string; paid_amount: number }[]).map((r) => [r.action_id, r.paid_amount]),
    ).toEqual([['f1', 0]]);
    text = '';
    await runContactCompliance(wh, out, { ...window, format: 'table' });
    expect(text).toMatch(/│ north-1 │ n1 +│ +6 │ +4 │ +4 │/);
    expect(text).toContain('phone at 07:30 on mon: allowed 08:00–21:00');
    text = '';
    await runContactCompliance(wh, out, { ...window, team: ['south-1'], format: 'csv' });
    expect(text.trim().split('\n')).toEqual([
      'action_date,action_id,loan_id,team,agent_id,channel,rule,detail',
      '2024-05-09,d2,D,south-1,s1,phone,consent,consent to phone withdrawn on 2024-05-02',
    ]);
  });
});
