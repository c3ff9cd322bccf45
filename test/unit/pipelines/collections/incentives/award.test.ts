import { describe, expect, it } from 'vitest';
import type { IncentiveContact } from '../../../../../pipelines/collections/incentives/attribution.ts';
import {
  computeAwards,
  type IncentiveCash,
  type IncentiveInputs,
  type IncentivePromise,
  type IncentiveResult,
} from '../../../../../pipelines/collections/incentives/award.ts';
import type { IncentiveBreach } from '../../../../../pipelines/collections/incentives/breaches.ts';
import { parseIncentiveScheme, type IncentiveScheme } from '../../../../../pipelines/collections/incentives/scheme.ts';
import { Rng } from '../../../../../lib/random.ts';

const scheme = (o: Partial<Record<keyof IncentiveScheme, unknown>> = {}): IncentiveScheme =>
  parseIncentiveScheme({
    attribution_days: 30,
    commission: { by_stage: { early: 0.01, mid: 0.03, late: 0.05 }, by_bucket: { 'M7+': 0.07, WO: 0.1 } },
    cure_bonus: { per_cure: 100, by_bucket: { M3: 300 } },
    multiplier: {
      promise_grace_days: 3,
      min_promises: 2,
      bands: [
        { from: 0, multiplier: 0.5 },
        { from: 0.5, multiplier: 1 },
        { from: 0.8, multiplier: 1.5 },
      ],
    },
    cap_per_agent_month: 100_000,
    deductions: { per_breach: 20, by_rule: { hours: 50 } },
    ...o,
  });

const contact = (id: string, loan: string, date: string, agent = 'a1', o: Partial<IncentiveContact> = {}) => ({
  action_id: id,
  loan_id: loan,
  action_date: date,
  channel: 'phone',
  agent_id: agent,
  team: `team-${agent}`,
  action_time: '',
  ...o,
});
const cash = (id: string, loan: string, date: string, amount: number, dpd: number, o: Partial<IncentiveCash> = {}) => ({
  cash_id: id,
  loan_id: loan,
  date,
  amount,
  source: 'payment' as const,
  dpd,
  charged_off: false,
  ...o,
});
const promise = (id: string, agent: string, amount: number, paid: number): IncentivePromise => ({
  action_id: id,
  loan_id: 'L9',
  agent_id: agent,
  team: `team-${agent}`,
  action_date: '2024-06-01',
  deadline: '2024-06-13',
  promised_amount: amount,
  paid,
});
const breach = (id: string, agent: string, rule: string): IncentiveBreach => ({
  breach_id: id,
  action_id: `act-${id}`,
  loan_id: 'L1',
  agent_id: agent,
  team: `team-${agent}`,
  date: '2024-06-03',
  rule,
});
const inputs = (o: Partial<IncentiveInputs>): IncentiveInputs => ({
  month: '2024-06',
  month_end: '2024-06-30',
  contacts: [],
  cash: [],
  cures: [],
  promises: [],
  breaches: [],
  ...o,
});
const agent = (r: IncentiveResult, id: string) => r.agents.find((a) => a.agent_id === id)!;
const cents = (x: number) => Math.round(x * 100);

/** every agent's evidence values add up to the award, and each team's award to its agents' */
function expectEvidenceAddsUp(r: IncentiveResult) {
  for (const a of r.agents) {
    const lines = r.evidence.filter((e) => e.agent_id === a.agent_id);
    expect(lines.reduce((s, e) => s + cents(e.value), 0)).toBe(cents(a.award));
    expect(a.award).toBeGreaterThanOrEqual(0);
    expect(lines.every((e) => e.team === a.team)).toBe(true);
  }
  for (const t of r.teams)
    expect(cents(t.award)).toBe(r.agents.filter((a) => a.team === t.team).reduce((s, a) => s + cents(a.award), 0));
}

