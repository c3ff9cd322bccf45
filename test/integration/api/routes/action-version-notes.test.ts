// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { actionVersion } from '../../../../api/routes/action-version.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { sqlStringLiteral } from '../../../../warehouse/sql.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

interface Action {
  action_id: string;
  promised_amount: number | null;
  note: string;
  version: string;
}
interface Body {
  action?: Action;
  actions?: Action[];
  error?: { code: string; message: string; details?: { reason: string; part: string; by: string } };
}

/*
 * A version is a row hash and a digest of the note. Its note digest is checked as well as its hash
 * (a real hash with a made-up digest is a 400, not a 409 inventing a change), and a form opened
 * before notes were shown masked (its digest of the unmasked note) is not called made up.
 */
describe('the note part of a version sent back with a correction', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let mine = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'action_version_notes',
      oneLoanBook({ date: '2024-06-01', channel: 'phone', outcome: 'contacted' }),
      false,
    );
    mine = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'a' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const call = async (method: string, path: string, body: unknown) => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${mine}`, 'content-type': 'application/json' },
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
  const listed = async (id: string) =>
    (await call('GET', '/v1/collection-actions?loan_id=L1', undefined)).body.actions!.find((a) => a.action_id === id)!;
  const put = (id: string, body: Record<string, unknown>) => call('PUT', `/v1/collection-actions/${id}`, body);
  /** the action as stored before notes were masked: its note as typed, phone number and all */
  const recordedBeforeMasking = async (id: string, note: string) => {
    expect(
      (await call('POST', '/v1/collection-actions', { action_id: id, loan_id: 'L1', ...promise('100'), note })).status,
    ).toBe(201);
    await exec(
      wh,
      `ALTER TABLE ${tableRef(wh, 'collection_actions')} UPDATE note = ${sqlStringLiteral(note)} WHERE action_id = ${sqlStringLiteral(id)} SETTINGS mutations_sync = 2`,
    );
    const shown = await listed(id);
    expect(shown.note).toBe('call back on 138****5678');
    // what GET gave before the upgrade: the same row hash, the digest of the note as stored
    return { shown, before: actionVersion({ content_hash: shown.version.split('-')[0]!, note }) };
  };

  it('a real row hash with a made-up note digest is a 400 on version, not a 409', async () => {
    expect(
      (await call('POST', '/v1/collection-actions', { action_id: 'N1', loan_id: 'L1', ...promise('100') })).status,
    ).toBe(201);
    const hash = (await listed('N1')).version.split('-')[0]!;
    const r = await put('N1', { ...promise('150'), version: `${hash}-0123456789ab` });
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toBe(
      `version "${hash}-0123456789ab" is no version action N1 ever had: send the version GET /v1/collection-actions gives it`,
    );
    expect((await listed('N1')).promised_amount).toBe(100);
  });

  it('a form opened before the note was shown masked, on the row as it still is, applies', async () => {
    const { shown, before } = await recordedBeforeMasking('N2', 'call back on 13812345678');
    expect(before).not.toBe(shown.version);
    const r = await put('N2', { ...promise('200'), version: before });
    expect(r.status).toBe(200);
    expect(r.body.action).toMatchObject({ promised_amount: 200, note: 'call back on 138****5678' });
  });

  it('once such a note is replaced, the old form is a 409 saying the note changed or is masked, not made up', async () => {
    const { shown, before } = await recordedBeforeMasking('N3', 'call back on 13812345678');
    expect((await put('N3', { ...promise('100'), note: 'paid at the branch', version: shown.version })).status).toBe(
      200,
    );
    const r = await put('N3', { ...promise('300'), version: before });
    expect(r.status).toBe(409);
    expect(r.body.error!.details).toMatchObject({ reason: 'changed', part: 'note' });
    expect(r.body.error!.message).toMatch(
      /^the note of action N3 is not the one you read: a phone or ID number in it is now shown masked, or it was changed since by \S+ at [\d-]+ [\d:]+ UTC: its current values are in details\.current/u,
    );
    // the masked note it was shown after the upgrade is an earlier note of the same row: its note changed
    const stale = await put('N3', { ...promise('300'), version: shown.version });
    expect([stale.status, stale.body.error!.details!.part]).toEqual([409, 'note']);
    expect(stale.body.error!.message).toMatch(/^the note of action N3 was changed since you read it by /u);
    expect((await listed('N3')).promised_amount).toBe(100);
  });
});
