// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { listPromises } from '../../../../pipelines/collections/promises.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

// a request cut short: the next DELETE of collection_actions fails once, as a kill there would stop it
const cut = vi.hoisted(() => ({ next: false }));
vi.mock('../../../../warehouse/delete-rows.ts', async (original) => {
  const real = await original<typeof import('../../../../warehouse/delete-rows.ts')>();
  return {
    ...real,
    deleteRows: async (...args: Parameters<typeof real.deleteRows>) => {
      if (cut.next && args[1] === 'collection_actions') {
        cut.next = false;
        throw new Error('cut short');
      }
      return real.deleteRows(...args);
    },
  };
});

/*
 * PUT /v1/collection-actions/{id} and POST …/{id}/withdraw: an action people recorded is corrected
 * or withdrawn in place — one stored version, the earlier ones in row_corrections (as the ingest's
 * --correct / --retract keep them), who/when/why/before/after in the audit log — under the rules
 * of recording it.
 */
const asOf = '2024-06-30';
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
    'L2,c2,consumer,2023-12-15,600.00,0.2,6,west',
    'L3,c3,consumer,2023-12-15,600.00,0.2,6,east',
  ],
  // F2: the data's last day, the promises' as-of date
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id',
    'F1,L1,2024-06-01,phone,contacted,ag-a',
    'F2,L3,2024-06-30,sms,no_contact,ag-b',
  ],
};

interface Action {
  action_id: string;
  loan_id: string;
  action_date: string;
  outcome: string;
  promised_amount: number | null;
  promised_date: string | null;
  note: string;
  recorded_by: string;
  source: string;
}
interface Answer {
  status: number;
  body: {
    action?: Action;
    changed?: boolean;
    withdrawn?: Action | null;
    error?: { code: string; message: string };
  };
}

