import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { runIncentives } from '../../../bin/commands/incentives.ts';
import type { Output } from '../../../bin/cli/output.ts';
import type { IssuedIncentives } from '../../../pipelines/collections/incentives/read.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { warehouseWithFiles } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/*
 * Five hand-built loans, six instalments of 100.00 + 10.00 due on the 15th from 2024-01-15; the
 * month issued is 2024-06 under the default scheme (early 1%, mid 2.5%, late 5%, WO 8%; cure from
 * M2 200.00):
 *   A (east) misses April and May, pays 330.00 on 06-10 (DPD 56 before it: mid, M2) after agent
 *     ag-east-1's contact on 06-01, and is paid off at 06-30 (M2 at 05-31): commission 8.25 + cure 200,
 *     less 50.00 for that call's breach of the contact hours (23:30);
 *   B (east) pays every instalment on its day: no recovery, whoever called;
 *   C (south) is charged off on 04-20 and pays 200.00 on 06-12 after ag-south-1's promise of 06-02:
 *     recovery, WO, 8%: 16.00; the promise is kept (1 of 1);
 *   D (south) pays 50.00 on 06-20 (DPD 126: late, M5); its last contact is the agency AG01's on 06-18 (ag-south-1 called
 *     on 06-05): the agency's;
 *   E (east) misses May and pays it on 06-03 (DPD 19, early) with no contact: unattributed.
 */
const ids = ['A', 'B', 'C', 'D', 'E'];
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const paid: Record<string, [string, string][]> = {
  A: [...due.slice(0, 3).map((d): [string, string] => [d, '110.00']), ['2024-06-10', '330.00']],
  B: due.map((d): [string, string] => [d, '110.00']),
  C: [
    ['2024-01-15', '110.00'],
    ['2024-06-12', '200.00'],
  ],
  D: [
    ['2024-01-15', '110.00'],
    ['2024-06-20', '50.00'],
  ],
  E: [...due.slice(0, 4).map((d): [string, string] => [d, '110.00']), ['2024-06-03', '110.00']],
};
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2023-12-15,600.00,0.2,6,${'CD'.includes(id) ? 'south' : 'east'},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...ids.flatMap((id) => (paid[id] ?? []).map(([d, a], i) => `${id}-P${i},${id},${d},${a}`)),
  ],
  'loan_events.csv': ['event_id,loan_id,event_date,type,amount', 'C-CO,C,2024-04-20,charge_off,500.00'],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date,action_time',
    // a call at 23:30 breaks the contact hours (08:00–21:00): one deduction
    'A-1,A,2024-06-01,phone,contacted,ag-east-1,east-mid,,,23:30',
    'B-1,B,2024-06-05,phone,contacted,ag-east-1,east-mid,,,10:00',
    'C-1,C,2024-06-02,visit,promise_to_pay,ag-south-1,south-late,200.00,2024-06-12,11:00',
    'D-1,D,2024-06-05,phone,contacted,ag-south-1,south-late,,,10:30',
    // an agency's call at night is the agency's breach, not deducted from an agent
    'D-2,D,2024-06-18,agency,contacted,AG01,agency,,,22:00',
    // a contact that reached nobody earns nothing
    'E-1,E,2024-06-01,phone,no_contact,ag-east-2,east-early,,,10:00',
  ],
};

const capture = () => {
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
  return { out, text: () => text };
};

