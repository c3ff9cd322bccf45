import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../api/app.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import type { Role } from '../../../../api/auth/permissions.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * Placements and disposal scope a collector as the case list does: his region's loans, and when his
 * key names a team only the loans whose team on the date (the team of their latest action on or
 * before it) is his; a collector without a team (the region's head) sees the region; admin,
 * executive and auditor the book. Every role × both routes × two dates, against the rule written
 * out here and against each key's own case list.
 *
 * Eight loans of 1,200.00 (twelve installments of 100.00 + 10.00 due on the 15th from 2023-01-15),
 * none paid: DPD 532 on 2024-06-30 — past the disposal stage, in the placement rules' DPD range.
 *   E1 east, worked by east-late;  E2 east, east-mid;  E3 east, never worked (no team);
 *   E4 east, east-mid until east-late takes it on 2024-07-05;  E5 east, east-late, then placed with
 *   AG01 whose call is its latest action (team agency);  E6 east, placed and recalled, then east-late;
 *   N1 north, north-late;  N2 north, north-late, placed with AG01 (open).
 */
const ids: string[] = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'N1', 'N2'];
const regionOf = (id: string) => (id.startsWith('E') ? 'east' : 'north');
const teamOn: Record<string, Record<string, string>> = {
  '2024-06-30': {
    E1: 'east-late',
    E2: 'east-mid',
    E3: '',
    E4: 'east-mid',
    E5: 'agency',
    E6: 'east-late',
    N1: 'north-late',
    N2: 'north-late',
  },
};
teamOn['2024-07-10'] = { ...teamOn['2024-06-30']!, E4: 'east-late' };
const dates = Object.keys(teamOn);
const due = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2023, i, 15)).toISOString().slice(0, 10));
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...ids.map((id) => `${id},c${id},consumer,2022-12-15,1200.00,0.2,12,${regionOf(id)},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': ['payment_id,loan_id,paid_date,amount'],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'e1,E5,2024-05-01,agency_placement,1200.00,AG01',
    'e2,E6,2024-02-01,agency_placement,1200.00,AG02',
    'e3,E6,2024-04-01,agency_recall,0,AG02',
    'e4,N2,2024-05-01,agency_placement,1200.00,AG01',
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date,action_time',
    'a1,E1,2024-06-10,phone,no_contact,el-1,east-late,,,10:00',
    'a2,E2,2024-06-12,phone,no_contact,em-1,east-mid,,,10:00',
    'a3,E4,2024-06-05,phone,no_contact,em-1,east-mid,,,10:00',
    'a4,E4,2024-07-05,phone,no_contact,el-1,east-late,,,10:00',
    'a5,E5,2024-04-01,phone,no_contact,el-1,east-late,,,10:00',
    'a6,E5,2024-05-20,agency,no_contact,AG01,agency,,,10:00',
    'a7,E6,2024-06-15,phone,no_contact,el-1,east-late,,,10:00',
    'a8,N1,2024-06-10,phone,no_contact,nl-1,north-late,,,10:00',
    'a9,N2,2024-06-01,phone,no_contact,nl-1,north-late,,,10:00',
  ],
};

interface Scope {
  role: Role;
  region?: string;
  team?: string;
}
const scopes: Record<string, Scope> = {
  admin: { role: 'admin' },
  executive: { role: 'executive' },
  auditor: { role: 'auditor' },
  modeler: { role: 'modeler' },
  east: { role: 'collector', region: 'east' },
  eastLate: { role: 'collector', region: 'east', team: 'east-late' },
  eastMid: { role: 'collector', region: 'east', team: 'east-mid' },
  northLate: { role: 'collector', region: 'north', team: 'north-late' },
};
/** who may call each route (api/auth/permissions.ts, written out) */
const allowed: Record<'placements' | 'disposal', Role[]> = {
  placements: ['admin', 'collector', 'auditor'],
  disposal: ['admin', 'executive', 'auditor', 'collector'],
};
/** the rule, written out: a collector sees his region's loans, and with a team only those of his team on the date */
const sees = (s: Scope, loan: string, date: string) =>
  s.role !== 'collector' || (regionOf(loan) === s.region && (!s.team || teamOn[date]![loan] === s.team));

interface Placements {
  proposals: { loan_id: string; action: string }[];
  history: { loan_id: string }[];
}

describe('placements and disposal scope every role as the case list does', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};
  const get = (path: string, key: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
  const json = async <T>(path: string, key: string) => {
    const r = await get(path, key);
    expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
    return (await r.json()) as T;
  };
  const sorted = (xs: { loan_id: string }[]) => [...new Set(xs.map((x) => x.loan_id))].sort();

  beforeAll(async () => {
    wh = await warehouseWithFiles('collector_scope', files, '2024-06-30');
    for (const [name, s] of Object.entries(scopes)) keys[name] = (await createApiKey(wh, { ...s, label: name })).key;
    app = unthrottledApp(wh);
  });
  afterAll(() => disposeIfOpened(wh));

  it("the teams written out are the case list's teams on each date", async () => {
    for (const date of dates) {
      const cases = await json<{ cases: { loan_id: string; team: string }[] }>(
        `/v1/cases?as_of=${date}&limit=1000`,
        keys.admin!,
      );
      expect(Object.fromEntries(cases.cases.map((c) => [c.loan_id, c.team])), date).toEqual(teamOn[date]);
    }
  });

  it('every role × /v1/placements and /v1/disposal × date: the loans the rule gives, the same as its own case list', async () => {
    let checked = 0;
    for (const date of dates) {
      const book = {
        placements: await json<Placements>(`/v1/placements?as_of=${date}`, keys.admin!),
        disposal: await json<{ loans: { loan_id: string }[] }>(`/v1/disposal?as_of=${date}&limit=1000`, keys.admin!),
      };
      // the book has what the scopes cut: proposals, placed loans and disposals in several teams
      expect(sorted(book.placements.history)).toEqual(['E5', 'E6', 'N2']);
      expect(sorted(book.placements.proposals).length).toBeGreaterThan(3);
      expect(sorted(book.disposal.loans)).toEqual(ids);
      for (const [name, s] of Object.entries(scopes)) {
        const what = `${name} ${date}`;
        const mine = (xs: { loan_id: string }[]) => sorted(xs.filter((x) => sees(s, x.loan_id, date)));
        // what a collector asks for instead of his own region (and his key's team) is ignored
        const asked = s.role === 'collector' ? `&region=north,east${s.team ? '&team=east-mid,north-late' : ''}` : '';
        const placements = await get(`/v1/placements?as_of=${date}${asked}`, keys[name]!);
        expect(placements.status, what).toBe(allowed.placements.includes(s.role) ? 200 : 403);
        const disposal = await get(`/v1/disposal?as_of=${date}&limit=1000${asked}`, keys[name]!);
        expect(disposal.status, what).toBe(allowed.disposal.includes(s.role) ? 200 : 403);
        if (placements.status === 200) {
          const p = (await placements.json()) as Placements;
          expect(sorted(p.proposals), `${what} proposals`).toEqual(mine(book.placements.proposals));
          expect(sorted(p.history), `${what} history`).toEqual(mine(book.placements.history));
          checked++;
        }
        if (disposal.status === 200) {
          const d = (await disposal.json()) as { loans: { loan_id: string }[] };
          expect(sorted(d.loans), `${what} disposal`).toEqual(mine(book.disposal.loans));
          checked++;
        }
        // a collector's case list of the date holds the same loans (every loan here is a case)
        if (s.role === 'collector') {
          const cases = await json<{ cases: { loan_id: string }[] }>(`/v1/cases?as_of=${date}&limit=1000`, keys[name]!);
          expect(sorted(cases.cases), `${what} cases`).toEqual(mine(book.disposal.loans));
        }
      }
    }
    // per date: placements for 6 keys (admin, auditor, four collectors), disposal for 7 (and the executive)
    expect(checked).toBe(dates.length * 13);
    // the cuts, spelled out once: a team sees its own and nothing of a loan the agency works or no one has
    const east = (s: Scope) => ids.filter((l) => sees(s, l, '2024-06-30'));
    expect(east(scopes.eastLate!)).toEqual(['E1', 'E6']);
    expect(east(scopes.eastMid!)).toEqual(['E2', 'E4']);
    expect(east(scopes.east!)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
    expect(ids.filter((l) => sees(scopes.eastLate!, l, '2024-07-10'))).toEqual(['E1', 'E4', 'E6']);
  });

  it("a region's collector without a team may narrow to a team of it, as on his case list", async () => {
    for (const date of dates) {
      const cases = await json<{ cases: { loan_id: string }[] }>(
        `/v1/cases?as_of=${date}&team=east-late&limit=1000`,
        keys.east!,
      );
      const want = ids.filter((l) => sees(scopes.eastLate!, l, date));
      expect(sorted(cases.cases), date).toEqual(want);
      const p = await json<Placements>(`/v1/placements?as_of=${date}&team=east-late`, keys.east!);
      expect(
        sorted([...p.proposals, ...p.history]).every((l) => want.includes(l)),
        date,
      ).toBe(true);
      expect(sorted(p.history), date).toEqual(['E6']);
      const d = await json<{ loans: { loan_id: string }[] }>(`/v1/disposal?as_of=${date}&team=east-late`, keys.east!);
      expect(sorted(d.loans), date).toEqual(want);
    }
  });

  it('admin, executive and auditor may filter by team as the case list allows; an unknown team is a 400', async () => {
    for (const name of ['admin', 'auditor']) {
      const p = await json<Placements>(`/v1/placements?as_of=2024-06-30&team=east-late`, keys[name]!);
      expect(sorted(p.history), name).toEqual(['E6']);
      expect(
        sorted(p.proposals).every((l) => teamOn['2024-06-30']![l] === 'east-late'),
        name,
      ).toBe(true);
    }
    for (const name of ['admin', 'executive', 'auditor'])
      expect(
        sorted(
          (await json<{ loans: { loan_id: string }[] }>(`/v1/disposal?as_of=2024-06-30&team=north-late`, keys[name]!))
            .loans,
        ),
        name,
      ).toEqual(['N1', 'N2']);
    for (const path of [
      '/v1/placements?as_of=2024-06-30&team=east-lat',
      '/v1/disposal?as_of=2024-06-30&team=east-lat',
    ]) {
      const r = await get(path, keys.admin!);
      expect(r.status, path).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
        /^unknown team "east-lat" \(did you mean "east-late"\?\)/u,
      );
    }
  });
});
