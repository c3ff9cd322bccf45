// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { readAuditLog } from '../../../../api/audit-read.ts';
import type { CorrectionRow } from '../../../../pipelines/ingest/corrections-list.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

interface Page {
  corrections: CorrectionRow[];
  next_cursor: string | null;
}

/**
 * GET /v1/corrections?old_ingest_id=: the trail of the rows one ingest run had loaded, which a later
 * run corrected, retracted or rolled back — the question after a wrong day's files ("what became of
 * that run's rows?"), which no filter answered.
 */
describe('GET /v1/corrections: the rows of one ingest run (old_ingest_id)', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let key = '';
  const runs = { first: '', second: '' };
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'corrections_old_run',
      {
        'loans.csv': [
          'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
          'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
        ],
        'payments.csv': ['payment_id,loan_id,paid_date,amount', 'P1,L1,2024-01-15,100.00', 'P2,L1,2024-02-15,100.00'],
      },
      false,
    );
    const [first] = await queryRows<{ ingest_id: string }>(
      wh,
      `SELECT DISTINCT ingest_id FROM ${wh.database}.payments WHERE payment_id = 'P1'`,
    );
    runs.first = first!.ingest_id;
    const dir = mkdtempSync(join(tmpdir(), 'corrections-old-run-'));
    const later = join(dir, 'payments-03.csv');
    writeFileSync(later, 'payment_id,loan_id,paid_date,amount\nP3,L1,2024-03-15,100.00\nP4,L1,2024-04-15,100.00\n');
    runs.second = (await ingest(wh, [later], { piiSecret: 's', entity: 'payments' })).ingestId;
    // P1 (first run) corrected, P2 (first run) and P3, P4 (second run) retracted
    const fix = join(dir, 'payments.csv');
    writeFileSync(fix, 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-15,120.00\n');
    await ingest(wh, [fix], { piiSecret: 's', correct: true, origin: { actor: 'cli:ops@h', reason: 'statement' } });
    const keysFile = join(dir, 'payments-keys.csv');
    writeFileSync(keysFile, 'payment_id\nP2\nP3\nP4\n');
    await retract(wh, [keysFile], { entity: 'payments', origin: { actor: 'cli:ops@h', reason: 'reversed' } });
    key = (await createApiKey(wh, { role: 'auditor', label: 'ia' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const get = async (query: string) => {
    const r = await app.request(`/v1/corrections?${query}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: r.status, body: (await r.json()) as Page };
  };
  const keysOf = (p: Page) => p.corrections.map((r) => `${r.action} ${r.key}`).sort();

  it("lists only the rows the given run had loaded, whatever later run changed them; another run's id none", async () => {
    expect(keysOf((await get(`old_ingest_id=${runs.first}`)).body)).toEqual(['correct P1', 'retract P2']);
    expect(keysOf((await get(`old_ingest_id=${runs.second}`)).body)).toEqual(['retract P3', 'retract P4']);
    const every = (await get(`old_ingest_id=${runs.second}`)).body.corrections;
    expect(every.every((r) => r.old_ingest_id === runs.second)).toBe(true);
    expect((await get('old_ingest_id=no-such-run')).body.corrections).toEqual([]);
    // with the other filters
    expect(keysOf((await get(`old_ingest_id=${runs.first}&key=P2`)).body)).toEqual(['retract P2']);
  });

  it('pages within the run; a cursor of the run is refused for another run (400 on cursor)', async () => {
    const first = await get(`old_ingest_id=${runs.second}&limit=1`);
    expect(first.body.corrections).toHaveLength(1);
    const cursor = first.body.next_cursor!;
    const rest = await get(`old_ingest_id=${runs.second}&limit=1&cursor=${cursor}`);
    expect(keysOf({ corrections: [...first.body.corrections, ...rest.body.corrections], next_cursor: null })).toEqual([
      'retract P3',
      'retract P4',
    ]);
    const other = await get(`old_ingest_id=${runs.first}&limit=1&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect((await get(`limit=1&cursor=${cursor}`)).status).toBe(400);
  });

  it('is audited with the run asked for; an overlong id is a 400; the OpenAPI document describes it', async () => {
    await get(`old_ingest_id=${runs.first}`);
    const [row] = await readAuditLog(wh, { actions: ['corrections.list'] }, 1);
    expect(JSON.parse(row!.details)).toMatchObject({ old_ingest_id: runs.first, returned: 2 });
    expect((await get(`old_ingest_id=${'x'.repeat(201)}`)).status).toBe(400);
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters: { name: string; description: string }[] } }>;
    };
    const param = doc.paths['/v1/corrections']!.get.parameters.find((p) => p.name === 'old_ingest_id');
    expect(param?.description).toMatch(/ingest run.*\(e\.g\. [0-9a-f-]{36}\)\. Left out: every run\.$/u);
  });
});
