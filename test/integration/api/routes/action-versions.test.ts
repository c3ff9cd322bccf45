// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';

/*
 * Optimistic concurrency of PUT /v1/collection-actions/{id} and POST …/withdraw: the `version` a
 * client read (GET /v1/collection-actions) sent back refuses a change made on an older version (409,
 * who and when, the current action); without it the last request wins, as before the field.
 */
const files = oneLoanBook({ date: '2024-06-01', channel: 'phone', outcome: 'contacted' });

interface Action {
  action_id: string;
  promised_amount: number | null;
  note: string;
  version: string;
}
interface Body {
  action?: Action;
  actions?: Action[];
  changed?: boolean;
  error?: { code: string; message: string; details?: { reason: string; by: string; at: string; current: Action } };
}

describe('a correction or withdrawal sent with the version it was read at', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let mine = '';
  let mineId = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('action_versions', files, false);
    admin = (await createApiKey(wh, { role: 'admin', label: 'lead' })).key;
    const k = await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'a' });
    mine = k.key;
    mineId = k.key_id;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as Body };
  };
  const promise = (amount: string) => ({
    action_date: '2024-06-28',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: amount,
    promised_date: '2024-07-05',
  });
  const record = async (id: string) => {
    const r = await call(mine, 'POST', '/v1/collection-actions', { action_id: id, loan_id: 'L1', ...promise('100') });
    expect(r.status).toBe(201);
  };
  const listed = async (id: string) =>
    (await call(mine, 'GET', '/v1/collection-actions?loan_id=L1')).body.actions!.find((a) => a.action_id === id)!;
  const put = (key: string, id: string, body: Record<string, unknown>) =>
    call(key, 'PUT', `/v1/collection-actions/${id}`, body);
  const amountOf = async (id: string) => (await listed(id)).promised_amount;

  it('every listed and answered action carries its version; it changes with every change, the note alone too', async () => {
    await record('V1');
    const v0 = (await listed('V1')).version;
    expect(v0).toMatch(/^\d+-[0-9a-f]{12}$/u);
    const r1 = await put(mine, 'V1', { ...promise('150'), version: v0 });
    expect([r1.status, r1.body.changed]).toEqual([200, true]);
    const v1 = r1.body.action!.version;
    expect(v1).not.toBe(v0);
    expect((await listed('V1')).version).toBe(v1);
    const r2 = await put(mine, 'V1', { ...promise('150'), note: 'called back', version: v1 });
    expect(r2.status).toBe(200);
    expect(r2.body.action!.version).not.toBe(v1);
  });

  it('a version the action never had (made up, or well formed but unknown) is a 400 on version, not a 409 inventing a change', async () => {
    await record('V9');
    const real = (await listed('V9')).version;
    for (const made of ['bogus', `1${real}`, '123-0123456789ab']) {
      const r = await put(mine, 'V9', { ...promise('120'), version: made });
      expect(r.status, made).toBe(400);
      expect(r.body.error!.message).toBe(
        `version ${JSON.stringify(made)} is no version action V9 ever had: send the version GET /v1/collection-actions gives it`,
      );
    }
    expect(await amountOf('V9')).toBe(100);
    // an older version of its own is still a 409: someone did change it
    expect((await put(admin, 'V9', { ...promise('130'), version: real })).status).toBe(200);
    expect((await put(mine, 'V9', { ...promise('140'), version: real })).status).toBe(409);
  });

  it('a stale version is a 409 naming who changed it and when, with the current action; nothing is written', async () => {
    await record('V2');
    const opened = (await listed('V2')).version;
    // the lead corrects first; the collector's form opened before is then sent
    expect((await put(admin, 'V2', { ...promise('15000'), version: opened })).status).toBe(200);
    const before = await count(wh, 'row_corrections', "key = 'V2'");
    const stale = await put(mine, 'V2', { ...promise('2000'), version: opened });
    expect(stale.status).toBe(409);
    const d = stale.body.error!.details!;
    expect(d.reason).toBe('changed');
    expect(d.by).toMatch(/^[\w:.-]+$/u);
    expect(d.by).not.toBe(mineId);
    expect(d.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/u);
    expect(stale.body.error!.message).toContain(`by ${d.by} at ${d.at} UTC`);
    expect(d.current).toMatchObject({ action_id: 'V2', promised_amount: 15000 });
    expect(d.current.version).toBe((await listed('V2')).version);
    expect(await amountOf('V2')).toBe(15000);
    expect(await count(wh, 'row_corrections', "key = 'V2'")).toBe(before);
    // with the current version the change applies
    expect((await put(mine, 'V2', { ...promise('2000'), version: d.current.version })).status).toBe(200);
    expect(await amountOf('V2')).toBe(2000);
  });

  it('a note changed alone makes an older form stale as well', async () => {
    await record('V3');
    const opened = (await listed('V3')).version;
    expect((await put(mine, 'V3', { ...promise('100'), note: 'other tab', version: opened })).status).toBe(200);
    expect((await put(mine, 'V3', { ...promise('300'), version: opened })).status).toBe(409);
    expect((await listed('V3')).note).toBe('other tab');
  });

  it('without a version the last request wins (clients older than the field); the same correction again is unchanged whatever its version', async () => {
    await record('V4');
    const opened = (await listed('V4')).version;
    expect((await put(mine, 'V4', promise('400'))).status).toBe(200);
    expect((await put(mine, 'V4', promise('500'))).status).toBe(200);
    expect(await amountOf('V4')).toBe(500);
    const again = await put(mine, 'V4', { ...promise('500'), version: opened });
    expect([again.status, again.body.changed]).toEqual([200, false]);
  });

  it('a withdrawal with a stale version is refused and the action stays; with the current one it goes', async () => {
    await record('V5');
    const opened = (await listed('V5')).version;
    expect((await put(admin, 'V5', promise('600'))).status).toBe(200);
    const stale = await call(mine, 'POST', '/v1/collection-actions/V5/withdraw', {
      reason: 'wrong loan',
      version: opened,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error!.details!.current.promised_amount).toBe(600);
    expect(await count(wh, 'collection_actions', "action_id = 'V5'")).toBe(1);
    const now = (await listed('V5')).version;
    const ok = await call(mine, 'POST', '/v1/collection-actions/V5/withdraw', { reason: 'wrong loan', version: now });
    expect([ok.status, ok.body.changed]).toEqual([200, true]);
    expect(await count(wh, 'collection_actions', "action_id = 'V5'")).toBe(0);
  });

  it('a correction of a withdrawn action is a 409 saying it was withdrawn, by whom, when and why, stale version or none', async () => {
    await record('V6');
    const opened = (await listed('V6')).version;
    expect((await call(admin, 'POST', '/v1/collection-actions/V6/withdraw', { reason: 'wrong loan' })).status).toBe(
      200,
    );
    for (const body of [{ ...promise('700'), version: opened }, promise('700')]) {
      const r = await put(mine, 'V6', body);
      expect(r.status).toBe(409);
      const d = r.body.error!.details as unknown as { reason: string; by: string; at: string; why: string };
      expect(d).toMatchObject({ reason: 'withdrawn', why: 'wrong loan' });
      expect(d.by).not.toBe(mineId);
      expect(d.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/u);
      expect(r.body.error!.message).toBe(`action V6 was withdrawn by ${d.by} (${d.at} UTC): record a new action`);
    }
  });

  it('the OpenAPI document declares the version: in the listed action and in both bodies', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    const s = doc.components.schemas;
    expect(s.CollectionAction!.properties).toHaveProperty('version');
    expect(s.CollectionAction!.required).toContain('version');
    for (const body of ['CollectionActionCorrection', 'CollectionActionWithdrawal']) {
      expect(s[body]!.properties).toHaveProperty('version');
      expect(s[body]!.required ?? []).not.toContain('version');
    }
  });
});
