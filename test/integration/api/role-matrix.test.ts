import { unthrottledApp } from '../../helpers/test-app.ts';
import { metricNames } from '../../../warehouse/metrics/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows } from '../../../warehouse/connection.ts';
import { createApp } from '../../../api/app.ts';
import { createApiKey, revokeApiKey } from '../../../api/auth/keys.ts';
import { roles, type Role } from '../../../api/auth/permissions.ts';
import { fireWarnings } from '../../../pipelines/warnings/fire-warnings.ts';
import { parseWarningRules } from '../../../pipelines/warnings/rules.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { withScoredChampion } from '../../helpers/scored-champion.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';
import { packInputs } from '../../../reports/archive/fingerprint.ts';
import { archivePack } from '../../../reports/archive/store.ts';

/**
 * Every role × every route × every scope, through app.request(). The routes come from the OpenAPI
 * document, so a new route without a row in `routes` below fails the test instead of going
 * unchecked. The expected statuses are written out here, not derived from permissions.ts.
 */
type Scope = 'own' | 'wrong_region' | 'unscoped' | 'revoked' | 'none' | 'malformed';
interface RouteCase {
  path: string;
  body?: unknown;
  allowed: Role[];
  ok: number;
  byId?: boolean;
}

const asOf = '2024-06-30';

