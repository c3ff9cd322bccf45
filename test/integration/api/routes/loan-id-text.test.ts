// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';

/*
 * A lender's own loan ids, as ingest takes them (any identifier of at most 128 characters without a
 * control character), reach every route that names a loan: the API's score lookup, batch scores and a
 * loan's actions, and the console's loan page. Each was refused with "letters, digits, _ . and -".
 */
const asOf = '2024-06-30';
const ids = ['LN/2024/0001', '借2024字第001号', 'HT 2024-7', 'a+b=c&d?e#f', `L${'9'.repeat(127)}`] as const;
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    ...ids.map((id, i) => `${q(id)},c${i},consumer,2023-12-15,600.00,0.2,6,east`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...ids.flatMap((id) => due.map((d, i) => `${q(id)},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...ids.flatMap((id, j) => due.slice(0, 3).map((d, i) => `p${j}-${i},${q(id)},${d},110.00`)),
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,team,agent_id',
    ...ids.map((id, j) => `a${j},${q(id)},2024-06-25,phone,contacted,east-mid,ag-1`),
  ],
};

describe("a lender's own loan ids through the API and the console", () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';

  beforeAll(async () => {
    wh = await warehouseWithFiles('loan_id_text', files, asOf);
    admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const call = (path: string, init: { method?: string; body?: unknown } = {}) =>
    app.request(path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it("a loan's actions, its score lookup and batch scores take every id (no shape refusal)", async () => {
    for (const id of ids) {
      const actions = await call(`/v1/collection-actions?loan_id=${encodeURIComponent(id)}`);
      const body = (await actions.json()) as { actions?: { loan_id: string }[] };
      expect(actions.status, id).toBe(200);
      expect(
        body.actions?.map((a) => a.loan_id),
        id,
      ).toEqual([id]);
      // no champion scored this book: not found, never a refusal of the id's characters
      const score = await call(`/v1/loans/${encodeURIComponent(id)}/score`);
      expect(score.status, id).not.toBe(400);
    }
    const batch = await call('/v1/scores', { method: 'POST', body: { loan_ids: [...ids] } });
    expect(batch.status).not.toBe(400);
  });

  it('the console opens each loan page by its id, and links to it encoded', async () => {
    const b = consoleBrowser(() => app);
    expect((await b.signIn(admin)).status).toBe(303);
    const queue = await (await b.request(`/console/queue?as_of=${asOf}`)).text();
    for (const id of ids) {
      expect(queue, id).toContain(`/console/loans/${encodeURIComponent(id)}?`);
      const r = await b.request(`/console/loans/${encodeURIComponent(id)}?as_of=${asOf}&lang=en`);
      expect(r.status, id).toBe(200);
    }
  });

  it('still refuses an id with a control or format character, or longer than 128', async () => {
    for (const id of ['L1\u0000', 'L\u200b1', 'L\u202e1', `L${'9'.repeat(128)}`]) {
      expect((await call(`/v1/collection-actions?loan_id=${encodeURIComponent(id)}`)).status, JSON.stringify(id)).toBe(
        400,
      );
      expect((await call(`/v1/loans/${encodeURIComponent(id)}/score`)).status, JSON.stringify(id)).toBe(400);
    }
  });
});
