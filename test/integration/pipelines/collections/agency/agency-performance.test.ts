import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../../../warehouse/connection.ts';
import { runMetric } from '../../../../../warehouse/metrics/run.ts';
import { comparisonBalanceEdges, defaultAgencyTerms } from '../../../../../warehouse/workout/agency-terms.ts';
import { placementStates } from '../../../../../pipelines/collections/agency/placement-state.ts';
import { addDays } from '../../../../../lib/dates.ts';
import { proposePlacements } from '../../../../../pipelines/collections/agency/rules.ts';
import { createApp } from '../../../../../api/app.ts';
import { createApiKey } from '../../../../../api/auth/keys.ts';
import { warehouseWithFiles } from '../../../../helpers/book.ts';
import { disposeIfOpened } from '../../../../helpers/warehouse.ts';
import { defaultSettings } from '../../../../helpers/settings.ts';

/*
 * Twelve consumer loans of 600.00 (six installments of 100.00 + 10.00 due on the 15th from
 * 2024-01-15), as of 2024-06-30. Loans pay their first k installments on time and then, some,
 * amounts later; six are placed with agencies (one with an agency the terms do not list, one
 * placed twice), recalled or not; the others stay in-house. The metric is checked against a
 * computation here from the same rows and the snapshot's month-end buckets.
 */
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const loans: { id: string; onTime: number; later: [string, string][] }[] = [
  { id: 'P1', onTime: 0, later: [['2024-05-10', '220.00']] },
  {
    id: 'P2',
    onTime: 0,
    later: [
      ['2024-05-20', '550.00'],
      ['2024-06-15', '110.00'],
    ],
  }, // current at 05-31, paid off at 06-30
  {
    id: 'P3',
    onTime: 1,
    later: [
      ['2024-05-02', '50.00'],
      ['2024-06-01', '100.00'],
    ],
  },
  { id: 'P4', onTime: 0, later: [['2024-03-20', '30.00']] },
  { id: 'P5', onTime: 2, later: [['2024-06-25', '330.00']] },
  { id: 'P6', onTime: 0, later: [] },
  { id: 'H1', onTime: 0, later: [['2024-04-20', '110.00']] },
  { id: 'H2', onTime: 0, later: [] },
  { id: 'H3', onTime: 1, later: [['2024-05-05', '440.00']] },
  { id: 'H4', onTime: 1, later: [] },
  { id: 'H5', onTime: 3, later: [['2024-06-10', '120.00']] }, // M1 at 04-30: P5 (M2 there) has no in-house match
  { id: 'H6', onTime: 0, later: [['2024-04-01', '5.00']] },
];
/** P6 and H6 are in the west, the others in the east */
const regionOf = (id: string) => (id.endsWith('6') ? 'west' : 'east');
const events = [
  ['e1', 'P1', '2024-04-05', 'agency_placement', '600.00', 'AG01'],
  ['e2', 'P1', '2024-06-20', 'agency_recall', '0', 'AG01'],
  ['e3', 'P2', '2024-04-10', 'agency_placement', '600.00', 'AG02'],
  ['e4', 'P3', '2024-05-03', 'agency_placement', '500.00', 'ZZ'],
  ['e5', 'P4', '2024-02-20', 'agency_placement', '600.00', 'AG01'],
  ['e6', 'P4', '2024-03-25', 'agency_recall', '0', 'AG01'],
  ['e7', 'P4', '2024-03-28', 'agency_placement', '600.00', 'AG03'], // its 90 days run on 06-26
  ['e8', 'P5', '2024-05-16', 'agency_placement', '400.00', 'AG04'],
  ['e9', 'P6', '2024-03-01', 'agency_placement', '600.00', 'AG02'],
  ['e10', 'P6', '2024-06-10', 'do_not_contact', '0', 'dispute'],
] as const;
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...loans.map((l) => `${l.id},c${l.id},consumer,2023-12-15,600.00,0.2,6,${regionOf(l.id)},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...loans.flatMap((l) => due.map((d, i) => `${l.id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...loans.flatMap((l) => [
      ...due.slice(0, l.onTime).map((d, i) => `${l.id}t${i},${l.id},${d},110.00`),
      ...l.later.map(([d, a], i) => `${l.id}l${i},${l.id},${d},${a}`),
    ]),
  ],
  'loan_events.csv': ['event_id,loan_id,event_date,type,amount,note', ...events.map((e) => e.join(','))],
};
const payments = loans.flatMap((l) => [
  ...due.slice(0, l.onTime).map((d) => ({ loan: l.id, date: d, amount: 110 })),
  ...l.later.map(([d, a]) => ({ loan: l.id, date: d, amount: Number(a) })),
]);
const asOf = '2024-06-30';
const days = defaultAgencyTerms.placement_days;
const rateOf = (agency: string) =>
  defaultAgencyTerms.agencies.find((a) => a.id === agency)?.commission_rate ??
  defaultAgencyTerms.default_commission_rate;