describe('incentives: the CLI issues a month, the route shows it, a collector sees only his own', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys = { admin: '', east: '', noAgent: '', auditor: '' };
  const flags = {
    month: '2024-06',
    scheme: undefined,
    'contact-rules': undefined,
    agent: undefined,
    evidence: false,
    list: false,
    format: 'json' as 'json' | 'csv' | 'table',
  };

  beforeAll(async () => {
    wh = await warehouseWithFiles('incentives', files, '2024-06-30', defaultSettings);
    app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 100_000,
      anonRateLimitPerMinute: 100_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
    keys.admin = (await createApiKey(wh, { role: 'admin' })).key;
    keys.auditor = (await createApiKey(wh, { role: 'auditor' })).key;
    keys.east = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-east-1' })).key;
    keys.noAgent = (await createApiKey(wh, { role: 'collector', region: 'east' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  const get = (path: string, key: string, accept?: string) =>
    app.request(path, { headers: { authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) } });

  it('the CLI computes, stores and prints the month: commission by stage at the payment, cure, recovery, attribution', async () => {
    const c = capture();
    await runIncentives(wh, loadConfig({}), c.out, flags);
    const r = JSON.parse(c.text()) as IssuedIncentives;
    expect(r.attribution_days).toBe(30);
    expect(r.attribution_rule).toContain('last contact');
    expect(r.agents.map((a) => [a.agent, a.team, a.recovered, a.commission, a.cures, a.cure_bonus, a.award])).toEqual([
      ['ag-east-1', 'east-mid', 330, 8.25, 1, 200, 158.25],
      ['ag-south-1', 'south-late', 200, 16, 0, 0, 16],
    ]);
    expect(r.agents[1]).toMatchObject({ promises: 1, kept_promises: 1, kept_rate: 1, multiplier: 1 });
    expect(r.teams.map((t) => [t.team, t.award])).toEqual([
      ['east-mid', 158.25],
      ['south-late', 16],
    ]);
    expect(r.unattributed).toEqual([
      { reason: 'agency', payments: 1, amount: 50 },
      { reason: 'no_contact', payments: 1, amount: 110 },
    ]);

    const ev = capture();
    await runIncentives(wh, loadConfig({}), ev.out, { ...flags, list: true, evidence: true });
    const lines = (JSON.parse(ev.text()) as IssuedIncentives).evidence!;
    expect(
      lines.filter((l) => l.kind === 'commission').map((l) => [l.ref_id, l.action_id, l.stage, l.bucket, l.rate]),
    ).toEqual([
      ['A-P3', 'A-1', 'mid', 'M2', 0.025],
      ['C-P1', 'C-1', 'late', 'WO', 0.08],
    ]);
    expect(lines.find((l) => l.kind === 'cure_bonus')).toMatchObject({ loan_id: 'A', bucket: 'M2', value: 200 });
    expect(
      lines.filter((l) => l.kind === 'deduction').map((l) => [l.agent_id, l.action_id, l.ref_id, l.value]),
    ).toEqual([['ag-east-1', 'A-1', 'A-1:hours', -50]]);
    expect(lines.filter((l) => l.kind === 'unattributed').map((l) => [l.loan_id, l.stage, l.bucket, l.note])).toEqual([
      ['E', 'early', 'M1', 'no_contact'],
      ['D', 'late', 'M5', 'agency AG01'],
    ]);
    // every agent's evidence adds up to his award
    for (const a of r.agents)
      expect(lines.filter((l) => l.agent_id === a.agent).reduce((s, l) => s + Math.round(l.value * 100), 0)).toBe(
        Math.round(a.award * 100),
      );

    const csv = capture();
    await runIncentives(wh, loadConfig({}), csv.out, { ...flags, list: true, format: 'csv' });
    expect(csv.text().split('\n')[0]).toBe(
      'team,agent,payments,recovered,commission,cures,cure_bonus,promises,kept_promises,kept_rate,multiplier,multiplier_effect,cap_reduction,breaches,deductions,floor,award',
    );
    // amounts to the cent (recovered, commission, cure bonus, multiplier effect, cap reduction, deductions, floor, award)
    expect(csv.text()).toContain('east-mid,ag-east-1,1,330.00,8.25,1,200.00,0,0,,1,0.00,0.00,1,-50.00,0.00,158.25');
  });

  it('the route: admin sees every award (JSON and CSV), the same rows the CLI printed', async () => {
    const r = await get('/v1/incentives?month=2024-06&evidence=true', keys.admin);
    expect(r.status).toBe(200);
    const body = (await r.json()) as IssuedIncentives;
    expect(body.agents.map((a) => [a.agent, a.award])).toEqual([
      ['ag-east-1', 158.25],
      ['ag-south-1', 16],
    ]);
    expect(body.unattributed?.length).toBe(2);
    expect(body.evidence?.some((e) => e.agent_id === '')).toBe(true);
    const csv = await get('/v1/incentives?month=2024-06', keys.admin, 'text/csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).trim().split('\n')).toHaveLength(3);
  });

  it("a collector sees only his own agent's award and evidence, whatever agent he asks for", async () => {
    for (const q of ['', '&agent=ag-south-1']) {
      const r = await get(`/v1/incentives?month=2024-06&evidence=true${q}`, keys.east);
      expect(r.status).toBe(200);
      const body = (await r.json()) as IssuedIncentives;
      expect(body.agents.map((a) => a.agent)).toEqual(['ag-east-1']);
      expect(body.teams).toEqual([]);
      expect(body.unattributed).toBeUndefined();
      expect(new Set(body.evidence?.map((e) => e.agent_id))).toEqual(new Set(['ag-east-1']));
    }
    const csv = await (await get('/v1/incentives?month=2024-06&evidence=true', keys.east, 'text/csv')).text();
    expect(csv).not.toContain('ag-south-1');
    expect(csv).not.toContain(',C,');
  });

  it('a collector key without an agent, another role, a month not issued and a bad month are refused', async () => {
    expect((await get('/v1/incentives?month=2024-06', keys.noAgent)).status).toBe(403);
    expect((await get('/v1/incentives?month=2024-06&evidence=true', keys.noAgent)).status).toBe(403);
    expect((await get('/v1/incentives?month=2024-05', keys.noAgent)).status).toBe(404);
    expect((await get('/v1/incentives?month=2024-06', keys.auditor)).status).toBe(403);
    const missing = await get('/v1/incentives?month=2024-05', keys.admin);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toContain('loanwatch incentives --month 2024-05');
    expect((await get('/v1/incentives?month=2024-13', keys.admin)).status).toBe(400);
    await expect(createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'nobody' })).rejects.toThrow(
      /unknown agent/u,
    );
    await expect(createApiKey(wh, { role: 'admin', agent_id: 'ag-east-1' })).rejects.toThrow(/only a collector/u);
    // the key's agent decides whose evidence it reads: one of another region or team would widen its scope
    await expect(createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-south-1' })).rejects.toThrow(
      'agent "ag-south-1" does not work in region "east": its agents are ag-east-1',
    );
    await expect(
      createApiKey(wh, { role: 'collector', region: 'south', team: 'south-late', agent_id: 'ag-east-1' }),
    ).rejects.toThrow('agent "ag-east-1" does not work in team "south-late" of region "south"');
    const mine = await createApiKey(wh, { role: 'collector', region: 'east', team: 'east-mid', agent_id: 'ag-east-1' });
    expect(mine.key).toMatch(/^lw_/u);
  });
});
