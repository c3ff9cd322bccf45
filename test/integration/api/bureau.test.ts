import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { defaultCodeTable } from '../../../pipelines/bureau/codes.ts';
import { bureauSubmission, submissionColumns } from '../../../pipelines/bureau/submission.ts';
import { warehouseWithFiles } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/*
 * Three loans, as of 2024-06-30: P pays on time (N), L never pays (band 6 in June), W is charged off
 * in April and stays B; the route serves what `loanwatch bureau` writes, as JSON or CSV.
 */
const monthly = (id: string) =>
  ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'].map(
    (d, i) => `${id},${i + 1},${d},90.00,10.00`,
  );
const files = {
  'customers.csv': ['customer_id,id_number', 'c1,110101199001011234'],
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    ...['L', 'P', 'W'].map((id) => `${id},c1,consumer,2023-12-31,540.00,0.2,6,east`),
  ],
  'schedule.csv': ['loan_id,installment_no,due_date,principal_due,interest_due', ...['L', 'P', 'W'].flatMap(monthly)],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...['01-31', '02-29', '03-31', '04-30', '05-31'].map((d, i) => `P${i},P,2024-${d},100.00`),
  ],
  'loan_events.csv': ['event_id,loan_id,event_date,type,amount,note', 'W1,W,2024-04-15,charge_off,540.00,'],
};

describe('GET /v1/bureau', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};
  const get = (path: string, key: string, accept = 'application/json') =>
    app.request(path, { headers: { authorization: `Bearer ${key}`, accept } });

  beforeAll(async () => {
    wh = await warehouseWithFiles('bureauapi', files, '2024-06-30');
    app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 100_000,
      anonRateLimitPerMinute: 100_000,
      keyCacheMs: 5_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
    for (const role of ['admin', 'executive', 'auditor', 'modeler'] as const)
      keys[role] = (await createApiKey(wh, { role, label: role })).key;
    keys.collector = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'east' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  it('JSON: the submission `loanwatch bureau` writes, for the admin and the auditor', async () => {
    const want = await bureauSubmission(wh, '2024-06', defaultCodeTable, defaultSettings);
    expect(want.map((r) => [r.account, r.status_code])).toEqual([
      ['L', '6'], // DPD 151 (from 01-31)
      ['P', 'N'], // June's installment is due on the month-end itself: not yet past due
      ['W', 'B'], // charged off in April, still open with the bureau
    ]);
    for (const role of ['admin', 'auditor']) {
      const r = await get('/v1/bureau?month=2024-06', keys[role]!);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ month: '2024-06', accounts: want });
    }
  });

  it('CSV with Accept: text/csv, the documented columns in order', async () => {
    const r = await get('/v1/bureau?month=2024-05', keys.admin!, 'text/csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    const [header, ...lines] = (await r.text()).trimEnd().split('\n');
    expect(header).toBe(submissionColumns.join(','));
    const rows = await bureauSubmission(wh, '2024-05', defaultCodeTable, defaultSettings);
    expect(lines).toEqual(rows.map((x) => submissionColumns.map((c) => x[c]).join(',')));
  });

  it('refuses other roles, a month after the snapshot and a malformed month', async () => {
    for (const role of ['executive', 'modeler', 'collector'])
      expect((await get('/v1/bureau?month=2024-06', keys[role]!)).status).toBe(403);
    const late = await get('/v1/bureau?month=2024-07', keys.admin!);
    expect(late.status).toBe(400);
    expect(JSON.stringify(await late.json())).toContain('after the latest snapshot month-end 2024-06-30');
    for (const q of ['month=2024-6', 'month=2024-13', '', 'month=2024-06&x=1'])
      expect((await get(`/v1/bureau?${q}`, keys.admin!)).status).toBe(400);
  });
});