const lastMonthEndBefore = (d: string) =>
  new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, 0)).toISOString().slice(0, 10);
const band = (b: number) => comparisonBalanceEdges.filter((e) => b >= e).length;
const cashIn = (loan: string, after: string, upTo: string) =>
  payments.filter((p) => p.loan === loan && p.date > after && p.date <= upTo).reduce((s, p) => s + p.amount, 0);

describe('agency performance on hand-built placements', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let month: {
    loan_id: string;
    month_end: string;
    bucket: string;
    principal_balance: string;
    status: string;
    dpd: number;
  }[];

  beforeAll(async () => {
    wh = await warehouseWithFiles('agencyperf', files, asOf);
    month = await queryRows(
      wh,
      `SELECT loan_id, toString(month_end) AS month_end, toString(bucket) AS bucket, toString(principal_balance) AS principal_balance, toString(status) AS status, dpd FROM ${wh.database}.loan_month`,
    );
  });
  afterAll(() => disposeIfOpened(wh));

  /** the metric's definitions, computed here from the file rows and the snapshot's month-end rows */
  function expected() {
    const row = (loan: string, me: string) => month.find((m) => m.loan_id === loan && m.month_end === me);
    const placements = events
      .filter((e) => e[3] === 'agency_placement')
      .map(([id, loan, date, , amount, agency]) => {
        const recall = events
          .filter((e) => e[3] === 'agency_recall' && e[1] === loan && e[5] === agency && e[2] >= date)
          .map((e) => e[2])
          .sort()[0];
        const end = recall ?? (addDays(date, days) < asOf ? addDays(date, days) : asOf);
        return { id, loan, date, amount: Number(amount), agency, end };
      });
    const coveredAt = (loan: string, me: string) =>
      placements.some((p) => p.loan === loan && p.date <= addDays(me, days) && p.end > me);
    const cured = (loan: string, after: string, upTo: string) =>
      month.some(
        (m) => m.loan_id === loan && m.month_end > after && m.month_end <= upTo && ['C', 'PO'].includes(m.bucket),
      );
    const byAgency = new Map<string, Record<string, number>>();
    for (const p of placements) {
      const g = byAgency.get(p.agency) ?? {
        placements: 0,
        balance_placed: 0,
        collected: 0,
        cures: 0,
        commission: 0,
        matched_placements: 0,
        matched_balance: 0,
        inhouse_expected: 0,
        inhouse_expected_cures: 0,
      };
      const cash = cashIn(p.loan, p.date, p.end);
      g.placements! += 1;
      g.balance_placed! += p.amount;
      g.collected! += cash;
      g.cures! += cured(p.loan, p.date, p.end) ? 1 : 0;
      g.commission! += Math.round(cash * rateOf(p.agency) * 100) / 100;
      const me = lastMonthEndBefore(p.date);
      const ref = row(p.loan, me);
      const cell = month.filter(
        (m) =>
          ref &&
          m.month_end === me &&
          m.status === 'active' &&
          m.dpd > 0 &&
          m.bucket === ref.bucket &&
          band(Number(m.principal_balance)) === band(Number(ref.principal_balance)) &&
          !coveredAt(m.loan_id, me),
      );
      if (cell.length > 0) {
        const until = addDays(me, days) < asOf ? addDays(me, days) : asOf;
        const bal = cell.reduce((s, m) => s + Number(m.principal_balance), 0);
        const cash = cell.reduce((s, m) => s + cashIn(m.loan_id, me, until), 0);
        const cures = cell.filter((m) => cured(m.loan_id, me, until)).length;
        g.matched_placements! += 1;
        g.matched_balance! += p.amount;
        g.inhouse_expected! += Math.round(((p.amount * cash) / bal) * 100) / 100;
        g.inhouse_expected_cures! += cures / cell.length;
      }
      byAgency.set(p.agency, g);
    }
    return byAgency;
  }

  it('counts placements, cash during each, cures, commission and the matched in-house expectation per agency', async () => {
    const r = await runMetric(wh, 'agency_performance', { as_of: asOf, group_by: ['agency'] });
    const want = expected();
    expect(r.rows.map((x) => x.agency).sort()).toEqual([...want.keys()].sort());
    for (const row of r.rows) {
      const w = want.get(String(row.agency))!;
      for (const k of [
        'placements',
        'balance_placed',
        'collected',
        'cures',
        'commission',
        'matched_placements',
        'matched_balance',
        'inhouse_expected',
      ])
        expect(Number(row[k as keyof typeof row]), `${String(row.agency)} ${k}`).toBeCloseTo(w[k]!, 2);
      expect(Number(row.inhouse_expected_cures), `${String(row.agency)} cures`).toBeCloseTo(
        w.inhouse_expected_cures!,
        9,
      );
      expect(row.recovery_rate).toBeCloseTo(w.collected! / w.balance_placed!, 9);
    }
    // the scenario exercises what it means to: a cure, a recall, a second placement, an unlisted agency, matched and unmatched placements
    const all = [...want.values()];
    expect(all.reduce((s, g) => s + g.cures!, 0)).toBeGreaterThan(0);
    expect(all.reduce((s, g) => s + g.matched_placements!, 0)).toBeGreaterThan(0);
    expect(all.reduce((s, g) => s + g.matched_placements!, 0)).toBeLessThan(
      events.filter((e) => e[3] === 'agency_placement').length,
    );
    expect(want.get('ZZ')!.commission).toBeCloseTo(
      want.get('ZZ')!.collected! * defaultAgencyTerms.default_commission_rate,
      2,
    );
  });

  it('by placement cohort, the months add up to the agency', async () => {
    const byCohort = await runMetric(wh, 'agency_performance', {
      as_of: asOf,
      group_by: ['agency', 'placement_cohort'],
    });
    const byAgency = await runMetric(wh, 'agency_performance', { as_of: asOf, group_by: ['agency'] });
    for (const a of byAgency.rows) {
      const parts = byCohort.rows.filter((r) => r.agency === a.agency);
      expect(parts.reduce((s, r) => s + Number(r.collected), 0)).toBeCloseTo(Number(a.collected), 2);
      expect(parts.reduce((s, r) => s + Number(r.placements), 0)).toBe(Number(a.placements));
    }
    expect(byCohort.rows.find((r) => r.agency === 'AG01' && r.placement_cohort === '2024-02-01')?.placements).toBe(1);
  });

  it('proposes recalls from the warehouse: the do-not-contact hold and the cure; expiry of a placement older than the period', async () => {
    const states = await placementStates(wh, asOf, defaultSettings);
    const p = proposePlacements(states, asOf, defaultAgencyTerms);
    const recalls = Object.fromEntries(p.filter((x) => x.action === 'recall').map((x) => [x.loan_id, x.reason]));
    expect(recalls).toEqual({ P2: 'cure', P4: 'expiry', P6: 'do_not_contact' });
    // P3 (placed 05-03, DPD > 0) and P5 stay placed; nothing new is placed with an agency the loan had
    for (const x of p.filter((y) => y.action === 'place'))
      expect(states.find((s) => s.loan_id === x.loan_id)!.placements.map((y) => y.agency)).not.toContain(x.agency);
    const p4 = states.find((s) => s.loan_id === 'P4')!;
    expect(p4.placements.map((x) => [x.agency, x.recalled_date])).toEqual([
      ['AG01', '2024-03-25'],
      ['AG03', null],
    ]);
  });

  it('GET /v1/placements: the same proposals and history, a collector his region only, others by role', async () => {
    const app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 100_000,
      anonRateLimitPerMinute: 100_000,
      keyCacheMs: 5_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
    const key = async (role: 'admin' | 'auditor' | 'executive' | 'modeler' | 'collector') =>
      (await createApiKey(wh, { role, label: role, ...(role === 'collector' ? { region: 'east' } : {}) })).key;
    interface Body {
      proposals: { loan_id: string; action: string; reason: string }[];
      history: { loan_id: string }[];
    }
    const get = async (k: string, q = '') => {
      const res = await app.request(`/v1/placements?as_of=${asOf}${q}`, { headers: { authorization: `Bearer ${k}` } });
      return { status: res.status, body: res.status === 200 ? ((await res.json()) as Body) : null };
    };
    const want = proposePlacements(await placementStates(wh, asOf, defaultSettings), asOf, defaultAgencyTerms);
    const admin = await get(await key('admin'));
    expect(admin.body!.proposals.map((p) => [p.loan_id, p.action, p.reason])).toEqual(
      want.map((p) => [p.loan_id, p.action, p.reason]),
    );
    expect(admin.body!.history.map((h) => h.loan_id).sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    const east = await get(await key('collector'), '&region=west');
    expect(east.body!.history.map((h) => h.loan_id).sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(east.body!.proposals.some((p) => p.loan_id === 'P6')).toBe(false);
    expect((await get(await key('admin'), '&region=west')).body!.proposals.map((p) => p.loan_id)).toContain('P6');
    expect((await get(await key('admin'), '&loan_id=P4')).body!.history.map((h) => h.loan_id)).toEqual(['P4']);
    expect((await get(await key('auditor'))).status).toBe(200);
    for (const role of ['executive', 'modeler'] as const) expect((await get(await key(role))).status).toBe(403);
    expect((await get(await key('admin'), '&region=north')).status).toBe(400);
  });
});
