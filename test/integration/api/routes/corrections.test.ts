// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { readAuditLog } from '../../../../api/audit-read.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import type { CorrectionRow } from '../../../../pipelines/ingest/corrections-list.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

interface Page {
  corrections: CorrectionRow[];
  next_cursor: string | null;
}

/**
 * GET /v1/corrections: the trail of rows corrected or retracted by ingest and of recorded actions
 * corrected in the API, newest first, with who and why; for auditors and admins, each read audited.
 */
describe('GET /v1/corrections', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys = { auditor: '', auditorId: '', collector: '', admin: '', adminId: '' };
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'corrections_route',
      {
        'loans.csv': [
          'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
          'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
        ],
        'payments.csv': ['payment_id,loan_id,paid_date,amount', 'P1,L1,2024-01-15,100.00', 'P2,L1,2024-02-15,100.00'],
      },
      false,
    );
    const dir = mkdtempSync(join(tmpdir(), 'corrections-route-'));
    const fix = join(dir, 'payments.csv');
    writeFileSync(fix, 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-15,120.00\n');
    const origin = { actor: 'cli:ops@risk-01 (zhou.ia)', reason: 'bank statement 01-15' };
    await ingest(wh, [fix], { piiSecret: 's', correct: true, origin });
    const keysFile = join(dir, 'payments-keys.csv');
    writeFileSync(keysFile, 'payment_id\nP2\n');
    await retract(wh, [keysFile], { entity: 'payments', origin: { actor: 'cli:ops@risk-01', reason: 'reversed' } });
    const auditor = await createApiKey(wh, { role: 'auditor', label: 'ia' });
    const admin = await createApiKey(wh, { role: 'admin', label: 'adm' });
    Object.assign(keys, {
      auditor: auditor.key,
      auditorId: auditor.key_id,
      admin: admin.key,
      adminId: admin.key_id,
      collector: (await createApiKey(wh, { role: 'collector', region: 'east', label: 'c' })).key,
    });
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const get = async (key: string, query = '') => {
    const r = await app.request(`/v1/corrections${query}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: r.status, body: (await r.json()) as Page };
  };

  it('lists the correction and the retraction, newest first, with who and why and the rows before and after', async () => {
    const { status, body } = await get(keys.auditor);
    expect(status).toBe(200);
    expect(body.corrections.map((r) => [r.action, r.key, r.actor, r.reason])).toEqual([
      ['retract', 'P2', 'cli:ops@risk-01', 'reversed'],
      ['correct', 'P1', 'cli:ops@risk-01 (zhou.ia)', 'bank statement 01-15'],
    ]);
    const [, corrected] = body.corrections;
    expect(JSON.parse(corrected!.old_row)).toMatchObject({ payment_id: 'P1', amount: '100.00' });
    expect(JSON.parse(corrected!.new_row)).toMatchObject({ payment_id: 'P1', amount: '120.00' });
    expect(corrected).toMatchObject({ entity: 'payments', line: 2 });
    expect(body.next_cursor).toBeNull();
  });

  it('a correction made through the API names its key and reason', async () => {
    const send = (method: string, path: string, b: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    const action = { action_date: '2024-02-20', channel: 'phone', outcome: 'contacted' };
    expect((await send('POST', '/v1/collection-actions', { action_id: 'A1', loan_id: 'L1', ...action })).status).toBe(
      201,
    );
    const put = await send('PUT', '/v1/collection-actions/A1', { ...action, outcome: 'refused', reason: 'misclicked' });
    expect(put.status).toBe(200);
    const { body } = await get(keys.auditor, '?entity=collection_actions');
    expect(body.corrections.map((r) => [r.action, r.key, r.actor, r.reason])).toEqual([
      ['correct', 'A1', keys.adminId, 'misclicked'],
    ]);
  });

  it('filters by key, loan and day; pages with the cursor', async () => {
    expect((await get(keys.auditor, '?key=P1')).body.corrections.map((r) => r.key)).toEqual(['P1']);
    expect((await get(keys.auditor, '?loan_id=L9')).body.corrections).toEqual([]);
    expect((await get(keys.auditor, '?since=2100-01-01')).body.corrections).toEqual([]);
    const first = await get(keys.auditor, '?entity=payments&limit=1');
    expect(first.body.corrections.map((r) => r.key)).toEqual(['P2']);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await get(keys.auditor, `?entity=payments&limit=1&cursor=${first.body.next_cursor!}`);
    expect(second.body.corrections.map((r) => r.key)).toEqual(['P1']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('each read is audited as corrections.list; a collector is refused (403); a bad entity is a 400', async () => {
    await get(keys.auditor, '?key=P1');
    const [row] = await readAuditLog(wh, { actions: ['corrections.list'] }, 1);
    expect(row).toMatchObject({ key_id: keys.auditorId, role: 'auditor', target: '' });
    expect(JSON.parse(row!.details)).toEqual({ entity: null, key: 'P1', loan: null, since: null, returned: 1 });
    expect((await get(keys.collector)).status).toBe(403);
    expect((await get(keys.auditor, '?entity=payment')).status).toBe(400);
  });

  it('is in the OpenAPI document, its rows as RowCorrection', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: unknown }>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.paths['/v1/corrections']?.get).toBeDefined();
    expect(doc.components.schemas.RowCorrection).toBeDefined();
  });
});
