// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyError, createApiKey } from '../../../../api/auth/keys.ts';
import { teamAssignmentProblem } from '../../../../api/auth/scopes.ts';
import { insertAction } from '../../../../api/routes/collection-actions.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * Every write that names a team (recording an action, correcting one, creating a key) takes only a
 * team the ingested action files name, and one that works the loan's (the key's) region: a typo
 * moved a live loan out of its team's queue and then, being "known", was accepted for keys.
 */
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    'E1,c1,consumer,2023-12-15,600.00,0.2,6,east',
    'E2,c2,consumer,2023-12-15,600.00,0.2,6,east',
    'N1,c3,consumer,2023-12-15,600.00,0.2,6,north',
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team',
    'f1,E1,2024-06-10,phone,no_contact,ag-1,east-early',
    'f2,E2,2024-06-10,phone,no_contact,ag-2,east-late',
    'f3,N1,2024-06-10,phone,no_contact,ag-3,north-early',
  ],
};

interface Body {
  action?: { team: string; version: string };
  error?: { code: string; message: string; details?: { fields: { field: string; message: string }[] } };
}

describe('a team named by a write must be a known team of the loan’s region', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('action_team', files, '2024-06-30');
    admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const call = async (method: string, path: string, body: unknown) => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Body };
  };
  let n = 0;
  const record = (loan: string, team: string) =>
    call('POST', '/v1/collection-actions', {
      action_id: `t-${++n}`,
      loan_id: loan,
      action_date: '2024-06-28',
      channel: 'phone',
      outcome: 'contacted',
      team,
    });
  const refusedTeam = (r: { status: number; body: Body }, message: RegExp) => {
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(message);
    expect(r.body.error?.details?.fields.map((f) => f.field)).toEqual(['team']);
  };

  it('POST /v1/collection-actions: a mistyped team is refused with the nearest named, another region’s too; nothing is stored', async () => {
    const before = await count(wh, 'collection_actions');
    refusedTeam(
      await record('E1', 'east-eraly'),
      /^team: unknown team "east-eraly" \(did you mean "east-early"\?\) — known: east-early, east-late, north-early$/u,
    );
    refusedTeam(await record('E1', 'zzz-team'), /^team: unknown team "zzz-team" — known: /u);
    refusedTeam(
      await record('E1', 'north-early'),
      /^team: team "north-early" does not work in region "east": the teams of east are east-early, east-late$/u,
    );
    expect(await count(wh, 'collection_actions')).toBe(before);
    // a real reassignment within the region is still an admin's to make
    const moved = await record('E1', 'east-late');
    expect(moved.status).toBe(201);
    expect(moved.body.action?.team).toBe('east-late');
  });

  it('PUT /v1/collection-actions/{id}: a correction to an unknown or foreign team is refused', async () => {
    const made = await record('E2', 'east-late');
    expect(made.status).toBe(201);
    const id = `t-${n}`;
    const put = (team: string) =>
      call('PUT', `/v1/collection-actions/${id}`, {
        channel: 'phone',
        outcome: 'contacted',
        team,
        version: made.body.action!.version,
      });
    refusedTeam(await put('east-eraly'), /^team: unknown team "east-eraly" \(did you mean "east-early"\?\)/u);
    refusedTeam(await put('north-early'), /^team: team "north-early" does not work in region "east"/u);
    const fixed = await put('east-early');
    expect(fixed.status).toBe(200);
    expect(fixed.body.action?.team).toBe('east-early');
  });

  it('a team only a recorded action names (a slip stored before this check) is still a filter value, but no key’s team', async () => {
    await insertAction(
      wh,
      {
        action_id: 'slip',
        loan_id: 'N1',
        action_date: '2024-06-29',
        channel: 'phone',
        outcome: 'contacted',
        team: 'zzz',
      },
      { source: 'api', recordedBy: 'test', note: '' },
    );
    const cases = await app.request('/v1/cases?as_of=2024-06-12&team=zzz', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(cases.status, await cases.clone().text()).toBe(200);
    const viaApi = await call('POST', '/v1/keys', { role: 'collector', region: 'north', team: 'zzz' });
    expect(viaApi.status).toBe(400);
    expect(viaApi.body.error?.message).toMatch(/^unknown team "zzz" — known: east-early, east-late, north-early$/u);
    // what `loanwatch keys create --team` calls: a UserError, one line and exit 2
    await expect(createApiKey(wh, { role: 'collector', region: 'east', team: 'east-eraly' })).rejects.toThrow(
      new ApiKeyError(
        'unknown team "east-eraly" (did you mean "east-early"?) — known: east-early, east-late, north-early',
      ),
    );
    // and a slip cannot pass for the loan's team either: recording on N1 under it again is refused
    refusedTeam(await record('N1', 'zzz'), /unknown team "zzz"/u);
    refusedTeam(await record('N1', 'zzz-tean'), /did you mean|unknown team/u);
  });
});

describe('a book whose teams come only from the console and the API (no file action names a team)', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('action_team_api_only', { 'loans.csv': files['loans.csv'] }, '2024-06-30');
    for (const [id, loan, team] of [
      ['r1', 'E1', 'east-early'],
      ['r2', 'N1', 'north-early'],
    ] as const)
      await insertAction(
        wh,
        { action_id: id, loan_id: loan, action_date: '2024-06-20', channel: 'phone', outcome: 'contacted', team },
        { source: 'api', recordedBy: 'test', note: '' },
      );
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('the recorded teams are its teams (it would otherwise refuse every team); a slip is still refused', async () => {
    expect(await teamAssignmentProblem(wh, 'east', 'east-early')).toBe('');
    expect(await teamAssignmentProblem(wh, 'east', 'north-early')).toMatch(/does not work in region "east"/u);
    expect(await teamAssignmentProblem(wh, 'east', 'east-eraly')).toMatch(/did you mean "east-early"/u);
    await expect(createApiKey(wh, { role: 'collector', region: 'north', team: 'north-early' })).resolves.toBeTruthy();
  });
});
