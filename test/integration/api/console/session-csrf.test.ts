import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../../warehouse/connection.ts';
import { createApp } from '../../../../api/app.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { roles, type Role } from '../../../../api/auth/permissions.ts';
import { Rng } from '../../../../lib/random.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * The console's session and CSRF rules and the collection-action contract, through app.request():
 * sign-in mints an HttpOnly SameSite=Strict session (Secure over https), every POST needs the
 * session's token, roles and scopes are the API's, and a recorded action obeys the ingest's rules,
 * is idempotent by its id, audited, and in the next case list at once.
 */
const asOf = '2024-06-30';

describe('console sessions, CSRF and recorded collection actions', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  const keys = {} as Record<Role, string>;
  let collectorSouth = '';
  const loan = { east: '', south: '' };
  const faults: string[] = [];

  beforeAll(async () => {
    wh = await warehouseWithBook('console_routes', { loans: 700, months: 24, seed: 21 });
    await withScoredChampion(wh, { scoreMonthEnds: [asOf] });
    for (const role of roles)
      keys[role] = (
        await createApiKey(wh, { role, ...(role === 'collector' ? { region: 'east' } : {}), label: role })
      ).key;
    collectorSouth = (await createApiKey(wh, { role: 'collector', region: 'south' })).key;
    for (const region of ['east', 'south'] as const) {
      const [l] = await queryRows<{ loan_id: string }>(
        wh,
        `SELECT loan_id FROM ${wh.database}.loan_month WHERE month_end = {d:Date} AND status = 'active' AND dpd > 0
          AND loan_id IN (SELECT loan_id FROM ${wh.database}.loans WHERE region = {r:String}) ORDER BY loan_id LIMIT 1`,
        { d: asOf, r: region },
      );
      loan[region] = l!.loan_id;
    }
    app = createApp({
      wh,
      // faults only: a 500's cause shows in the failing assertion
      log: (e) => {
        if (e.level === 'error') faults.push(JSON.stringify(e));
      },
      rateLimitPerMinute: 1_000_000,
      anonRateLimitPerMinute: 1_000_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  /** a cookie jar of one browser */
  const browser = (base = 'http://localhost') => {
    const jar = new Map<string, string>();
    const request = async (path: string, o: { method?: string; form?: Record<string, string> } = {}) => {
      const r = await app.request(`${base}${path}`, {
        method: o.method ?? 'GET',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: o.form ? new URLSearchParams(o.form).toString() : undefined,
      });
      for (const c of r.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const [k = '', v = ''] = pair.split('=');
        if (/max-age=0/iu.test(c) || v === '') jar.delete(k);
        else jar.set(k, v);
      }
      return r;
    };
    const signIn = async (key: string) => {
      const form = await (await request('/console/login')).text();
      const token = /name="_csrf" value="([^"]+)"/u.exec(form)![1]!;
      return request('/console/login', { method: 'POST', form: { _csrf: token, key, next: '' } });
    };
    const csrf = async (path: string) =>
      /name="_csrf" value="([^"]+)"/u.exec(await (await request(path)).text())?.[1] ?? '';
    return { jar, request, signIn, csrf };
  };

  it('sign-in: a session cookie (HttpOnly, SameSite=Strict, Secure over https) only for a good key and the form token', async () => {
    const b = browser();
    const first = await b.request('/console/dashboard');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/console\/login\?next=%2Fconsole%2Fdashboard/u);
    // no token: 403, no session
    const noToken = await b.request('/console/login', { method: 'POST', form: { key: keys.executive } });
    expect(noToken.status).toBe(403);
    expect(b.jar.has('lw_session')).toBe(false);
    const bad = await b.signIn(`${keys.executive.slice(0, -4)}AAAA`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toMatch(/Unknown or revoked API key|密钥无效或已吊销/u);
    expect(b.jar.has('lw_session')).toBe(false);
    const ok = await b.signIn(keys.executive);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/dashboard');
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('lw_session='))!;
    expect(cookie).toMatch(/HttpOnly/u);
    expect(cookie).toMatch(/SameSite=Strict/u);
    expect(cookie).not.toMatch(/Secure/u);
    const secure = browser('https://localhost');
    const overTls = await secure.signIn(keys.executive);
    expect(overTls.headers.getSetCookie().find((c) => c.startsWith('lw_session='))).toMatch(/Secure/u);
    const audit = await queryRows<{ action: string; n: string }>(
      wh,
      `SELECT toString(action) AS action, count() AS n FROM ${wh.database}.audit_log WHERE action IN ('console.sign_in', 'auth.unauthorized', 'auth.forbidden') GROUP BY action`,
    );
    expect(Object.fromEntries(audit.map((a) => [a.action, Number(a.n)]))).toMatchObject({
      'console.sign_in': 2,
      'auth.unauthorized': 1,
      'auth.forbidden': 1,
    });
  });

  it('each role reaches exactly the pages the permission table gives it', async () => {
    const want: Record<Role, { dashboard: number; queue: number; home: string }> = {
      admin: { dashboard: 200, queue: 200, home: '/console/dashboard' },
      executive: { dashboard: 200, queue: 403, home: '/console/dashboard' },
      collector: { dashboard: 403, queue: 200, home: '/console/queue' },
      modeler: { dashboard: 403, queue: 403, home: '/console/home' },
      auditor: { dashboard: 403, queue: 403, home: '/console/home' },
    };
    for (const role of roles) {
      const b = browser();
      expect((await b.signIn(keys[role])).headers.get('location'), role).toBe(want[role].home);
      expect((await b.request('/console/dashboard')).status, role).toBe(want[role].dashboard);
      expect((await b.request(`/console/queue?as_of=${asOf}`)).status, role).toBe(want[role].queue);
    }
  });

  it('a POST without or with a wrong CSRF token is refused (403) and writes nothing; logout ends the session', async () => {
    const b = browser();
    await b.signIn(keys.collector);
    const token = await b.csrf(`/console/loans/${loan.east}?as_of=${asOf}`);
    expect(token).not.toBe('');
    const before = await count(wh, 'collection_actions');
    const form = { action_id: 'csrf-test', action_date: asOf, channel: 'phone', outcome: 'contacted' };
    for (const bad of [{}, { _csrf: 'x' }, { _csrf: `${token.slice(0, -1)}A` }] as Record<string, string>[]) {
      const r = await b.request(`/console/loans/${loan.east}/actions?as_of=${asOf}`, {
        method: 'POST',
        form: { ...form, ...bad },
      });
      expect(r.status).toBe(403);
    }
    expect(await count(wh, 'collection_actions')).toBe(before);
    // a logout needs the token too
    expect((await b.request('/console/logout', { method: 'POST', form: {} })).status).toBe(403);
    expect((await b.request('/console/logout', { method: 'POST', form: { _csrf: token } })).status).toBe(303);
    expect((await b.request('/console/queue')).status).toBe(303);
  });

  it("a collector opens his region's loans only: another region's loan is a 404, by page and by API", async () => {
    const b = browser();
    await b.signIn(keys.collector);
    expect((await b.request(`/console/loans/${loan.east}?as_of=${asOf}`)).status, faults.join('\n')).toBe(200);
    expect((await b.request(`/console/loans/${loan.south}?as_of=${asOf}`)).status).toBe(404);
    const api = (key: string, path: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
    expect((await api(keys.collector, `/v1/collection-actions?loan_id=${loan.south}`)).status).toBe(404);
    expect((await api(collectorSouth, `/v1/collection-actions?loan_id=${loan.south}`)).status).toBe(200);
    // the session is not a key for the rest of /v1: only report reads take it
    expect((await b.request('/v1/cases?as_of=2024-06-30')).status).toBe(401);
  });

  it('POST /v1/collection-actions: contract reasons per field, nothing half-written, idempotent by id, audited, in the next case list', async () => {
    const post = (key: string, body: unknown) =>
      app.request('/v1/collection-actions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const rng = new Rng(5);
    const rnd = () => rng.next();
    const good = { loan_id: loan.east, action_date: asOf, channel: 'phone', outcome: 'promise_to_pay' };
    // bad values, each refused with its field's reason (the ingest's own message), the table unchanged
    const bads: [Record<string, unknown>, RegExp][] = [];
    for (let i = 0; i < 6; i++) {
      const cents = Math.floor(rnd() * 1e6);
      bads.push([
        { promised_amount: `${cents}.${10 + Math.floor(rnd() * 89)}${1 + Math.floor(rnd() * 9)}` },
        /promised_amount: more than 2 decimal places/u,
      ]);
      bads.push([{ promised_amount: `-${cents}` }, /promised_amount: negative amount/u]);
      bads.push([{ promised_amount: `${cents}x` }, /promised_amount: not a decimal number/u]);
      bads.push([{ promised_date: `2024-02-${30 + (i % 2)}` }, /promised_date: not a valid date/u]);
      bads.push([{ channel: `fax${i}` }, /channel: fax\d is not one of sms, phone/u]);
      bads.push([{ outcome: 'maybe' }, /outcome: maybe is not one of/u]);
      bads.push([{ action_date: '' }, /action_date: missing/u]);
    }
    const before = await count(wh, 'collection_actions');
    for (const [i, [patch, reason]] of bads.entries()) {
      const r = await post(keys.collector, { ...good, action_id: `bad-${i}`, ...patch });
      const body = (await r.json()) as { error: { message: string; details: { fields: { field: string }[] } } };
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(body.error.message).toMatch(reason);
      expect(body.error.details.fields.map((f) => f.field)).toEqual([Object.keys(patch)[0]]);
    }
    expect(await count(wh, 'collection_actions')).toBe(before);

    const listed = async () =>
      (
        (await (
          await app.request(`/v1/cases?as_of=${asOf}&limit=1000`, {
            headers: { authorization: `Bearer ${keys.collector}` },
          })
        ).json()) as { cases: { loan_id: string; open_promises: { date: string; amount: number }[] }[] }
      ).cases.find((c) => c.loan_id === loan.east);
    expect((await listed())?.open_promises ?? []).not.toContainEqual({ date: '2024-07-09', amount: 1234.5 });
    const action = {
      ...good,
      action_id: 'api-promise-1',
      promised_amount: '1234.50',
      promised_date: '2024-07-09',
      note: '客户承诺',
    };
    const created = await post(keys.collector, action);
    expect(created.status).toBe(201);
    const stored = ((await created.json()) as { action: Record<string, unknown> }).action;
    expect(stored).toMatchObject({
      source: 'api',
      promised_amount: 1234.5,
      promised_date: '2024-07-09',
      note: '客户承诺',
    });
    // the loan's current team when the key has none
    expect(typeof stored.team).toBe('string');
    // the same action again: the stored one, nothing added; other content under the id: 409
    const again = await post(keys.collector, action);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { action: unknown }).action).toEqual(stored);
    expect((await post(keys.collector, { ...action, promised_amount: '99' })).status).toBe(409);
    expect(await count(wh, 'collection_actions')).toBe(before + 1);
    // scope and role
    expect((await post(collectorSouth, { ...action, action_id: 'x-south' })).status).toBe(404);
    expect((await post(keys.executive, { ...action, action_id: 'x-exec' })).status).toBe(403);
    // in the next case list (the cached list was dropped), in GET /v1/collection-actions and in the audit log
    expect((await listed())!.open_promises).toContainEqual({ date: '2024-07-09', amount: 1234.5 });
    const got = (await (
      await app.request(`/v1/collection-actions?loan_id=${loan.east}`, {
        headers: { authorization: `Bearer ${keys.auditor}` },
      })
    ).json()) as { actions: { action_id: string; recorded_by: string }[] };
    expect(got.actions.find((a) => a.action_id === 'api-promise-1')?.recorded_by).toMatch(/^[0-9a-f]{12}$/u);
    expect(
      await count(wh, 'audit_log', "action = 'collection_actions.record' AND details LIKE '%api-promise-1%'"),
    ).toBe(1);
  });
});
