// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { listPromises } from '../../../../pipelines/collections/promises.ts';
import { refreshSnapshots } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { findUnseen } from '../../../../pipelines/snapshot/run-ledger.ts';
import { snapshotChecksums } from '../../../../pipelines/snapshot/snapshot-checksums.ts';
import { stageSinceSnapshot } from '../../../../warehouse/metrics/promise-sources.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * A promise corrected or withdrawn through the API (api/routes/action-corrections.ts), then
 * `snapshot`: the refresh touches the loan — by the recorded action's content in the ledger, and by
 * the corrections' audit — rebuilds its derived facts without recomputing its loan-months, and ends
 * where a full rebuild does; once seen, nothing is touched again.
 */
const asOf = '2024-06-30';
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    'L1,c1,consumer,2024-01-15,600.00,0.2,6,east',
    'L2,c2,consumer,2024-01-15,600.00,0.2,6,east',
    'L3,c3,consumer,2024-01-15,600.00,0.2,6,east',
  ],
  'payments.csv': ['payment_id,loan_id,paid_date,amount', 'X1,L2,2024-06-30,50.00'],
};

describe('a corrected or withdrawn recorded promise, then snapshot', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  const refresh = (full = false) => refreshSnapshots(wh, { asOf, settings: defaultSettings, full });
  beforeAll(async () => {
    wh = await warehouseWithFiles('recorded_corrections', files, false);
    admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    app = unthrottledApp(wh);
    await refresh();
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const send = async (method: string, path: string, body: unknown) => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, await r.clone().text()).toBeLessThan(300);
  };
  const promise = (amount: string, date: string) => ({
    action_date: '2024-06-28',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: amount,
    promised_date: date,
  });
  const correct = (id: string, amount: string, date: string) =>
    send('PUT', `/v1/collection-actions/${id}`, promise(amount, date));
  const facts = () =>
    queryRows<{ action_id: string; loan_id: string; promised: string; due: string }>(
      wh,
      `SELECT action_id, loan_id, toDecimalString(promised_amount, 2) AS promised, toString(promise_due) AS due
      FROM ${wh.database}.collection_facts ORDER BY action_id`,
    );
  const promises = async () =>
    (await listPromises(wh, { asOf }))
      .map((p) => [p.action_id, p.loan_id, p.promised_amount, p.stage])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it('the refresh after a correction and a withdrawal holds the corrected promise only, as a full rebuild does', async () => {
    for (const [id, loan] of [
      ['P1', 'L1'],
      ['P2', 'L2'],
      ['P3', 'L3'],
    ] as const)
      await send('POST', '/v1/collection-actions', {
        action_id: id,
        loan_id: loan,
        ...promise('100.00', '2024-07-05'),
      });
    await refresh();
    expect((await facts()).map((f) => f.action_id)).toEqual(['P1', 'P2', 'P3']);

    await correct('P1', '150.00', '2024-07-10');
    await send('POST', '/v1/collection-actions/P3/withdraw', { reason: 'recorded in error' });
    // the ledger's key is the recorded action's content: the corrected version is new to it
    expect((await findUnseen(wh)).loans).toEqual(['L1']);
    const r = await refresh();
    expect(r.mode).toBe('refresh');
    // the loans of the corrected and the withdrawn action; an action is read by no loan-month
    expect([r.loansRefreshed, r.loansRecomputed]).toEqual([2, 0]);
    expect(await facts()).toEqual([
      { action_id: 'P1', loan_id: 'L1', promised: '150.00', due: '2024-07-13' },
      { action_id: 'P2', loan_id: 'L2', promised: '100.00', due: '2024-07-08' },
    ]);
    const staged = await promises();
    expect(staged.map((p) => p.slice(0, 3))).toEqual([
      ['P1', 'L1', 150],
      ['P2', 'L2', 100],
    ]);
    expect(staged.every((p) => p[3] !== stageSinceSnapshot)).toBe(true);
    const incremental = await snapshotChecksums(wh);
    await refresh(true);
    expect(await snapshotChecksums(wh)).toEqual(incremental);
  });

  it('corrected to another day: the case list shows the one promise at once, its stage waits for the snapshot', async () => {
    await send('PUT', '/v1/collection-actions/P1', { ...promise('160.00', '2024-07-10'), action_date: '2024-06-27' });
    const r = await app.request(`/v1/cases?as_of=${asOf}&limit=1000`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const cases = (await r.json()) as {
      cases: { loan_id: string; open_promises: { date: string; amount: number }[] }[];
    };
    expect(cases.cases.find((c) => c.loan_id === 'L1')?.open_promises).toEqual([{ date: '2024-07-10', amount: 160 }]);
    // the stage is the loan's on the action's day, which the snapshot has not read for the new day yet
    expect((await promises()).find((p) => p[0] === 'P1')).toEqual(['P1', 'L1', 160, stageSinceSnapshot]);
    await refresh();
    const [, , amount, stage] = (await promises()).find((p) => p[0] === 'P1')!;
    expect(amount).toBe(160);
    expect(stage).not.toBe(stageSinceSnapshot);
  });

  it('a promise corrected back to what it was: refreshed once, then nothing is touched again', async () => {
    await correct('P2', '120.00', '2024-07-05');
    await correct('P2', '100.00', '2024-07-05');
    const first = await refresh();
    expect(first.loansRefreshed).toBe(1);
    const again = await refresh();
    expect([again.loansRefreshed, again.loansRecomputed]).toEqual([0, 0]);
    expect((await facts()).find((f) => f.action_id === 'P2')?.promised).toBe('100.00');
  });
});