describe('correcting and withdrawing a recorded action', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys = { admin: '', mine: '', peer: '', west: '', modeler: '' };
  let mineId = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('action_corrections', files, false);
    keys.admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    const mine = await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'a' });
    keys.mine = mine.key;
    mineId = mine.key_id;
    keys.peer = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-b', label: 'b' })).key;
    keys.west = (await createApiKey(wh, { role: 'collector', region: 'west', label: 'w' })).key;
    keys.modeler = (await createApiKey(wh, { role: 'modeler', label: 'm' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const call = async (key: string, method: string, path: string, body: unknown): Promise<Answer> => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Answer['body'] };
  };
  const post = (key: string, body: Record<string, unknown>) => call(key, 'POST', '/v1/collection-actions', body);
  const put = (key: string, id: string, body: Record<string, unknown>) =>
    call(key, 'PUT', `/v1/collection-actions/${encodeURIComponent(id)}`, body);
  const withdraw = (key: string, id: string, body: Record<string, unknown>) =>
    call(key, 'POST', `/v1/collection-actions/${encodeURIComponent(id)}/withdraw`, body);
  const promise = (amount: string, date = '2024-07-05') => ({
    action_date: '2024-06-28',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: amount,
    promised_date: date,
  });
  const versions = (id: string) => count(wh, 'collection_actions', `action_id = '${id}'`);
  const corrections = (id: string) =>
    queryRows<{
      action: string;
      old_row: string;
      new_row: string;
      old_loan_id: string;
      new_loan_id: string;
      file: string;
    }>(
      wh,
      `SELECT action, old_row, new_row, old_loan_id, new_loan_id, file FROM ${wh.database}.row_corrections
      WHERE entity = 'collection_actions' AND key = {id:String} ORDER BY at`,
      { id },
    );
  const audits = (action: string, id: string) =>
    queryRows<{ key_id: string; target: string; details: string }>(
      wh,
      `SELECT key_id, target, details FROM ${wh.database}.audit_log
      WHERE action = {action:String} AND JSONExtractString(details, 'action_id') = {id:String} ORDER BY at`,
      { action, id },
    );
  const openPromises = async (loan: string) =>
    (await listPromises(wh, { asOf })).filter((p) => p.loan_id === loan && p.status === 'open');

  it('a corrected promise is one stored action with the new values and one open promise; the audit keeps before and after', async () => {
    expect(
      (await post(keys.mine, { action_id: 'P1', loan_id: 'L1', ...promise('100.00'), note: 'first' })).status,
    ).toBe(201);
    const r = await put(keys.mine, 'P1', { ...promise('150.00', '2024-07-10'), reason: 'typed the wrong amount' });
    expect(r.status).toBe(200);
    expect(r.body.changed).toBe(true);
    expect(r.body.action).toMatchObject({
      action_id: 'P1',
      loan_id: 'L1',
      promised_amount: 150,
      promised_date: '2024-07-10',
      // left out: kept as stored; the recorder stays the original's
      note: 'first',
      recorded_by: mineId,
      source: 'api',
    });
    expect(await versions('P1')).toBe(1);
    const open = await openPromises('L1');
    expect(open.map((p) => [p.action_id, p.promised_amount])).toEqual([['P1', 150]]);
    const [c, ...more] = await corrections('P1');
    expect(more).toEqual([]);
    expect(c!.action).toBe('correct');
    expect(JSON.parse(c!.old_row)).toMatchObject({
      action_id: 'P1',
      promised_amount: '100.00',
      promised_date: '2024-07-05',
    });
    expect(JSON.parse(c!.new_row)).toMatchObject({
      action_id: 'P1',
      promised_amount: '150.00',
      promised_date: '2024-07-10',
    });
    expect([c!.old_loan_id, c!.new_loan_id, c!.file]).toEqual(['L1', 'L1', `api:${mineId}`]);
    const [a] = await audits('collection_actions.correct', 'P1');
    const d = JSON.parse(a!.details) as { reason: string; changed: string[]; before: Action; after: Action };
    expect(a!.key_id).toBe(mineId);
    expect(d.reason).toBe('typed the wrong amount');
    expect(d.changed).toEqual(['promised_amount', 'promised_date']);
    expect([d.before.promised_amount, d.after.promised_amount]).toEqual([100, 150]);
  });

  it('the same correction again changes nothing: no second version, audit row or log entry', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await put(keys.mine, 'P1', { ...promise('150.00', '2024-07-10'), reason: 'typed the wrong amount' });
      expect([r.status, r.body.changed]).toEqual([200, false]);
    }
    expect(await versions('P1')).toBe(1);
    expect((await corrections('P1')).length).toBe(1);
    expect((await audits('collection_actions.correct', 'P1')).length).toBe(1);
  });

  it('the note alone corrected: the stored note changes, the data rows audit does not (nothing the snapshot reads changed)', async () => {
    const r = await put(keys.mine, 'P1', { ...promise('150.00', '2024-07-10'), note: 'called back' });
    expect([r.status, r.body.changed, r.body.action?.note]).toEqual([200, true, 'called back']);
    expect(await versions('P1')).toBe(1);
    expect((await corrections('P1')).length).toBe(1);
    const log = await audits('collection_actions.correct', 'P1');
    expect(JSON.parse(log.at(-1)!.details)).toMatchObject({ changed: ['note'] });
  });

  it('a correction cut short before the old version went, sent again, finishes: one version, one audit row, one log entry', async () => {
    const rowsBefore = (await corrections('P1')).length;
    const logBefore = (await audits('collection_actions.correct', 'P1')).length;
    cut.next = true;
    expect((await put(keys.mine, 'P1', promise('175.00', '2024-07-10'))).status).toBe(500);
    // both versions stored meanwhile: the action is never missing
    expect(await versions('P1')).toBe(2);
    const r = await put(keys.mine, 'P1', promise('175.00', '2024-07-10'));
    expect([r.status, r.body.changed, r.body.action?.promised_amount]).toEqual([200, true, 175]);
    expect(await versions('P1')).toBe(1);
    expect((await corrections('P1')).length).toBe(rowsBefore + 1);
    expect((await audits('collection_actions.correct', 'P1')).length).toBe(logBefore + 1);
    expect((await openPromises('L1')).map((p) => p.promised_amount)).toEqual([175]);
  });

  it("another collector's action is a 403, a loan outside the queue a 404, a role that records nothing a 403; an admin may", async () => {
    const before = await corrections('P1');
    expect((await put(keys.peer, 'P1', promise('90.00'))).status).toBe(403);
    expect((await withdraw(keys.peer, 'P1', { reason: 'not mine' })).status).toBe(403);
    expect((await put(keys.west, 'P1', promise('90.00'))).status).toBe(404);
    expect((await withdraw(keys.west, 'P1', { reason: 'x' })).status).toBe(404);
    expect((await put(keys.modeler, 'P1', promise('90.00'))).status).toBe(403);
    expect((await put(keys.mine, 'NO-SUCH', promise('90.00'))).status).toBe(404);
    expect(await corrections('P1')).toEqual(before);
    const r = await put(keys.admin, 'P1', promise('120.00', '2024-07-10'));
    expect([r.status, r.body.action?.promised_amount, r.body.action?.recorded_by]).toEqual([200, 120, mineId]);
  });

  it('a file-loaded action is refused with one line naming the ingest; an action stays on its loan', async () => {
    for (const key of [keys.admin, keys.mine]) {
      const r = await put(key, 'F1', { action_date: '2024-06-01', channel: 'sms', outcome: 'contacted' });
      expect(r.status).toBe(409);
      expect(r.body.error?.message).toMatch(
        /^action F1 was loaded from a file: correct it with `loanwatch ingest --correct`/u,
      );
      expect((await withdraw(key, 'F1', { reason: 'x' })).status).toBe(409);
    }
    const moved = await put(keys.admin, 'P1', { loan_id: 'L3', ...promise('120.00', '2024-07-10') });
    expect(moved.status).toBe(400);
    expect(moved.body.error?.message).toMatch(/^loan_id: the action is on loan L1/u);
  });

  it('bad values get the 400 reason a POST gives, and nothing changes', async () => {
    const before = (await post(keys.mine, { action_id: 'P2', loan_id: 'L3', ...promise('80.00') })).body.action;
    const bad: Record<string, unknown>[] = [
      { ...promise('80.00'), action_date: '2023-12-14' },
      { ...promise('80.00', '2024-06-27') },
      { ...promise('80.005') },
      { ...promise('-5') },
      { ...promise('80.00'), outcome: 'promised' },
      { ...promise('80.00'), outcome: 'contacted' },
      { ...promise('80.00'), channel: 'pigeon', note: 'a\u001bb' },
      { action_date: '2024-06-28', channel: 'phone', outcome: 'promise_to_pay' },
    ];
    let n = 0;
    for (const body of bad) {
      const viaPut = await put(keys.mine, 'P2', body);
      const viaPost = await post(keys.mine, { action_id: `bad-${++n}`, loan_id: 'L3', ...body });
      expect(viaPost.status).toBe(400);
      expect([viaPut.status, viaPut.body.error?.message]).toEqual([400, viaPost.body.error?.message]);
    }
    expect((await put(keys.mine, 'P2', { ...promise('80.00'), surprise: 1 })).status).toBe(400);
    expect(await selectOne('P2')).toEqual(before);
    expect(await corrections('P2')).toEqual([]);
  });

  const selectOne = async (id: string) =>
    (
      (await (
        await app.request(`/v1/collection-actions?loan_id=${id === 'P2' ? 'L3' : 'L1'}`, {
          headers: { authorization: `Bearer ${keys.admin}` },
        })
      ).json()) as { actions: Action[] }
    ).actions.find((a) => a.action_id === id);

  it('a withdrawal needs a reason; withdrawn, the promise is gone, audited, and again changes nothing', async () => {
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'bad\u0000reason' }]) {
      const r = await withdraw(keys.mine, 'P2', body);
      expect(r.status).toBe(400);
    }
    expect(await versions('P2')).toBe(1);
    // cut short before its removal, sent again: withdrawn, audited once
    cut.next = true;
    expect((await withdraw(keys.mine, 'P2', { reason: 'recorded on the wrong loan' })).status).toBe(500);
    expect(await versions('P2')).toBe(1);
    const r = await withdraw(keys.mine, 'P2', { reason: 'recorded on the wrong loan' });
    expect([r.status, r.body.changed, r.body.withdrawn?.promised_amount]).toEqual([200, true, 80]);
    expect((await audits('collection_actions.withdraw', 'P2')).length).toBe(1);
    expect(await versions('P2')).toBe(0);
    expect(await openPromises('L3')).toEqual([]);
    const [c] = await corrections('P2');
    expect([c!.action, c!.old_loan_id, c!.new_row]).toEqual(['retract', 'L3', '']);
    const [a] = await audits('collection_actions.withdraw', 'P2');
    expect(JSON.parse(a!.details)).toMatchObject({
      reason: 'recorded on the wrong loan',
      before: { promised_amount: 80 },
    });
    const again = await withdraw(keys.mine, 'P2', { reason: 'recorded on the wrong loan' });
    expect([again.status, again.body.changed]).toEqual([200, false]);
    expect((await corrections('P2')).length).toBe(1);
    // its id stays used: not corrected, not recorded again (a retried POST would bring it back)
    expect((await put(keys.mine, 'P2', promise('80.00'))).status).toBe(409);
    const re = await post(keys.mine, { action_id: 'P2', loan_id: 'L3', ...promise('80.00') });
    expect(re.status).toBe(409);
    expect(re.body.error?.message).toMatch(/^action P2 was withdrawn/u);
    // outside the queue, a withdrawn action is no more visible than a stored one
    expect((await withdraw(keys.west, 'P2', { reason: 'x' })).status).toBe(404);
  });
});