describe('incentive award arithmetic', () => {
  it('commission by stage at the payment and bucket override: every DPD band and charge-off', () => {
    const cases: [number, boolean, string, string, number][] = [
      [1, false, 'early', 'M1', 0.01],
      [30, false, 'early', 'M1', 0.01],
      [31, false, 'mid', 'M2', 0.03],
      [90, false, 'mid', 'M3', 0.03],
      [91, false, 'late', 'M4', 0.05],
      [180, false, 'late', 'M6', 0.05],
      [181, false, 'late', 'M7+', 0.07],
      [400, true, 'late', 'WO', 0.1],
      [0, true, 'late', 'WO', 0.1],
    ];
    cases.forEach(([dpd, co, stage, bucket, rate], i) => {
      const r = computeAwards(
        inputs({
          contacts: [contact(`A${i}`, `L${i}`, '2024-06-01')],
          cash: [cash(`P${i}`, `L${i}`, '2024-06-10', 1234.56, dpd, { charged_off: co })],
        }),
        scheme(),
      );
      expect(r.evidence[0]).toMatchObject({ kind: 'commission', stage, bucket, rate, base: 1234.56 });
      expect(agent(r, 'a1').commission).toBe(Math.round(123456 * rate) / 100);
      expectEvidenceAddsUp(r);
    });
  });

  it('a payment on a current loan is no recovery: no commission, counted as current cash', () => {
    const r = computeAwards(
      inputs({ contacts: [contact('A1', 'L1', '2024-06-01')], cash: [cash('P1', 'L1', '2024-06-05', 500, 0)] }),
      scheme(),
    );
    expect(r.agents).toEqual([]);
    expect(r.current_cash).toBe(500);
  });

  it('agency, no-agent and no-contact payments are unattributed with their reason', () => {
    const r = computeAwards(
      inputs({
        contacts: [
          contact('G1', 'L1', '2024-06-01', 'AG01', { channel: 'agency', team: 'agency' }),
          contact('S1', 'L2', '2024-06-01', '', { channel: 'sms' }),
        ],
        cash: [
          cash('P1', 'L1', '2024-06-05', 100, 40),
          cash('P2', 'L2', '2024-06-05', 200, 10),
          cash('P3', 'L3', '2024-06-05', 300, 100),
        ],
      }),
      scheme(),
    );
    expect(r.agents).toEqual([]);
    expect(r.unattributed.map((u) => [u.cash_id, u.reason, u.by, u.stage])).toEqual([
      ['P1', 'agency', 'AG01', 'mid'],
      ['P2', 'no_agent', '', 'early'],
      ['P3', 'no_contact', '', 'late'],
    ]);
  });

  it("cash and a cure during an agency placement are the agency's: no in-house commission or cure bonus on them", () => {
    const r = computeAwards(
      inputs({
        contacts: [contact('A1', 'L1', '2024-06-02', 'a1'), contact('A2', 'L2', '2024-06-02', 'a1')],
        cash: [cash('P1', 'L1', '2024-06-05', 1000, 40), cash('P2', 'L2', '2024-06-05', 1000, 40)],
        cures: [{ loan_id: 'L1', month_end: '2024-06-30', from_bucket: 'M2' }],
        placements: [{ loan_id: 'L1', agency: 'AG03', from: '2024-05-27', to: '2024-08-24' }],
      }),
      scheme(),
    );
    // L1 placed with AG03: its payment is the agency's recovery (unattributed to agents, by AG03), its cure no agent's
    expect(r.unattributed.map((u) => [u.cash_id, u.reason, u.by])).toEqual([['P1', 'agency', 'AG03']]);
    expect(agent(r, 'a1')).toMatchObject({ payments: 1, recovered: 1000, cures: 0, cure_bonus: 0 });
    expectEvidenceAddsUp(r);
  });

  it('two agents on one loan: each payment to the contact before it, never both', () => {
    const r = computeAwards(
      inputs({
        contacts: [contact('A1', 'L1', '2024-05-28', 'a1'), contact('A2', 'L1', '2024-06-12', 'a2')],
        cash: [cash('P1', 'L1', '2024-06-05', 1000, 20), cash('P2', 'L1', '2024-06-15', 1000, 20)],
      }),
      scheme(),
    );
    expect(agent(r, 'a1')).toMatchObject({ payments: 1, recovered: 1000, commission: 10 });
    expect(agent(r, 'a2')).toMatchObject({ payments: 1, recovered: 1000, commission: 10 });
    expectEvidenceAddsUp(r);
  });

  it('cure bonus per cured loan, by the bucket it cured from, to the contact within N days of the month-end', () => {
    const r = computeAwards(
      inputs({
        contacts: [
          contact('A1', 'L1', '2024-06-20'),
          contact('A2', 'L2', '2024-06-25'),
          contact('A3', 'L3', '2024-05-01'),
        ],
        cures: [
          { loan_id: 'L1', month_end: '2024-06-30', from_bucket: 'M1' },
          { loan_id: 'L2', month_end: '2024-06-30', from_bucket: 'M3' },
          // its contact is 60 days before the month-end: nobody's cure
          { loan_id: 'L3', month_end: '2024-06-30', from_bucket: 'M1' },
        ],
      }),
      scheme(),
    );
    expect(agent(r, 'a1')).toMatchObject({ cures: 2, cure_bonus: 400, award: 400 });
    expectEvidenceAddsUp(r);
  });

  it('multiplier bands at their boundaries, and 1 below the minimum number of promises', () => {
    // rate → multiplier with bands 0: 0.5, 0.5: 1, 0.8: 1.5
    const expected: [number, number, number][] = [
      [0, 10, 0.5],
      [4, 10, 0.5],
      [5, 10, 1],
      [7, 10, 1],
      [8, 10, 1.5],
      [10, 10, 1.5],
      [0, 1, 1],
      [1, 1, 1],
    ];
    for (const [kept, n, m] of expected) {
      const promises = Array.from({ length: n }, (_, i) => promise(`Q${i}`, 'a1', 100, i < kept ? 100 : 99.99));
      const r = computeAwards(
        inputs({
          contacts: [contact('A1', 'L1', '2024-06-01')],
          cash: [cash('P1', 'L1', '2024-06-10', 10_000, 10)],
          promises,
        }),
        scheme(),
      );
      const a = agent(r, 'a1');
      expect([a.kept_promises, a.promises, a.multiplier]).toEqual([kept, n, m]);
      expect(a.multiplier_effect).toBe(100 * m - 100);
      expect(a.award).toBe(100 * m);
      expectEvidenceAddsUp(r);
    }
  });

  it('a promise without an amount is kept when anything was paid; agencies have no promises here', () => {
    const r = computeAwards(
      inputs({
        promises: [
          { ...promise('Q1', 'a1', 0, 1), promised_amount: null },
          { ...promise('Q2', 'a1', 0, 0), promised_amount: null },
        ],
      }),
      scheme(),
    );
    expect(agent(r, 'a1')).toMatchObject({ promises: 2, kept_promises: 1, kept_rate: 0.5 });
  });

  it('the monthly cap: at the cap unchanged, above it cut to it, and the cut is an evidence line', () => {
    for (const amount of [99_999.99, 100_000, 100_000.01, 250_000]) {
      // commission 100% of an early payment, so gross = amount
      const s = scheme({
        commission: { by_stage: { early: 1, mid: 0, late: 0 }, by_bucket: {} },
        cap_per_agent_month: 100_000,
      });
      const r = computeAwards(
        inputs({ contacts: [contact('A1', 'L1', '2024-06-01')], cash: [cash('P1', 'L1', '2024-06-10', amount, 5)] }),
        s,
      );
      const a = agent(r, 'a1');
      expect(a.award).toBe(Math.min(amount, 100_000));
      expect(a.cap_reduction).toBe(amount > 100_000 ? Math.round((100_000 - amount) * 100) / 100 : 0);
      expect(r.evidence.some((e) => e.kind === 'cap')).toBe(amount > 100_000);
      expect(r.teams[0]!.agents_capped).toBe(amount > 100_000 ? 1 : 0);
      expectEvidenceAddsUp(r);
    }
  });

  it('deductions per breach (a rule of its own amount), after the cap, never below zero', () => {
    const r = computeAwards(
      inputs({
        contacts: [contact('A1', 'L1', '2024-06-01', 'a1'), contact('A2', 'L2', '2024-06-01', 'a2')],
        cash: [cash('P1', 'L1', '2024-06-10', 10_000, 5), cash('P2', 'L2', '2024-06-10', 1_000, 5)],
        breaches: [
          breach('B1', 'a1', 'daily_cap'),
          breach('B2', 'a1', 'hours'),
          breach('B3', 'a2', 'hours'),
          breach('B4', 'a3', 'daily_cap'),
        ],
      }),
      scheme(),
    );
    expect(agent(r, 'a1')).toMatchObject({ commission: 100, breaches: 2, deductions: -70, floor: 0, award: 30 });
    expect(agent(r, 'a2')).toMatchObject({ commission: 10, deductions: -50, floor: 40, award: 0 });
    // an agent with breaches only is listed with a zero award
    expect(agent(r, 'a3')).toMatchObject({ commission: 0, deductions: -20, floor: 20, award: 0 });
    expectEvidenceAddsUp(r);
  });

  it('evidence adds up to every award and team on 200 seeded random months', () => {
    const rng = new Rng(20240630);
    const rnd = () => rng.next();
    const pick = <T>(xs: readonly T[]) => rng.pick(xs);
    const day = (k: number) => new Date(Date.parse('2024-05-01') + k * 864e5).toISOString().slice(0, 10);
    for (let run = 0; run < 200; run++) {
      const agents = ['a1', 'a2', 'a3', 'a4', ''];
      const loans = Array.from({ length: 8 }, (_, i) => `L${i}`);
      const contacts = Array.from({ length: 20 }, (_, i) => {
        const ag = pick([...agents, 'AG01']);
        return contact(
          `A${i}`,
          pick(loans),
          day(Math.floor(rnd() * 60)),
          ag,
          ag === 'AG01' ? { channel: 'agency' } : {},
        );
      });
      const r = computeAwards(
        inputs({
          contacts,
          cash: Array.from({ length: 15 }, (_, i) =>
            cash(
              `P${i}`,
              pick(loans),
              day(31 + Math.floor(rnd() * 30)),
              Math.round(rnd() * 500_000) / 100,
              pick([0, 5, 45, 100, 200]),
              {
                charged_off: rnd() < 0.1,
              },
            ),
          ),
          cures: loans
            .filter(() => rnd() < 0.3)
            .map((l) => ({ loan_id: l, month_end: '2024-06-30', from_bucket: pick(['M1', 'M3']) })),
          promises: Array.from({ length: 10 }, (_, i) => promise(`Q${i}`, pick(agents), 100, pick([0, 100]))),
          breaches: Array.from({ length: 6 }, (_, i) => breach(`B${i}`, pick(agents), pick(['hours', 'daily_cap']))),
        }),
        scheme({ cap_per_agent_month: pick([50, 500, 100_000]) }),
      );
      expectEvidenceAddsUp(r);
      // every recovery payment is credited once or reported unattributed, never both
      const credited = r.evidence.filter((e) => e.kind === 'commission').map((e) => e.ref_id);
      const open = r.unattributed.map((u) => u.cash_id);
      expect(new Set([...credited, ...open]).size).toBe(credited.length + open.length);
    }
  });
});
