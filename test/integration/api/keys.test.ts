import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../warehouse/connection.ts';
import type { AuditLogRow } from '../../../api/audit-read.ts';
import { migrate } from '../../../warehouse/migrations/index.ts';
import { createApp } from '../../../api/app.ts';
import {
  ApiKeyError,
  ApiKeyNotFoundError,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from '../../../api/auth/keys.ts';
import { knownScopes } from '../../../api/auth/scopes.ts';
import { UserError } from '../../../lib/user-error.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof warehouseWithBook>>;
const makeApp = (wh: Wh, o: { anon?: number; keyCacheMs?: number } = {}) =>
  createApp({
    wh,
    // the tests read the responses, not the request log
    log: () => undefined,
    rateLimitPerMinute: 100_000,
    anonRateLimitPerMinute: o.anon ?? 100_000,
    keyCacheMs: o.keyCacheMs ?? 5_000,
    maxBodyBytes: 64 * 1024,
    snapshotSettings: defaultSettings,
  });
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
/** the audit log's row (api/audit-read.ts) as this test reads it */
type Audit = Omit<AuditLogRow, 'at' | 'outcome'>;

describe('API keys: scoped collectors, list, revoke, audit of refusals, per-address limit', () => {
  let wh: Wh;
  let admin = { key: '', key_id: '' };
  let regions: string[] = [];
  let teams: string[] = [];
  beforeAll(async () => {
    wh = await warehouseWithBook('keys', { loans: 200, months: 14, seed: 4 });
    ({ regions, teams } = await knownScopes(wh));
    admin = await createApiKey(wh, { role: 'admin', label: 'root' });
  });
  afterAll(() => disposeIfOpened(wh));

  const auditRows = (where: string, params: Record<string, unknown> = {}) =>
    queryRows<Audit>(
      wh,
      `SELECT request_id, client_request_id, key_id, toString(role) AS role, toString(action) AS action, target, details FROM ${wh.database}.audit_log WHERE ${where} ORDER BY at`,
      params,
    );

  it('a collector key needs a region known to the warehouse; its team is optional but must exist; other roles take no scope', async () => {
    expect(regions).toContain('east');
    expect(teams.length).toBeGreaterThan(0);
    const refused = async (k: Parameters<typeof createApiKey>[1]) => {
      const e = await createApiKey(wh, k).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, JSON.stringify(k)).toBeInstanceOf(ApiKeyError);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).not.toMatch(/\n/);
      return (e as Error).message;
    };
    expect(await refused({ role: 'collector' })).toMatch(/needs a region.*east/);
    expect(await refused({ role: 'collector', team: teams[0] })).toMatch(/needs a region/);
    expect(await refused({ role: 'collector', region: 'eats' })).toBe(
      `unknown region "eats": known regions are ${regions.join(', ')}`,
    );
    expect(await refused({ role: 'collector', region: 'east', team: 'nobody' })).toMatch(
      /^unknown team "nobody" — known: /,
    );
    expect(await refused({ role: 'executive', region: 'east' })).toMatch(/only collector keys are scoped/);
    // a name that would be SQL is only ever a bound value: it is just unknown
    expect(await refused({ role: 'collector', region: "east' OR 1=1 --" })).toMatch(/^unknown region/);
    const east = await createApiKey(wh, { role: 'collector', region: 'east', label: 'east desk' });
    const v = await verifyApiKey(wh, east.key);
    expect(v).toEqual({
      ok: true,
      key: { key_id: east.key_id, role: 'collector', region: 'east', team: '', label: 'east desk' },
    });
    const team = teams.find((t) => t.startsWith('east'))!;
    const withTeam = await createApiKey(wh, { role: 'collector', region: 'east', team });
    expect(await verifyApiKey(wh, withTeam.key)).toMatchObject({ ok: true, key: { region: 'east', team } });
  });

  it('listApiKeys shows id, role, scope, label and dates, never the key or its hash; revokeApiKey is final and idempotent', async () => {
    const k = await createApiKey(wh, { role: 'collector', region: 'east', label: 'to revoke' });
    const listed = (await listApiKeys(wh)).find((r) => r.key_id === k.key_id)!;
    expect(new Set(Object.keys(listed))).toEqual(
      new Set(['key_id', 'role', 'region', 'team', 'label', 'created_at', 'revoked_at', 'revoked_by', 'revoke_reason']),
    );
    expect(listed).toMatchObject({
      role: 'collector',
      region: 'east',
      team: null,
      label: 'to revoke',
      revoked_at: null,
    });
    expect(JSON.stringify(await listApiKeys(wh))).not.toMatch(/lw_|[0-9a-f]{64}/);
    const r1 = await revokeApiKey(wh, k.key_id, { by: 'cli', reason: 'left the team' });
    expect(r1).toMatchObject({
      key_id: k.key_id,
      revoked_by: 'cli',
      revoke_reason: 'left the team',
      already_revoked: false,
    });
    expect(Date.parse(r1.revoked_at!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await verifyApiKey(wh, k.key)).toEqual({
      ok: false,
      reason: 'revoked',
      key_id: k.key_id,
      role: 'collector',
    });
    const r2 = await revokeApiKey(wh, k.key_id, { by: 'someone else' });
    expect(r2).toMatchObject({ already_revoked: true, revoked_by: 'cli', revoked_at: r1.revoked_at });
    expect((await listApiKeys(wh)).find((r) => r.key_id === k.key_id)).toMatchObject({
      revoked_at: r1.revoked_at,
      revoked_by: 'cli',
    });
    expect((await listApiKeys(wh, { includeRevoked: false })).some((r) => r.key_id === k.key_id)).toBe(false);
    await expect(revokeApiKey(wh, '0123456789ab', { by: 'cli' })).rejects.toBeInstanceOf(ApiKeyNotFoundError);
    await expect(revokeApiKey(wh, 'nope', { by: 'cli' })).rejects.toThrow(/is not a key id/);
  });

  it('a key revoked through the API gets 401 at once, although the server had it cached; another process is seen within the cache time', async () => {
    const app = makeApp(wh, { keyCacheMs: 600_000 });
    const victim = await createApiKey(wh, { role: 'executive' });
    const get = (key: string) => app.request('/v1/models', { headers: { authorization: `Bearer ${key}` } });
    expect((await get(victim.key)).status).toBe(200);
    const r = await app.request(`/v1/keys/${victim.key_id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'test' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      key_id: victim.key_id,
      revoked_by: `admin:${admin.key_id} (root)`,
      already_revoked: false,
    });
    expect((await get(victim.key)).status).toBe(401);
    // revoked elsewhere (the CLI on a ClickHouse server): a server without a key cache sees it on the next request
    const other = await createApiKey(wh, { role: 'executive' });
    const uncached = makeApp(wh, { keyCacheMs: 0 });
    expect((await uncached.request('/v1/models', { headers: { 'x-api-key': other.key } })).status).toBe(200);
    await revokeApiKey(wh, other.key_id, { by: 'cli' });
    expect((await uncached.request('/v1/models', { headers: { 'x-api-key': other.key } })).status).toBe(401);
  });

  it('key routes: admin only, validated, audited; never a key or hash in a list', async () => {
    const app = makeApp(wh);
    const call = (path: string, key: string, body?: unknown) =>
      app.request(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const list = await call('/v1/keys', admin.key);
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toMatch(/key_hash|lw_[0-9a-f]{12}_/);
    expect((JSON.parse(text) as { keys: unknown[] }).keys.length).toBeGreaterThan(3);
    const made = await call('/v1/keys', admin.key, { role: 'collector', region: 'east', label: 'via api' });
    expect(made.status).toBe(201);
    const body = (await made.json()) as { key: string; key_id: string };
    expect((await call('/v1/cases?as_of=2024-06-30&limit=1', body.key)).status).toBe(200);
    const bad = await call('/v1/keys', admin.key, { role: 'collector' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/needs a region/);
    expect((await call('/v1/keys', admin.key, { role: 'collector', region: 'atlantis' })).status).toBe(400);
    expect((await call('/v1/keys/0123456789ab/revoke', admin.key, {})).status).toBe(404);
    expect((await call('/v1/keys/zz/revoke', admin.key, {})).status).toBe(400);
    const notJson = await app.request(`/v1/keys/${body.key_id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(notJson.status).toBe(415);
    expect((await call(`/v1/keys/${body.key_id}/revoke`, body.key, {})).status).toBe(403);
    // the body is optional
    expect(
      (
        await app.request(`/v1/keys/${body.key_id}/revoke`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.key}` },
        })
      ).status,
    ).toBe(200);
    const actions = await auditRows("action LIKE 'keys.%' AND key_id = {k:String}", { k: admin.key_id });
    expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['keys.list', 'keys.create', 'keys.revoke']));
    expect(actions.find((a) => a.action === 'keys.create' && a.target === body.key_id)).toBeDefined();
    expect(JSON.stringify(actions)).not.toContain(body.key);
  });

  it('every 401 and 403 is audited: key id when known, role, route, reason; the client X-Request-Id kept apart, sanitised; our request id unique', async () => {
    const app = makeApp(wh);
    const revoked = await createApiKey(wh, { role: 'modeler' });
    await revokeApiKey(wh, revoked.key_id, { by: 'test' });
    const collector = await createApiKey(wh, { role: 'collector', region: 'east' });
    const cases: [string, Record<string, string>, number, string, { key_id: string; role: string }][] = [
      ['/v1/models', {}, 401, 'missing_key', { key_id: '', role: '' }],
      ['/v1/models', { authorization: 'Bearer not-a-key' }, 401, 'malformed_key', { key_id: '', role: '' }],
      ['/v1/models', { authorization: 'Bearer' }, 401, 'missing_key', { key_id: '', role: '' }],
      ['/v1/models', { authorization: `Bearer ${admin.key} extra` }, 401, 'malformed_key', { key_id: '', role: '' }],
      ['/v1/models', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'unsupported_scheme', { key_id: '', role: '' }],
      [
        '/v1/models',
        { authorization: `Bearer lw_0123456789ab_${'A'.repeat(32)}` },
        401,
        'unknown_key',
        { key_id: '', role: '' },
      ],
      [
        '/v1/models',
        { authorization: `Bearer ${admin.key.slice(0, -4)}AAAA` },
        401,
        'wrong_secret',
        { key_id: '', role: '' },
      ],
      ['/v1/models', { 'x-api-key': revoked.key }, 401, 'revoked_key', { key_id: revoked.key_id, role: 'modeler' }],
      [
        '/v1/metrics/overdue',
        { authorization: `Bearer ${collector.key}` },
        403,
        'missing_permission:metrics:read',
        { key_id: collector.key_id, role: 'collector' },
      ],
    ];
    const ids = new Set<string>();
    for (const [i, [path, headers, status, reason, who]] of cases.entries()) {
      const r = await app.request(
        path,
        { headers: { ...headers, 'x-request-id': `client-${i} <script>${'x'.repeat(300)}` } },
        from('198.51.100.7'),
      );
      expect(r.status, reason).toBe(status);
      const id = r.headers.get('x-request-id')!;
      ids.add(id);
      const [row, ...more] = await auditRows('request_id = {id:String}', { id });
      expect(more, reason).toEqual([]);
      expect(row, reason).toMatchObject({
        ...who,
        action: status === 401 ? 'auth.unauthorized' : 'auth.forbidden',
        target: `GET ${path}`,
      });
      expect(row!.client_request_id).toBe(`client-${i}script${'x'.repeat(300)}`.slice(0, 128));
      expect(JSON.parse(row!.details)).toMatchObject({ status, reason, client_address: '198.51.100.7' });
      if (reason === 'unknown_key') expect(JSON.parse(row!.details)).toMatchObject({ claimed_key_id: '0123456789ab' });
    }
    // the client may send the same id twice: ours stays unique
    for (let i = 0; i < 2; i++)
      ids.add((await app.request('/v1/models', { headers: { 'x-request-id': 'same' } })).headers.get('x-request-id')!);
    expect(ids.size).toBe(cases.length + 2);
  });

  it('Bearer in any case, or X-API-Key', async () => {
    const app = makeApp(wh);
    const variants: Record<string, string>[] = [
      { authorization: `bearer ${admin.key}` },
      { authorization: `BEARER ${admin.key}` },
      { authorization: `Bearer   ${admin.key}` },
      { 'x-api-key': admin.key },
    ];
    for (const h of variants) {
      expect((await app.request('/v1/models', { headers: h })).status, JSON.stringify(Object.keys(h))).toBe(200);
    }
  });

  it('unauthenticated requests are limited per address before any warehouse lookup; a key verified before still passes', async () => {
    // no key cache: every good key is looked up again, so what passes below passes on its record, not a cache hit
    const app = makeApp(wh, { anon: 5, keyCacheMs: 0 });
    const neverSeen = await createApiKey(wh, { role: 'auditor' });
    await app.request('/v1/models', { headers: { 'x-api-key': admin.key } }, from('192.0.2.1')); // verified once
    const calls = { query: 0, insert: 0 };
    const client = wh.client as unknown as Record<'query' | 'insert', (...a: unknown[]) => Promise<unknown>>;
    const original = { query: client.query, insert: client.insert };
    client.query = (...a) => {
      calls.query++;
      return original.query.apply(wh.client, a);
    };
    client.insert = (...a) => {
      calls.insert++;
      return original.insert.apply(wh.client, a);
    };
    try {
      const unknownKey = { authorization: `Bearer lw_0123456789ab_${'B'.repeat(32)}` };
      for (let i = 0; i < 5; i++)
        expect((await app.request('/v1/models', { headers: unknownKey }, from('192.0.2.1'))).status).toBe(401);
      const before = { ...calls };
      for (const headers of [unknownKey, {}, { authorization: 'Bearer junk' }]) {
        const r = await app.request('/v1/models', { headers }, from('192.0.2.1'));
        expect(r.status).toBe(429);
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect((await app.request('/health', {}, from('192.0.2.1'))).status).toBe(429);
      // no lookup, no audit row for an address over its limit
      expect(calls).toEqual(before);
      // a key verified before is still checked (and passes); a key never seen here waits; another address is not affected
      expect((await app.request('/v1/models', { headers: { 'x-api-key': admin.key } }, from('192.0.2.1'))).status).toBe(
        200,
      );
      expect(
        (await app.request('/v1/models', { headers: { 'x-api-key': neverSeen.key } }, from('192.0.2.1'))).status,
      ).toBe(429);
      expect((await app.request('/v1/models', { headers: unknownKey }, from('192.0.2.2'))).status).toBe(401);
      // an IPv6 host counts by its /64
      for (let i = 0; i < 5; i++) await app.request('/v1/models', {}, from(`2001:db8:1:2::${i + 1}`));
      expect((await app.request('/v1/models', {}, from('2001:db8:1:2:ffff::9'))).status).toBe(429);
      expect((await app.request('/v1/models', {}, from('2001:db8:1:3::1'))).status).toBe(401);
    } finally {
      Object.assign(client, original);
    }
  });

  it('migration 16 on an existing warehouse: old keys keep working and can be revoked, old audit rows stay', async () => {
    const old = await createApiKey(wh, { role: 'auditor', label: 'pre-16' });
    const n = Number((await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${wh.database}.audit_log`))[0]!.n);
    // the tables as migration 6 made them
    await exec(
      wh,
      `ALTER TABLE ${wh.database}.api_keys DROP COLUMN revoked_at, DROP COLUMN revoked_by, DROP COLUMN revoke_reason`,
    );
    await exec(wh, `ALTER TABLE ${wh.database}.audit_log DROP COLUMN client_request_id`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 16`);
    expect(await migrate(wh)).toEqual([16]);
    expect(await migrate(wh)).toEqual([]);
    expect(await verifyApiKey(wh, old.key)).toMatchObject({ ok: true });
    expect(
      Number(
        (
          await queryRows<{ n: string }>(
            wh,
            `SELECT count() AS n FROM ${wh.database}.audit_log WHERE client_request_id = ''`,
          )
        )[0]!.n,
      ),
    ).toBeGreaterThanOrEqual(n);
    expect((await listApiKeys(wh)).find((k) => k.key_id === old.key_id)).toMatchObject({
      role: 'auditor',
      revoked_at: null,
    });
    await revokeApiKey(wh, old.key_id, { by: 'test' });
    expect(await verifyApiKey(wh, old.key)).toMatchObject({ ok: false, reason: 'revoked' });
  });
});