describe('role × route × scope matrix; collectors never see another region', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  const keys = {} as Record<Role, string>;
  const revoked = {} as Record<Role, string>;
  let collectorSouth = '';
  let collectorEastTeam = '';
  let eastTeam = '';
  let victimId = '';
  let model = { name: '', version: 1 };
  let archived = '';
  const loan = { east: '', south: '' };
  let fileAction = '';
  // a collector key made before keys were scoped: no region
  const unscopedCollector = `lw_aaaaaaaaaaaa_${'C'.repeat(32)}`;

  beforeAll(async () => {
    wh = await warehouseWithBook('matrix', { loans: 1200, months: 24, seed: 11 });
    const champion = await withScoredChampion(wh, { scoreMonthEnds: [asOf] });
    model = { name: champion.model_name, version: champion.version };
    await fireWarnings(wh, {
      asOf,
      settings: defaultSettings,
      champion,
      rules: parseWarningRules({
        rules: [
          { id: 'any_overdue', kind: 'overdue_amount', limit: 0 },
          { id: 'high', kind: 'score_above', threshold: 0.05 },
        ],
      }),
    });
    // a scored loan with a warning in east and in south
    for (const region of ['east', 'south'] as const) {
      const [l] = await queryRows<{ loan_id: string }>(
        wh,
        `SELECT w.loan_id AS loan_id FROM ${wh.database}.warnings AS w INNER JOIN ${wh.database}.scores AS s ON s.loan_id = w.loan_id
        WHERE w.region = {r:String} AND w.as_of = {d:Date} ORDER BY w.loan_id LIMIT 1`,
        { r: region, d: asOf },
      );
      loan[region] = l!.loan_id;
    }
    for (const role of roles) {
      const scope = role === 'collector' ? { region: 'east' } : {};
      keys[role] = (await createApiKey(wh, { role, ...scope, label: role })).key;
      const r = await createApiKey(wh, { role, ...scope });
      await revokeApiKey(wh, r.key_id, { by: 'test' });
      revoked[role] = r.key;
    }
    collectorSouth = (await createApiKey(wh, { role: 'collector', region: 'south' })).key;
    const [t] = await queryRows<{ team: string }>(
      wh,
      `SELECT toString(team) AS team, count() AS n FROM ${wh.database}.collection_actions WHERE team LIKE 'east-%' GROUP BY team ORDER BY n DESC LIMIT 1`,
    );
    eastTeam = t!.team;
    collectorEastTeam = (await createApiKey(wh, { role: 'collector', region: 'east', team: eastTeam })).key;
    victimId = (await createApiKey(wh, { role: 'auditor', label: 'victim' })).key_id;
    await wh.client.insert({
      table: `${wh.database}.api_keys`,
      format: 'JSONEachRow',
      values: [
        {
          key_id: 'aaaaaaaaaaaa',
          key_hash: createHash('sha256').update(unscopedCollector).digest('hex'),
          role: 'collector',
          region: '',
          team: '',
          label: 'legacy',
          created_at: Math.floor(Date.now() / 1000),
          revoked: 0,
        },
      ],
    });
    // an archived pack to fetch a file of: a one-file folder is enough for the role checks
    const packDir = tmpDir('matrix-pack');
    writeFileSync(join(packDir, 'manifest.json'), '{}\n');
    archived = (
      await archivePack(wh, {
        pack: 'management',
        period: '2024-06',
        monthEnd: asOf,
        segment: {},
        lang: 'en',
        inputs: await packInputs(wh, asOf),
        from: packDir,
        files: ['manifest.json'],
        root: join(packDir, 'archive'),
        generatedAt: new Date(Date.UTC(2024, 6, 5)),
      })
    ).entry.id;
    // a file's action of the east loan: correcting or withdrawing it is refused past the role and scope checks
    const [f] = await queryRows<{ action_id: string }>(
      wh,
      `SELECT action_id FROM ${wh.database}.collection_actions WHERE loan_id = {l:String} AND source = 'file' ORDER BY action_id LIMIT 1`,
      { l: loan.east },
    );
    fileAction = f!.action_id;
    app = unthrottledApp(wh);
    // the action the matrix records again: team and agent given, so its content is the same whoever sends it
    const recorded = await call('/v1/collection-actions', keys.admin, { method: 'POST', body: matrixAction() });
    if (recorded.status !== 201) throw new Error(`matrix action not recorded: ${await recorded.text()}`);
  });
  afterAll(() => disposeIfOpened(wh));

  const matrixAction = () => ({
    action_id: 'matrix-action-1',
    loan_id: loan.east,
    action_date: asOf,
    channel: 'phone',
    outcome: 'contacted',
    // team and agent left to their defaults: recorded once (by the admin), the same action from any role
    // that may record it is that one (a collector may not name another agent or team)
  });

  const call = (path: string, key: string | undefined, o: { method?: string; body?: unknown; accept?: string } = {}) =>
    app.request(path, {
      method: o.method ?? 'GET',
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.accept ? { accept: o.accept } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  const json = async <T>(r: Response) => {
    expect(r.status, await r.clone().text()).toBe(200);
    return r.json() as Promise<T>;
  };

  /** How to call each documented operation, who may, and what success is. */
  const routes = (): Record<string, RouteCase> => {
    const reading: Role[] = ['admin', 'modeler', 'executive', 'auditor'];
    const metric = (m: string) => ({
      [`GET /v1/metrics/${m}`]: { path: `/v1/metrics/${m}`, allowed: reading, ok: 200 },
    });
    return {
      'GET /health': { path: '/health', allowed: [...roles], ok: 200 },
      'GET /v1/loans/{id}/score': {
        path: `/v1/loans/${loan.east}/score`,
        allowed: ['admin', 'modeler', 'collector'],
        ok: 200,
        byId: true,
      },
      'POST /v1/scores': {
        path: '/v1/scores',
        body: { loan_ids: [loan.east] },
        allowed: ['admin', 'modeler'],
        ok: 200,
      },
      // every metric of the catalogue has its route: the matrix covers a metric added later without an edit here
      ...Object.fromEntries(
        [...metricNames.map((m) => m.replaceAll('_', '-')), 'classification'].flatMap((m) => Object.entries(metric(m))),
      ),
      'GET /v1/models': { path: '/v1/models', allowed: reading, ok: 200 },
      // promoting the champion again is refused by the gate (409), after the role check
      'POST /v1/models/{name}/{version}/promote': {
        path: `/v1/models/${model.name}/1/promote`,
        body: { reason: 'matrix' },
        allowed: ['admin', 'modeler'],
        ok: 409,
      },
      'GET /v1/cases': { path: `/v1/cases?as_of=${asOf}&limit=5`, allowed: ['admin', 'collector'], ok: 200 },
      'GET /v1/warnings': {
        path: `/v1/warnings?as_of=${asOf}&limit=5`,
        allowed: ['admin', 'modeler', 'collector', 'auditor'],
        ok: 200,
      },
      'GET /v1/reports/{template}': {
        path: '/v1/reports/overdue-trend?period=2024-06&format=json',
        allowed: ['admin', 'executive', 'auditor'],
        ok: 200,
      },
      'GET /v1/reports/archive': {
        path: '/v1/reports/archive?period=2024-06',
        allowed: ['admin', 'executive', 'auditor'],
        ok: 200,
      },
      'GET /v1/reports/archive/{id}/{file}': {
        path: `/v1/reports/archive/${archived}/manifest.json`,
        allowed: ['admin', 'executive', 'auditor'],
        ok: 200,
      },
      // recorded in beforeAll with the same content: every allowed call is an idempotent replay (200)
      'POST /v1/collection-actions': {
        path: '/v1/collection-actions',
        body: matrixAction(),
        allowed: ['admin', 'collector'],
        ok: 200,
        byId: true,
      },
      // a file's action: past the role and scope checks, a 409 naming the ingest's --correct / --retract
      'PUT /v1/collection-actions/{action_id}': {
        path: `/v1/collection-actions/${fileAction}`,
        body: { channel: 'sms', outcome: 'contacted' },
        allowed: ['admin', 'collector'],
        ok: 409,
        byId: true,
      },
      'POST /v1/collection-actions/{action_id}/withdraw': {
        path: `/v1/collection-actions/${fileAction}/withdraw`,
        body: { reason: 'matrix' },
        allowed: ['admin', 'collector'],
        ok: 409,
        byId: true,
      },
      'GET /v1/collection-actions': {
        path: `/v1/collection-actions?loan_id=${loan.east}`,
        allowed: ['admin', 'collector', 'auditor'],
        ok: 200,
        byId: true,
      },
      'GET /v1/disposal': {
        path: `/v1/disposal?as_of=${asOf}&limit=5`,
        allowed: ['admin', 'executive', 'auditor', 'collector'],
        ok: 200,
      },
      'GET /v1/placements': {
        path: `/v1/placements?as_of=${asOf}`,
        allowed: ['admin', 'collector', 'auditor'],
        ok: 200,
      },
      'GET /v1/promises': { path: `/v1/promises?as_of=${asOf}`, allowed: ['admin', 'collector'], ok: 200 },
      'GET /v1/contact-compliance': {
        path: `/v1/contact-compliance?from=2024-06-01&to=${asOf}`,
        allowed: ['admin', 'auditor', 'collector'],
        ok: 200,
      },
      // no month is issued in this warehouse: past the role check, a 404 naming the command that issues it
      'GET /v1/incentives': { path: '/v1/incentives?month=2024-06', allowed: ['admin', 'collector'], ok: 404 },
      'GET /v1/bureau': { path: '/v1/bureau?month=2024-06', allowed: ['admin', 'auditor'], ok: 200 },
      'GET /v1/audit': { path: '/v1/audit?limit=5', allowed: ['admin', 'auditor'], ok: 200 },
      'GET /v1/corrections': { path: '/v1/corrections?limit=5', allowed: ['admin', 'auditor'], ok: 200 },
      'GET /v1/keys': { path: '/v1/keys', allowed: ['admin'], ok: 200 },
      'POST /v1/keys': { path: '/v1/keys', body: { role: 'auditor', label: 'matrix' }, allowed: ['admin'], ok: 201 },
      'POST /v1/keys/{id}/revoke': {
        path: `/v1/keys/${victimId}/revoke`,
        body: { reason: 'matrix' },
        allowed: ['admin'],
        ok: 200,
      },
    };
  };

  const expected = (route: RouteCase, role: Role | null, scope: Scope): number => {
    if (route.path === '/health') return 200;
    if (scope === 'none' || scope === 'malformed' || scope === 'revoked') return 401;
    if (scope === 'unscoped') return 403;
    if (!route.allowed.includes(role!)) return 403;
    if (scope === 'wrong_region' && route.byId) return 404;
    return route.ok;
  };

  it('every documented operation × role × scope answers as the table says', async () => {
    const doc = (await (await call('/openapi.json', undefined)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const table = routes();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const missing = documented.filter((op) => !table[op]);
    expect(missing, 'a new route: add it to the matrix with the roles that may call it').toEqual([]);
    expect(
      Object.keys(table).filter((op) => !documented.includes(op)),
      'matrix rows for routes that are not served',
    ).toEqual([]);
    const cells: { role: Role | null; scope: Scope; key: string | undefined }[] = [
      ...roles.flatMap((role) => [
        { role, scope: 'own' as const, key: keys[role] },
        { role, scope: 'revoked' as const, key: revoked[role] },
      ]),
      { role: 'collector', scope: 'wrong_region', key: collectorSouth },
      { role: 'collector', scope: 'unscoped', key: unscopedCollector },
      { role: null, scope: 'none', key: undefined },
      { role: null, scope: 'malformed', key: 'lw_not-a-key' },
    ];
    const wrong: string[] = [];
    let n = 0;
    for (const op of documented) {
      const route = table[op]!;
      const method = op.split(' ')[0]!;
      for (const cell of cells) {
        const r = await call(route.path, cell.key, { method, body: route.body });
        n++;
        const want = expected(route, cell.role, cell.scope);
        if (r.status !== want)
          wrong.push(
            `${op} as ${cell.role ?? '-'}/${cell.scope}: ${r.status}, expected ${want}: ${(await r.text()).slice(0, 200)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(n).toBe(documented.length * cells.length);
  });

  it('a role without the permission gets the 403 (audited) whatever it sends: the route checks the role before the request', async () => {
    const table = routes();
    const refused: string[] = [];
    let denied = 0;
    for (const [op, route] of Object.entries(table)) {
      const method = op.split(' ')[0]!;
      for (const role of roles.filter((r) => !route.allowed.includes(r) && route.path !== '/health')) {
        // an unknown parameter, and a body of the wrong shape: each a 400 for a role that may call the route
        const path = `${route.path}${route.path.includes('?') ? '&' : '?'}zz_not_a_parameter=1`;
        const r = await call(path, keys[role], { method, body: route.body === undefined ? undefined : { zz: 1 } });
        denied++;
        if (r.status !== 403) refused.push(`${op} as ${role}: ${r.status} ${(await r.text()).slice(0, 120)}`);
      }
    }
    expect(refused).toEqual([]);
    expect(denied).toBeGreaterThan(40);
  });

  it('an unknown query parameter is a 400 naming it on every route, those without a query schema too, before anything is done', async () => {
    const written = async () =>
      (
        await queryRows<{ n: string }>(
          wh,
          `SELECT toString((SELECT count() FROM ${wh.database}.collection_actions) + (SELECT count() FROM ${wh.database}.api_keys) + (SELECT count() FROM ${wh.database}.champion_history)) AS n`,
        )
      )[0]!.n;
    const before = await written();
    const wrong: string[] = [];
    let asked = 0;
    for (const [op, route] of Object.entries(routes())) {
      if (route.path === '/health') continue;
      const method = op.split(' ')[0]!;
      const role = route.allowed.includes('admin') ? 'admin' : route.allowed[0]!;
      const path = `${route.path}${route.path.includes('?') ? '&' : '?'}zz_not_a_parameter=1`;
      const r = await call(path, keys[role], { method, body: route.body });
      asked++;
      const body = await r.text();
      if (r.status !== 400 || !body.includes('zz_not_a_parameter: not a parameter of'))
        wrong.push(`${op} as ${role}: ${r.status} ${body.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(asked).toBeGreaterThan(40);
    // nothing recorded, created, revoked or promoted by a refused request
    expect(await written()).toBe(before);
  });

  it("a collector of east never sees another region's cases, warnings or scores, by list filters or by id", async () => {
    interface Cases {
      cases: { region: string; team: string; loan_id: string }[];
    }
    interface Warnings {
      warnings: { region: string; loan_id: string }[];
    }
    const adminEast = await json<Cases>(await call(`/v1/cases?as_of=${asOf}&region=east&limit=1000`, keys.admin));
    for (const q of ['', '&region=south', '&region=south,east', '&region=east']) {
      const mine = await json<Cases>(await call(`/v1/cases?as_of=${asOf}&limit=1000${q}`, keys.collector));
      expect(mine.cases.length, q).toBeGreaterThan(0);
      expect(
        mine.cases.every((c) => c.region === 'east'),
        q,
      ).toBe(true);
      expect(
        mine.cases.map((c) => c.loan_id),
        q,
      ).toEqual(adminEast.cases.map((c) => c.loan_id));
    }
    const csv = (
      await (
        await call(`/v1/cases?as_of=${asOf}&limit=1000&region=south`, keys.collector, { accept: 'text/csv' })
      ).text()
    )
      .trim()
      .split('\n');
    const regionCol = csv[0]!.split(',').indexOf('region');
    expect(csv.length).toBeGreaterThan(1);
    expect(csv.slice(1).every((line) => line.split(',')[regionCol] === 'east')).toBe(true);
    // a team on the key pins the team too
    const team = await json<Cases>(await call(`/v1/cases?as_of=${asOf}&limit=1000`, collectorEastTeam));
    expect(team.cases.length).toBeGreaterThan(0);
    expect(team.cases.every((c) => c.region === 'east' && c.team === eastTeam)).toBe(true);

    const adminWarnings = await json<Warnings>(
      await call(`/v1/warnings?as_of=${asOf}&region=east&limit=1000`, keys.admin),
    );
    for (const q of ['', '&region=south']) {
      const mine = await json<Warnings>(await call(`/v1/warnings?as_of=${asOf}&limit=1000${q}`, keys.collector));
      expect(mine.warnings.length, q).toBe(adminWarnings.warnings.length);
      expect(
        mine.warnings.every((w) => w.region === 'east'),
        q,
      ).toBe(true);
    }
    // by id: the south loan's warnings and score exist, and the east collector sees neither
    expect(
      (await json<Warnings>(await call(`/v1/warnings?as_of=${asOf}&loan_id=${loan.south}`, keys.admin))).warnings
        .length,
    ).toBeGreaterThan(0);
    // to the east collector the south loan is as unknown as one that does not exist (400, not an empty list)
    const southToEast = await call(`/v1/warnings?as_of=${asOf}&loan_id=${loan.south}`, keys.collector);
    expect(southToEast.status).toBe(400);
    expect(((await southToEast.json()) as { error: { message: string } }).error.message).toMatch(
      /^unknown loan "[^"]+"( \(did you mean "[^"]+"\?\))? — not among the loans of region "east"$/u,
    );
    expect(
      (await json<Warnings>(await call(`/v1/warnings?as_of=${asOf}&loan_id=${loan.east}`, keys.collector))).warnings
        .length,
    ).toBeGreaterThan(0);
    expect((await call(`/v1/loans/${loan.south}/score`, keys.admin)).status).toBe(200);
    expect((await call(`/v1/loans/${loan.south}/score`, keys.collector)).status).toBe(404);
    expect((await call(`/v1/loans/${loan.south}/score?as_of=${asOf}`, keys.collector)).status).toBe(404);
    expect((await call(`/v1/loans/${loan.east}/score`, keys.collector)).status).toBe(200);
    expect((await call(`/v1/loans/${loan.east}/score?as_of=${asOf}`, keys.collector)).status).toBe(200);
    // and the south collector the other way round
    expect((await call(`/v1/loans/${loan.south}/score`, collectorSouth)).status).toBe(200);
    expect(
      (await json<Cases>(await call(`/v1/cases?as_of=${asOf}&limit=1000&region=east`, collectorSouth))).cases.every(
        (c) => c.region === 'south',
      ),
    ).toBe(true);
  });
});
