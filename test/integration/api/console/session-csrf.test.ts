import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { createApp } from '../../../../api/app.ts';
import { parseString } from '@fast-csv/parse';
import { createApiKey, revokeApiKey } from '../../../../api/auth/keys.ts';
import { createUser, disableUser } from '../../../../api/auth/users.ts';
import { knownScopes } from '../../../../api/auth/scopes.ts';
import { SessionStore } from '../../../../api/auth/sessions.ts';
import { scopeCases } from '../../../../api/console/day-cases.ts';
import { dashboardKeyFigures } from '../../../../api/console/key-figures.ts';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { reportPeriod } from '../../../../reports/pack.ts';
import { buildSummary } from '../../../../reports/summary/index.ts';
import type { ReportSegment } from '../../../../reports/template.ts';
import { defaultTarget, targetName } from '../../../../warehouse/feature-catalogue.ts';
import { knownFilterValues } from '../../../../warehouse/metrics/known-values.ts';
import {
  championHistory,
  latestChampionEvent,
  registerModel,
  type ModelVersion,
} from '../../../../models/registry/registry.ts';
import { roles, type Role } from '../../../../api/auth/permissions.ts';
import { Rng } from '../../../../lib/random.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';
import { dataLastDate } from '../../../../warehouse/data-horizon.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';

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
  let champion: ModelVersion;
  const keys = {} as Record<Role, string>;
  let collectorSouth = '';
  const loan = { east: '', south: '' };
  const faults: string[] = [];

  beforeAll(async () => {
    wh = await warehouseWithBook('console_routes', { loans: 700, months: 24, seed: 21 });
    champion = await withScoredChampion(wh, { scoreMonthEnds: [asOf] });
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
    app = makeApp();
  });
  /** an API process on the test's warehouse (several may run at once: sessions are shared through the warehouse) */
  const makeApp = (o: { anon?: number; keyCacheMs?: number } = {}) =>
    createApp({
      wh,
      // faults only: a 500's cause shows in the failing assertion
      log: (e) => {
        if (e.level === 'error') faults.push(JSON.stringify(e));
      },
      rateLimitPerMinute: 1_000_000,
      anonRateLimitPerMinute: o.anon ?? 1_000_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
      ...(o.keyCacheMs === undefined ? {} : { keyCacheMs: o.keyCacheMs }),
    });
  afterAll(() => disposeIfOpened(wh));

  /** a cookie jar of one browser */
  const browser = (base = 'http://localhost', on: () => ReturnType<typeof createApp> = () => app) =>
    consoleBrowser(on, base);

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
      modeler: { dashboard: 403, queue: 403, home: '/console/models' },
      auditor: { dashboard: 403, queue: 403, home: '/console/audit' },
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
    for (const bad of [
      {},
      { _csrf: 'x' },
      { _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` },
    ] as Record<string, string>[]) {
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

  const postAction = (key: string, body: unknown) =>
    app.request('/v1/collection-actions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('POST /v1/collection-actions: contract reasons per field, nothing half-written, idempotent by id, audited, in the next case list', async () => {
    const post = postAction;
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

  it('POST /v1/collection-actions: a collector records its own work on dates that happened; a retry is the same action whatever the defaults became', async () => {
    const post = postAction;
    const base = { loan_id: loan.east, action_date: asOf, channel: 'phone', outcome: 'contacted' };
    const before = await count(wh, 'collection_actions');
    const horizon = await dataLastDate(wh);
    const dayAfter = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    // a date that has not come (a typo such as 2149) would move the day the data ends for every user
    for (const [i, date] of [dayAfter(2), '2099-01-31', '2149-06-06'].entries()) {
      const r = await post(keys.collector, { ...base, action_id: `future-${i}`, action_date: date });
      expect(r.status, date).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
        'action_date: after today (a date that has not happened yet)',
      );
    }
    // another agent, another team: 403, audited, nothing written (an admin may reassign)
    for (const [i, patch] of [
      { agent_id: 'someone-else' },
      { team: 'south-early' },
      { team: '=HYPERLINK("x")' },
    ].entries()) {
      const r = await post(keys.collector, { ...base, action_id: `other-${i}`, ...patch });
      expect(r.status, JSON.stringify(patch)).toBe(403);
      const field = Object.keys(patch)[0];
      expect(
        ((await r.json()) as { error: { details: { fields: { field: string }[] } } }).error.details.fields[0]!.field,
      ).toBe(field);
    }
    expect(await count(wh, 'collection_actions')).toBe(before);
    // teams the loaded files name in east (a write takes only such a team: docs/api.md, "Known teams"),
    // on an early date so that the loan's own team stays its latest action's
    await exec(
      wh,
      `INSERT INTO ${wh.database}.collection_actions (action_id, loan_id, action_date, channel, outcome, agent_id, team, ingest_id, source)
       VALUES ('file-team-1', {l:String}, '2020-01-01', 'phone', 'no_contact', 'f1', 'east-reassigned', 'files', 'file'),
              ('file-team-2', {l:String}, '2020-01-01', 'phone', 'no_contact', 'f2', 'east-again', 'files', 'file')`,
      { l: loan.east },
    );
    // the loan's team is the team of its latest action (by date, then id)
    const byAdmin = await post(keys.admin, { ...base, action_id: 'zz-admin-move', team: 'east-reassigned' });
    expect(byAdmin.status).toBe(201);
    // a collector's action in the loan's (new) team, then retried byte for byte after the loan moved on
    // and the day changed: the defaults are the recorded ones, so 200 with the stored action, not a 409
    const mine = { ...base, action_id: 'retry-1' };
    delete (mine as Partial<typeof mine>).action_date;
    const first = await post(keys.collector, mine);
    expect(first.status).toBe(201);
    const stored = ((await first.json()) as { action: { team: string; agent_id: string } }).action;
    expect(stored.team).toBe('east-reassigned');
    const today = dayAfter(0);
    const moved = { ...base, action_id: 'zz-admin-move-2', action_date: today, team: 'east-again' };
    expect((await post(keys.admin, moved)).status).toBe(201);
    const retry = await post(keys.collector, mine);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { action: unknown }).action).toEqual(stored);
    // giving a default explicitly that differs is other content
    expect((await post(keys.collector, { ...mine, team: 'east-again' })).status).toBe(409);
    // outcomes users recorded today do not move the day the loaded files end (every user's work date)
    expect(await dataLastDate(wh)).toBe(horizon);
  });

  it('the modeler and auditor pages: each role reaches them or gets 403; an unknown version is a 404', async () => {
    const card = `/console/models/${champion.model_name}/${champion.version}`;
    const pages = ['/console/models', card, '/console/audit', '/console/audit.csv?action=console.sign_in'];
    const allowed: Record<Role, readonly string[]> = {
      admin: pages,
      modeler: ['/console/models', card],
      auditor: ['/console/audit', '/console/audit.csv?action=console.sign_in'],
      executive: [],
      collector: [],
    };
    for (const role of roles) {
      const b = browser();
      await b.signIn(keys[role]);
      for (const path of pages) {
        const r = await b.request(path);
        expect(r.status, `${role} ${path} ${faults.join('\n')}`).toBe(allowed[role].includes(path) ? 200 : 403);
      }
    }
    const b = browser();
    await b.signIn(keys.modeler);
    const page = await (await b.request(card)).text();
    // the card: quality of both samples, gains, the calibration chart's spec, the binning tables
    for (const id of ['quality-table', 'gains-table', 'calibration-table', 'spec-calibration'])
      expect(page).toContain(`id="${id}"`);
    expect(page).toContain(champion.metrics.test.auc.toFixed(4));
    expect(page).toMatch(/<details class="binning"/u);
    // a scorecard's points as it scores: every kept variable's bins with WoE, term and points
    const art = champion.artifact;
    expect(art.kind).toBe('scorecard');
    if (art.kind === 'scorecard') {
      expect(art.variables.length).toBeGreaterThan(0);
      for (const v of art.variables) expect(page).toContain(`<details class="points" data-feature="${v.feature}">`);
      expect(page).toContain('id="points"');
    }
    expect((await b.request(`/console/models/${champion.model_name}/999`)).status).toBe(404);
    expect((await b.request('/console/models/no%20such/1')).status).toBe(404);
  });

  it("a version's test part is labelled by how it was chosen: out of time for the book's models, the random share for a table model's", async () => {
    const { version: _v, created_at: _c, ...rest } = champion;
    const versions = [];
    for (const [split, pct] of [
      ['seeded random 70/30 (seed 7)', 30],
      ['seeded random 80/20 (seed 1)', 20],
    ] as const) {
      const version = await registerModel(wh, { ...rest, created_by: 'test', metrics: { ...champion.metrics, split } });
      versions.push([version, pct] as const);
    }
    expect(champion.metrics.split).toMatch(/^out-of-time/u);
    const b = browser();
    await b.signIn(keys.modeler);
    for (const lang of ['en', 'zh-CN'] as const) {
      const list = await (await b.request(`/console/models?lang=${lang}`)).text();
      const cell = (version: number) =>
        (
          new RegExp(
            `data-model="${champion.model_name}@${version}"[\\s\\S]*?<td class="num" data-split="([^"]+)">([\\s\\S]*?)</td>`,
            'u',
          ).exec(list) ?? []
        )
          .slice(1)
          .map((x) => x.replace(/<[^>]+>|\s+/gu, ' ').trim());
      const [kind, text] = cell(champion.version);
      expect(kind).toBe('out_of_time');
      expect(text).toContain(lang === 'en' ? 'out of time' : '样本外');
      expect(list).not.toContain(lang === 'en' ? 'Out-of-time AUC' : '样本外 AUC');
      expect(list).toContain(lang === 'en' ? 'Test AUC' : '测试集 AUC');
      for (const [version, pct] of versions) {
        const [k, t] = cell(version);
        expect(k, String(version)).toBe('random');
        expect(t).toContain(lang === 'en' ? `random ${pct} % hold-out` : `随机 ${pct}% 留出`);
        expect(t).not.toMatch(/out of time|样本外/u);
        const card = await (await b.request(`/console/models/${champion.model_name}/${version}?lang=${lang}`)).text();
        const row = (/<tr data-sample="test_sample">\s*<th scope="row">([\s\S]*?)<\/th>/u.exec(card)?.[1] ?? '')
          .replace(/<[^>]+>/gu, ' ')
          .replace(/\s+/gu, ' ')
          .trim();
        expect(row).toBe(lang === 'en' ? `Test (random ${pct} % hold-out)` : `测试样本 (随机 ${pct}% 留出)`);
      }
      const card = await (
        await b.request(`/console/models/${champion.model_name}/${champion.version}?lang=${lang}`)
      ).text();
      expect(card).toMatch(
        lang === 'en'
          ? /data-sample="test_sample">\s*<th scope="row">\s*Test <small>\(out of time\)/u
          : /测试样本 <small>\(样本外（跨时间）\)/u,
      );
    }
  });

  it('the audit page filters by actor, action, dates and outcome, pages, and exports CSV that parses back with formula-safe cells', async () => {
    // refusals carrying a client request id a spreadsheet would run
    for (const id of ['=1+1', '+SUM', '-2+3', '@A1'])
      expect((await app.request('/v1/cases', { headers: { 'x-request-id': id } })).status).toBe(401);
    const b = browser();
    await b.signIn(keys.auditor);
    const rowsOf = (page: string) =>
      [...page.matchAll(/<tr data-request="([^"]+)" data-action="([^"]+)" class="outcome-(ok|refused)"/gu)].map(
        (m) => ({
          request_id: m[1]!,
          action: m[2]!,
          outcome: m[3]!,
        }),
      );
    const refused = rowsOf(await (await b.request('/console/audit?outcome=refused')).text());
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => r.outcome))).toEqual(new Set(['refused']));
    // a recorded promise's details carry the collection outcome: done, not refused
    const recorded = rowsOf(await (await b.request('/console/audit?action=collection_actions.record')).text());
    expect(recorded.length).toBeGreaterThan(0);
    expect(new Set(recorded.map((r) => r.outcome))).toEqual(new Set(['ok']));
    const signIns = rowsOf(await (await b.request('/console/audit?action=console.sign_in')).text());
    expect(signIns.length).toBeGreaterThan(0);
    expect(new Set(signIns.map((r) => r.action))).toEqual(new Set(['console.sign_in']));
    const mine = await queryRows<{ key_id: string }>(
      wh,
      `SELECT key_id FROM ${wh.database}.audit_log WHERE action = 'console.sign_in' AND role = 'auditor' LIMIT 1`,
    );
    const byActor = rowsOf(await (await b.request(`/console/audit?actor=${mine[0]!.key_id}`)).text());
    expect(byActor.length).toBeGreaterThan(0);
    // dates: today's entries are all; a day before any entry has none; a range upside down is a 400
    const today = new Date().toISOString().slice(0, 10);
    const all = await count(wh, 'audit_log');
    expect(rowsOf(await (await b.request(`/console/audit?from=${today}&to=${today}`)).text()).length).toBe(
      Math.min(50, all),
    );
    expect(rowsOf(await (await b.request('/console/audit?to=2001-01-01')).text())).toEqual([]);
    expect((await b.request('/console/audit?from=2024-02-02&to=2024-02-01')).status).toBe(400);
    expect((await b.request('/console/audit?from=2024-02-30')).status).toBe(400);
    // paging: every entry once, newest first, as many as the table holds
    const total = await count(wh, 'audit_log');
    const seen: string[] = [];
    let path: string | undefined = '/console/audit';
    while (path) {
      const text = await (await b.request(path)).text();
      seen.push(...rowsOf(text).map((r) => r.request_id));
      path = /<a href="([^"]+)" rel="next">/u.exec(text)?.[1]?.replaceAll('&amp;', '&');
    }
    expect(seen.length).toBeGreaterThanOrEqual(total); // entries written while paging are not on earlier pages
    expect(new Set(seen).size).toBe(seen.length);

    // CSV of a filter: every matching row, cells guarded against formulas, the export audited
    const csv = await b.request('/console/audit.csv?outcome=refused');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/u);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/u);
    const text = (await csv.text()).replace(/^\uFEFF/u, '');
    const parsed = await new Promise<Record<string, string>[]>((resolve, reject) => {
      const out: Record<string, string>[] = [];
      parseString<Record<string, string>, Record<string, string>>(text, { headers: true })
        .on('data', (r: Record<string, string>) => out.push(r))
        .on('error', reject)
        .on('end', () => {
          resolve(out);
        });
    });
    const want = await queryRows<{ request_id: string }>(
      wh,
      `SELECT request_id FROM ${wh.database}.audit_log WHERE action IN ('auth.unauthorized', 'auth.forbidden')
        OR (action = 'model.promote' AND JSONExtractString(details, 'outcome') != 'promoted')`,
    );
    expect(parsed.map((r) => r.request_id).sort()).toEqual(want.map((r) => r.request_id).sort());
    for (const r of parsed) {
      for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@]/u);
      expect(r.outcome).toBe('refused');
      expect(() => JSON.parse(r.details!) as unknown).not.toThrow();
    }
    expect(parsed.map((r) => r.client_request_id)).toEqual(expect.arrayContaining(["'=1+1", "'+SUM", "'-2+3", "'@A1"]));
    expect(await count(wh, 'audit_log', "action = 'audit.export'")).toBeGreaterThanOrEqual(1);
  });

  it('users sign in with a name and password: right, wrong, unknown, disabled; the failure limit per address; bad users refused', async () => {
    const password = 'correct horse battery';
    // a cheaper scrypt cost than the default keeps the test short (the stored parameters are the ones verified)
    const cost = { ln: 12, r: 8, p: 1 };
    await createUser(wh, { name: 'li.na', role: 'executive', password, by: 'test' }, cost);
    await createUser(
      wh,
      { name: 'wang', role: 'collector', region: 'east', password: `${password}!`, by: 'test' },
      cost,
    );
    // what cannot be a user: the same rules as a key, a name taken, a short password
    const bad: [Parameters<typeof createUser>[1], RegExp][] = [
      [{ name: 'x', role: 'executive', password, by: 't' }, /user name is 2–40/u],
      [{ name: 'Zhang', role: 'executive', password, by: 't' }, /user name/u],
      [{ name: 'zhao', role: 'collector', password, by: 't' }, /collector needs a region/u],
      [{ name: 'zhao', role: 'collector', region: 'nowhere', password, by: 't' }, /unknown region "nowhere"/u],
      [{ name: 'zhao', role: 'executive', region: 'east', password, by: 't' }, /only collectors are scoped/u],
      [{ name: 'zhao', role: 'executive', password: 'short', by: 't' }, /at least 10 characters/u],
      [{ name: 'zhao', role: 'executive', password: ' padded password ', by: 't' }, /start or end with a space/u],
      [{ name: 'li.na', role: 'modeler', password, by: 't' }, /a user named "li.na" exists/u],
    ];
    for (const [u, reason] of bad) await expect(createUser(wh, u, cost)).rejects.toThrow(reason);
    const hash = await queryRows<{ password_hash: string }>(
      wh,
      `SELECT password_hash FROM ${wh.database}.console_users WHERE name = 'li.na'`,
    );
    expect(hash[0]!.password_hash).toMatch(/^scrypt\$ln=12,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/u);
    expect(hash[0]!.password_hash).not.toContain(password);

    const live = makeApp({ keyCacheMs: 0 });
    const b = browser('http://localhost', () => live);
    const ok = await b.signInUser('li.na', password);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/dashboard');
    expect(await (await b.request('/console/dashboard')).text()).toContain('li.na');
    for (const [name, pw] of [
      ['li.na', `${password}x`],
      ['li.na', ''],
      ['nobody', password],
      ['LI.NA', 'wrong one here'],
    ] as const) {
      const r = await browser().signInUser(name, pw);
      expect(r.status, name).toBe(401);
      expect(await r.text()).toMatch(/Wrong user name or password|用户名或密码错误/u);
    }
    // the collector user is scoped as a collector key: his region's queue, another region's loan 404
    const w = browser();
    expect((await w.signInUser('wang', `${password}!`)).headers.get('location')).toBe('/console/queue');
    expect((await w.request(`/console/loans/${loan.east}?as_of=${asOf}`)).status).toBe(200);
    expect((await w.request(`/console/loans/${loan.south}?as_of=${asOf}`)).status).toBe(404);
    expect((await w.request('/console/dashboard')).status).toBe(403);
    // disabled: sign-in refused, the open session ends (this process rechecks on every request here)
    await disableUser(wh, 'li.na', { by: 'test', reason: 'left' });
    expect((await b.request('/console/dashboard')).status).toBe(303);
    expect((await browser().signInUser('li.na', password)).status).toBe(401);
    const audited = await queryRows<{ key_id: string; reason: string }>(
      wh,
      `SELECT key_id, JSONExtractString(details, 'reason') AS reason FROM ${wh.database}.audit_log
        WHERE action IN ('console.sign_in', 'auth.unauthorized') AND (key_id LIKE 'user:%' OR details LIKE '%user:%')`,
    );
    expect(audited.map((a) => a.reason)).toEqual(
      expect.arrayContaining(['', 'console_wrong_password', 'console_unknown_user', 'console_disabled_user']),
    );
    expect(audited.filter((a) => a.key_id === 'user:li.na').length).toBeGreaterThan(0);
    // the failure limit per address: the limit's failures, then 429 even for the right password
    const limited = makeApp({ anon: 3 });
    const l = browser('http://localhost', () => limited);
    for (let i = 0; i < 3; i++) expect((await l.signInUser('wang', 'wrong password')).status).toBe(401);
    const blocked = await l.signInUser('wang', `${password}!`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("a collector's session read back by another process (or after a restart) keeps the key's agent, whose work it records", async () => {
    const [a] = await queryRows<{ agent: string }>(
      wh,
      `SELECT any(agent_id) AS agent FROM ${wh.database}.collection_actions
       WHERE channel != 'agency' AND agent_id != '' AND loan_id IN (SELECT loan_id FROM ${wh.database}.loans WHERE region = 'east')`,
    );
    const made = await createApiKey(wh, { role: 'collector', region: 'east', agent_id: a!.agent, label: 'agent' });
    const key = {
      key_id: made.key_id,
      role: 'collector' as const,
      region: 'east',
      team: '',
      label: 'agent',
      agent_id: a!.agent,
    };
    const started = await new SessionStore().create(wh, key, 'key');
    const read = await new SessionStore().get(wh, started.id);
    expect(read?.key).toEqual(key);
    // a key without an agent reads back without one (the recorder then uses the key id)
    const other = await createApiKey(wh, { role: 'collector', region: 'east', label: 'no agent' });
    const plain = { key_id: other.key_id, role: 'collector' as const, region: 'east', team: '', label: 'no agent' };
    const none = await new SessionStore().create(wh, plain, 'key');
    expect((await new SessionStore().get(wh, none.id))?.key).toEqual(plain);
  });

  it('sessions are shared by API processes on one warehouse; a logout or a revoked key ends them on every process', async () => {
    const one = makeApp({ keyCacheMs: 0 });
    const other = makeApp({ keyCacheMs: 0 });
    let on = one;
    const b = browser('http://localhost', () => on);
    await b.signIn(keys.executive);
    on = other;
    expect((await b.request('/console/dashboard')).status).toBe(200);
    // logout on the other process: the first refuses the cookie too
    const token = await b.csrf('/console/dashboard');
    expect((await b.request('/console/logout', { method: 'POST', form: { _csrf: token } })).status).toBe(303);
    const cookie = b.jar.get('lw_session');
    expect(cookie).toBeUndefined();
    // a session of a key revoked elsewhere (the CLI): refused by both processes at their next request
    const made = await createApiKey(wh, { role: 'executive', label: 'to-revoke' });
    on = one;
    await b.signIn(made.key);
    const id = b.jar.get('lw_session')!;
    expect((await b.request('/console/dashboard')).status).toBe(200);
    await revokeApiKey(wh, made.key_id, { by: 'test', reason: 'session test' });
    expect((await b.request('/console/dashboard')).status).toBe(303);
    on = other;
    b.jar.set('lw_session', id);
    expect((await b.request('/console/dashboard')).status).toBe(303);
    // the table never holds a usable id: only its hash
    expect(await count(wh, 'console_sessions', `session_hash = '${id}'`)).toBe(0);
  });

  it("promote: CSRF needed, a refused challenger shows the gate's reason, an accepted one is in the history with its reason and audited", async () => {
    const { version: _v, created_at: _c, ...rest } = champion;
    const challenger = (aucDelta: number, psi: number) =>
      registerModel(wh, {
        ...rest,
        created_by: 'test',
        metrics: {
          ...champion.metrics,
          score_psi: psi,
          test: { ...champion.metrics.test, auc: champion.metrics.test.auc + aucDelta },
        },
      });
    const worse = await challenger(-0.05, 0.01);
    const unstable = await challenger(0.05, 0.3);
    const better = await challenger(0.05, 0.01);
    const name = champion.model_name;
    const history = async () => (await championHistory(wh)).length;
    const before = await history();
    const b = browser();
    await b.signIn(keys.modeler);
    const token = await b.csrf(`/console/models/${name}/${worse}`);
    const post = (version: number, form: Record<string, string>) =>
      b.request(`/console/models/${name}/${version}/promote`, { method: 'POST', form });
    for (const bad of [
      {},
      { _csrf: 'x' },
      { _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` },
    ] as Record<string, string>[])
      expect((await post(better, { reason: 'no token', ...bad })).status).toBe(403);
    const short = await post(worse, { _csrf: token, reason: ' a ' });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/reason of at least 3|至少 3 个字符/u);
    const refused = await post(worse, { _csrf: token, reason: 'try the worse one' });
    expect(refused.status).toBe(409);
    const shown = await refused.text();
    expect(shown).toMatch(/id="promote-error">promotion refused: out-of-time AUC [\d.]+ does not beat the champion/u);
    expect(shown).toContain('try the worse one'); // the reason typed is kept
    const psi = await (await post(unstable, { _csrf: token, reason: 'unstable one' })).text();
    expect(psi).toMatch(/score PSI 0\.3000 is not below 0\.1/u);
    expect(await history()).toBe(before);
    // another role cannot promote, with or without the page
    const e = browser();
    await e.signIn(keys.executive);
    const eToken = await e.csrf('/console/dashboard');
    expect(
      (
        await e.request(`/console/models/${name}/${better}/promote`, {
          method: 'POST',
          form: { _csrf: eToken, reason: 'exec try' },
        })
      ).status,
    ).toBe(403);
    const accepted = await post(better, { _csrf: token, reason: '更好的挑战者 / better challenger' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe(
      `/console/models?promoted=${encodeURIComponent(`${name}@${better}`)}`,
    );
    const last = (await championHistory(wh)).at(-1)!;
    expect(last).toMatchObject({ model_name: name, version: better, reason: '更好的挑战者 / better challenger' });
    expect(last.actor).toMatch(/^modeler:[0-9a-f]{12} \(modeler\)$/u);
    const overview = await (await b.request(accepted.headers.get('location')!)).text();
    expect(overview).toContain('更好的挑战者 / better challenger');
    const rows = await queryRows<{ target: string; outcome: string; source: string }>(
      wh,
      `SELECT target, JSONExtractString(details, 'outcome') AS outcome, JSONExtractString(details, 'source') AS source
        FROM ${wh.database}.audit_log WHERE action = 'model.promote' ORDER BY at`,
    );
    expect(rows).toEqual([
      { target: `${name}@${worse}`, outcome: 'gate_refused', source: 'console' },
      { target: `${name}@${unstable}`, outcome: 'gate_refused', source: 'console' },
      { target: `${name}@${better}`, outcome: 'promoted', source: 'console' },
    ]);
  });

  it('the outcome form carries the time of the contact: HH:MM by default, a bad time refused with the contract reason, a good one stored', async () => {
    const b = browser();
    await b.signIn(keys.collector);
    const path = `/console/loans/${loan.east}?as_of=${asOf}`;
    const form = await (await b.request(path)).text();
    // HH:MM by default, and optional: a blank time is not recorded (docs/console.md)
    const time = /<input[^>]*name="action_time"[^>]*>/u.exec(form)?.[0] ?? '';
    expect(time).toMatch(/type="time"/u);
    expect(time).toMatch(/value="([01]\d|2[0-3]):[0-5]\d"/u);
    expect(time).not.toMatch(/\brequired\b/u);
    const token = /name="_csrf" value="([^"]+)"/u.exec(form)![1]!;
    const post = (action_time: string) =>
      b.request(`/console/loans/${loan.east}/actions?as_of=${asOf}`, {
        method: 'POST',
        form: {
          _csrf: token,
          action_id: 'console-time-1',
          action_date: asOf,
          action_time,
          channel: 'phone',
          outcome: 'contacted',
        },
      });
    const before = await count(wh, 'collection_actions');
    // 9:30 and 12:30:00 are read as 09:30 and 12:30, as a file's action time is (docs/collections.md)
    for (const bad of ['24:00', '9:3', '12:60', 'noon', '930']) {
      const r = await post(bad);
      expect(r.status, bad).toBe(400);
      // the ingest's own reason for a file's bad action_time (pipelines/ingest/validation-sql.ts)
      const refused = await r.text();
      expect(refused, bad).toContain('action_time: not a time of day (HH:MM, 00:00 to 23:59)');
      // the language switch of the refusal opens the loan page in the other language, not the form's POST-only address
      const switchTo = /<a href="([^"]+)" lang="[^"]+" hreflang=/u.exec(refused)![1]!.replaceAll('&amp;', '&');
      expect(switchTo).toMatch(new RegExp(`^/console/loans/${loan.east}\\?`, 'u'));
      expect((await b.request(switchTo)).status, switchTo).toBe(200);
    }
    expect(await count(wh, 'collection_actions')).toBe(before);
    expect((await post('23:59')).status).toBe(303);
    const got = (await (
      await app.request(`/v1/collection-actions?loan_id=${loan.east}`, {
        headers: { authorization: `Bearer ${keys.auditor}` },
      })
    ).json()) as { actions: { action_id: string; action_time: string; source: string }[] };
    expect(got.actions.find((a) => a.action_id === 'console-time-1')).toMatchObject({
      action_time: '23:59',
      source: 'console',
    });
    expect(await (await b.request(path)).text()).toContain(`${asOf} 23:59`);
    // a day no calendar has is not the page's date (it showed 1 July's figures under 2024-06-31)
    const impossible = await (await b.request(`/console/loans/${loan.east}?as_of=2024-06-31`)).text();
    expect(impossible.replace(/href="[^"]*"/gu, '')).not.toContain('2024-06-31');
  });

  it('a user changes his password: key sessions are told why not; CSRF, policy and a wrong current password refused (counted per address); his other sessions end, this one stays; audited', async () => {
    const first = 'first password 1';
    const next = 'second password 2';
    await createUser(wh, { name: 'zhou', role: 'auditor', password: first, by: 'test' }, { ln: 12, r: 8, p: 1 });
    // another API process on the warehouse with a failure limit of 2 a minute, rechecking sessions at every request
    const limited = makeApp({ anon: 2, keyCacheMs: 0 });
    let on = limited;
    const a = browser('http://localhost', () => on);
    const same = browser(); // another sign-in of the user, on the process that will take the change
    const elsewhere = browser('http://localhost', () => limited); // and one on the other process
    for (const x of [a, same, elsewhere]) expect((await x.signInUser('zhou', first)).status).toBe(303);
    // a key has no password: no form, said in words, the POST refused too
    const k = browser();
    await k.signIn(keys.auditor);
    expect(await (await k.request('/console/audit')).text()).not.toContain('href="/console/password"');
    const keyPage = await k.request('/console/password');
    expect(keyPage.status).toBe(403);
    const keyText = await keyPage.text();
    expect(keyText).toContain('sign in with a user to change a password');
    expect(keyText).not.toContain('name="current"');
    const kToken = await k.csrf('/console/audit');
    const kPost = await k.request('/console/password', {
      method: 'POST',
      form: { _csrf: kToken, current: 'x', next, again: next },
    });
    expect(kPost.status).toBe(403);

    const page = await (await a.request('/console/audit')).text();
    expect(page).toContain('href="/console/password"');
    const token = await a.csrf('/console/password');
    const change = (form: Record<string, string>) =>
      a.request('/console/password', { method: 'POST', form: { _csrf: token, ...form } });
    expect(
      (await a.request('/console/password', { method: 'POST', form: { current: first, next, again: next } })).status,
    ).toBe(403);
    // the two new ones differ, or the policy of `users create`: 400, not a failed password (not counted)
    const refusals: [Record<string, string>, RegExp][] = [
      [{ current: first, next, again: `${next}x` }, /The two new passwords differ/u],
      [{ current: first, next: 'short', again: 'short' }, /at least 10 characters/u],
      [{ current: first, next: ' padded password ', again: ' padded password ' }, /start or end with a space/u],
      [{ current: first, next: 'x'.repeat(257), again: 'x'.repeat(257) }, /at most 256 characters/u],
      [{ current: first, next: first, again: first }, /the new password is the current one/u],
    ];
    for (const [form, reason] of refusals) {
      const r = await change(form);
      expect(r.status, JSON.stringify(form).slice(0, 60)).toBe(400);
      expect(await r.text()).toMatch(reason);
    }
    // a wrong current password: 401 with a clear message, audited, counted: the limit's failures, then 429 even for the right one
    for (let i = 0; i < 2; i++) {
      const r = await change({ current: `${first}?`, next, again: next });
      expect(r.status).toBe(401);
      expect(await r.text()).toContain('The current password is wrong');
    }
    const blocked = await change({ current: first, next, again: next });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // on the main process (no failures counted there) the change goes through
    on = app;
    const done = await change({ current: first, next, again: next });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console/password?changed=2');
    expect(await (await a.request(done.headers.get('location')!)).text()).toContain(
      'Password changed; 2 other sign-ins ended.',
    );
    // this session stays; the other two end: at once on this process, at the other's recheck
    expect((await a.request('/console/audit')).status).toBe(200);
    expect((await same.request('/console/audit')).status).toBe(303);
    expect((await elsewhere.request('/console/audit')).status).toBe(303);
    expect((await browser().signInUser('zhou', first)).status).toBe(401);
    expect((await browser().signInUser('zhou', next)).status).toBe(303);
    // hashed as `users create` hashes (the default cost), and audited without a password
    const rows = await queryRows<{ password_hash: string }>(
      wh,
      `SELECT password_hash FROM ${wh.database}.console_users WHERE name = 'zhou' ORDER BY created_at`,
    );
    expect(rows.map((r) => r.password_hash.split('$')[1])).toEqual(['ln=12,r=8,p=1', 'ln=15,r=8,p=1']);
    const audited = await queryRows<{ action: string; details: string }>(
      wh,
      `SELECT toString(action) AS action, details FROM ${wh.database}.audit_log
        WHERE key_id = 'user:zhou' AND (action = 'console.password_change' OR details LIKE '%password_change%')`,
    );
    expect(
      audited.filter((x) => x.action === 'console.password_change').map((x) => JSON.parse(x.details) as unknown),
    ).toEqual([expect.objectContaining({ ended_sessions: 2 })]);
    expect(audited.filter((x) => x.details.includes('console_password_change_wrong_password'))).toHaveLength(2);
    for (const x of audited) expect(x.details).not.toContain(next);
  });

  it('the user page: admins only (every other role 403, page and forms); create with the CLI rules and a first password shown once; disable ends the sessions at once; audited', async () => {
    const before = await count(wh, 'console_users');
    const scopes = await knownScopes(wh);
    const team = scopes.teams[0]!;
    for (const role of roles) {
      const b = browser();
      await b.signIn(keys[role]);
      const token = await b.csrf('/console/home');
      const page = await b.request('/console/users');
      expect(page.status, role).toBe(role === 'admin' ? 200 : 403);
      const nav = await (await b.request('/console/home')).text();
      if (role === 'admin') {
        expect(nav).toContain('href="/console/users"');
        continue;
      }
      expect(nav, role).not.toContain('href="/console/users"');
      const create = await b.request('/console/users', {
        method: 'POST',
        form: { _csrf: token, name: `by-${role}`, role: 'admin' },
      });
      expect(create.status, role).toBe(403);
      const disable = await b.request('/console/users/li.na/disable', { method: 'POST', form: { _csrf: token } });
      expect(disable.status, role).toBe(403);
    }
    expect(await count(wh, 'console_users')).toBe(before);

    const admin = browser();
    await admin.signIn(keys.admin);
    const token = await admin.csrf('/console/users');
    const create = (form: Record<string, string>) =>
      admin.request('/console/users', { method: 'POST', form: { _csrf: token, region: '', team: '', ...form } });
    // the CLI's rules, from the same function (createUser): each refused with its reason, nothing written
    const bad: [Record<string, string>, RegExp][] = [
      [{ name: 'X', role: 'executive' }, /user name is 2–40/u],
      [{ name: 'kim', role: 'boss' }, /unknown role/u],
      [{ name: 'kim', role: 'collector' }, /collector needs a region/u],
      [{ name: 'kim', role: 'collector', region: 'nowhere' }, /unknown region/u],
      [{ name: 'kim', role: 'collector', region: 'east', team: 'no-such-team' }, /unknown team/u],
      [{ name: 'kim', role: 'executive', region: 'east' }, /only collectors are scoped/u],
      [{ name: 'li.na', role: 'executive' }, /a user named &quot;li.na&quot; exists/u],
    ];
    for (const [form, reason] of bad) {
      const r = await create(form);
      expect(r.status, JSON.stringify(form)).toBe(400);
      const text = await r.text();
      expect(text).toMatch(reason);
      expect(text).not.toContain('id="first-password"');
    }
    expect(await count(wh, 'console_users')).toBe(before);
    const made = await create({ name: 'sun', role: 'collector', region: 'east', team });
    expect(made.status).toBe(200);
    const madeText = await made.text();
    const password = /id="first-password">([^<]+)</u.exec(madeText)?.[1] ?? '';
    expect(password).toMatch(/^[\w-]{20}$/u);
    expect(madeText).toMatch(/<tr data-user="sun" class="user-enabled">/u);
    // shown once: not on the list afterwards, not in the audit log
    expect(await (await admin.request('/console/users')).text()).not.toContain(password);
    const created = await queryRows<{ target: string; details: string }>(
      wh,
      `SELECT target, details FROM ${wh.database}.audit_log WHERE action = 'users.create'`,
    );
    expect(created.map((x) => x.target)).toEqual(['user:sun']);
    expect(created[0]!.details).not.toContain(password);
    expect(JSON.parse(created[0]!.details)).toMatchObject({ role: 'collector', region: 'east', team });
    // the user signs in with it and is scoped as made
    const sun = browser();
    expect((await sun.signInUser('sun', password)).headers.get('location')).toBe('/console/queue');
    expect((await sun.request(`/console/loans/${loan.south}?as_of=${asOf}`)).status).toBe(404);
    // an admin user cannot disable himself; an unknown name is a 400
    await createUser(
      wh,
      { name: 'boss', role: 'admin', password: 'boss password 1', by: 'test' },
      { ln: 12, r: 8, p: 1 },
    );
    const boss = browser();
    await boss.signInUser('boss', 'boss password 1');
    const own = await boss.request('/console/users/boss/disable', {
      method: 'POST',
      form: { _csrf: await boss.csrf('/console/users'), reason: 'me' },
    });
    expect(own.status).toBe(400);
    expect(await own.text()).toContain('You cannot disable yourself');
    const unknown = await admin.request('/console/users/nobody/disable', { method: 'POST', form: { _csrf: token } });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('no user named');
    // disabled: the session ends at once (no recheck interval), the sign-in is refused, the list says so
    const off = await admin.request('/console/users/sun/disable', {
      method: 'POST',
      form: { _csrf: token, reason: 'left the team' },
    });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/console/users?disabled=sun');
    expect((await sun.request('/console/queue')).status).toBe(303);
    expect((await browser().signInUser('sun', password)).status).toBe(401);
    const list = await (await admin.request(off.headers.get('location')!)).text();
    expect(list).toMatch(/<tr data-user="sun" class="user-disabled">/u);
    expect(list).toContain('left the team');
    const disabled = await queryRows<{ target: string; details: string }>(
      wh,
      `SELECT target, details FROM ${wh.database}.audit_log WHERE action = 'users.disable'`,
    );
    expect(disabled.map((x) => [x.target, JSON.parse(x.details) as unknown])).toEqual([
      ['user:sun', expect.objectContaining({ reason: 'left the team', ended_sessions: 1, source: 'console' })],
    ]);
  });

  it("a collector's queue is cut from the day's whole-book list: the same cases and ranks as a build for the scope", async () => {
    const event = await latestChampionEvent(wh, targetName(defaultTarget));
    const pinned = event ? { name: event.model_name, version: event.version } : null;
    // the builder orders a case's last contacts by date only (arrayReverseSort on the date), so two
    // contacts of one day come in the engine's order, which two builds need not share: compared in a fixed order
    const sameDayContactsInOrder = (cases: Case[]) =>
      cases.map((c) => ({
        ...c,
        last_contacts: [...c.last_contacts].sort(
          (a, b) =>
            b.date.localeCompare(a.date) || a.channel.localeCompare(b.channel) || a.outcome.localeCompare(b.outcome),
        ),
      }));
    const build = (filters: Parameters<typeof scopeCases>[1]) =>
      buildCaseList(wh, { asOf, settings: defaultSettings, strategy: defaultStrategyTable, champion: pinned, filters });
    const book = await build({});
    const scopes = await knownScopes(wh);
    const product = book.find((c) => c.region === 'south')!.product;
    const team = book.find((c) => c.region === 'east' && c.team !== '')?.team ?? scopes.teams[0]!;
    for (const f of [
      { region: ['east'] },
      { region: ['south'], product: [product] },
      { region: ['east'], team: [team] },
      { stage: ['early' as const] },
      { region: ['east'], stage: ['mid' as const, 'late' as const] },
    ]) {
      const cut = scopeCases(book, f);
      expect(cut.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(sameDayContactsInOrder(cut), JSON.stringify(f)).toEqual(sameDayContactsInOrder(await build(f)));
    }
    // the page shows the east cut in its order
    const b = browser();
    await b.signIn(keys.collector);
    const page = await (await b.request(`/console/queue?as_of=${asOf}`)).text();
    const shown = [...page.matchAll(/<tr data-loan="([^"]+)"/gu)].map((m) => m[1]);
    expect(shown).toEqual(
      scopeCases(book, { region: ['east'] })
        .slice(0, 500)
        .map((c) => c.loan_id),
    );
  });

  it("the dashboard's key figures are the management summary's key figures, from fewer metric runs", async () => {
    const product = (await knownFilterValues(wh)).product.find(Boolean)!;
    const views: [string, ReportSegment, 'zh-CN' | 'en'][] = [
      ['2024-06', {}, 'en'],
      ['2024-03', { product: [product] }, 'zh-CN'],
      ['2023-12', { region: ['east'] }, 'zh-CN'],
    ];
    for (const [period, segment, lang] of views) {
      const rp = await reportPeriod(wh, period, segment);
      const full = await buildSummary(wh, { pack: 'management', period: rp, lang });
      const light = await dashboardKeyFigures(wh, rp, lang);
      expect(light.figures.length).toBeGreaterThanOrEqual(10);
      expect(light.figures, `${period} ${JSON.stringify(segment)} ${lang}`).toEqual(full.figures.filter((f) => f.key));
      expect(light.segment).toEqual(full.segment);
    }
  });

  it('ended and expired sessions are pruned, at most once an hour per process; a live one stays until it expires', async () => {
    const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
    const rowsOf = (id: string) => count(wh, 'console_sessions', `session_hash = '${hashOf(id)}'`);
    const live = browser();
    await live.signIn(keys.executive);
    const ended = browser();
    await ended.signIn(keys.executive);
    const endedId = ended.jar.get('lw_session')!;
    const token = await ended.csrf('/console/dashboard');
    expect((await ended.request('/console/logout', { method: 'POST', form: { _csrf: token } })).status).toBe(303);
    // a session started 13 hours ago (past the 12-hour limit) and one idle for 9 hours (past 8), as the store writes them
    const writer = new SessionStore();
    const key = { key_id: 'old-sessions', role: 'executive' as const, region: '', team: '', label: 'old' };
    const old = await writer.create(wh, key, 'key', Date.now() - 13 * 3600_000);
    const idle = await writer.create(wh, key, 'key', Date.now() - 9 * 3600_000);
    const liveId = live.jar.get('lw_session')!;
    for (const id of [liveId, endedId, old.id, idle.id]) expect(await rowsOf(id)).toBeGreaterThan(0);
    const store = new SessionStore();
    const now = Date.now();
    expect(await store.pruneIfDue(wh, now)).toBe(true);
    for (const id of [endedId, old.id, idle.id]) expect(await rowsOf(id)).toBe(0);
    expect(await rowsOf(liveId)).toBeGreaterThan(0);
    expect((await live.request('/console/dashboard')).status).toBe(200);
    // once an hour: a prune 59 minutes later does nothing (even if it would find the live one idle by then)
    expect(await store.pruneIfDue(wh, now + 59 * 60_000)).toBe(false);
    // a prune that finds nothing to delete issues no DELETE (a mutation holds the embedded engine ~0.1 s)
    const commands = vi.spyOn(wh.client, 'command');
    expect(await store.pruneIfDue(wh, now + 61 * 60_000)).toBe(true);
    expect(commands.mock.calls.filter(([a]) => /\bDELETE\b/u.test(a.query))).toEqual([]);
    commands.mockRestore();
    expect(await rowsOf(liveId)).toBeGreaterThan(0);
    // nine hours on, the live one has been idle past the limit: gone
    expect(await store.pruneIfDue(wh, now + 9 * 3600_000)).toBe(true);
    expect(await rowsOf(liveId)).toBe(0);
  });
});
