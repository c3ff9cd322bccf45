import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../pipelines/generate/random.ts';
import { queryRows } from '../../../warehouse/connection.ts';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';

const nasty = ["'; DROP TABLE loans --", '1 OR 1=1', '{x:String}', '\u0000', '贷款', '😀', '../../etc/passwd', '%00', '-1', '1e309', '99999999999999999999',
  'NaN', 'null', 'true', '[]', '{}', '2024-13-45', '2024-06-30T00:00:00Z', ' ', 'a'.repeat(5000), '\\N', 'month_end', 'product,region', ',,,', '"quoted"'];
const params = ['stage', 'team', 'cursor', 'action', 'period', 'lang', 'format', 'rule', 'kind', 'severity', 'loan_id', 'group_by', 'basis', 'cohort_grain', 'product', 'region', 'branch', 'channel', 'cohort_from', 'cohort_to', 'from', 'to', 'as_of', 'view', 'limit', 'x'];
const paths = ['/v1/metrics/overdue', '/v1/metrics/vintage', '/v1/metrics/roll-rate', '/v1/metrics/recovery', '/v1/metrics/classification',
  '/v1/metrics/collections', '/v1/models', '/v1/loans/{id}/score', '/v1/scores', '/v1/models/{name}/{version}/promote', '/health', '/v1/unknown', '/v1/cases',
  '/v1/warnings', '/v1/audit', '/v1/reports/{name}', '/v1/reports/overdue-trend', '/v1/reports/management'];

describe('API fuzz: 10,000 malformed requests', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  let key = '';
  beforeAll(async () => {
    wh = await warehouseWithBook('fuzz', { loans: 300, months: 14, seed: 3 });
    key = (await createApiKey(wh, { role: 'admin' })).key;
    app = createApp({ wh, log: () => {}, rateLimitPerMinute: 1_000_000, maxBodyBytes: 16 * 1024, snapshotSettings: defaultSettings });
  });
  afterAll(async () => wh?.dispose());

  it('never answers 5xx, never crashes, changes no data', async () => {
    const before = await queryRows<{ n: string }>(wh, `SELECT (SELECT count() FROM ${wh.database}.loans) + (SELECT count() FROM ${wh.database}.loan_month) AS n`);
    const rng = new Rng(2024);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)]!;
    const value = () => (rng.chance(0.5) ? pick(nasty) : rng.chance(0.5) ? String(Math.floor(rng.uniform(-1e12, 1e12))) : encodeURIComponent(pick(nasty)));
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const path = pick(paths).replace('{id}', encodeURIComponent(value())).replace('{name}', encodeURIComponent(value())).replace('{version}', encodeURIComponent(value()));
      const qs = Array.from({ length: rng.int(0, 4) }, () => `${pick(params)}=${encodeURIComponent(value())}`);
      if (rng.chance(0.2)) qs.push(qs[0] ?? 'basis=count'); // duplicated parameter
      const method = pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']);
      const body = method === 'GET' ? undefined : pick([JSON.stringify({ loan_ids: [value()] }), JSON.stringify({ reason: value() }), value(), '{"loan_ids":', JSON.stringify({ loan_ids: Array(5000).fill('x') })]);
      const headers: Record<string, string> = { authorization: rng.chance(0.9) ? `Bearer ${key}` : `Bearer ${encodeURIComponent(value())}` }; // header values are Latin-1 on the wire
      if (body !== undefined) headers['content-type'] = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
      const r = await app.request(`${path}${qs.length ? `?${qs.join('&')}` : ''}`, { method, headers, body });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.status, `${method} ${path}?${qs.join('&')} → ${r.status}: ${(await r.clone().text()).slice(0, 300)}`).toBeLessThan(500);
      const text = await r.text();
      expect(text).not.toMatch(/DB::Exception|Code: \d+|at [\w.]+ \(|\.ts:\d+/);
    }
    const after = await queryRows<{ n: string }>(wh, `SELECT (SELECT count() FROM ${wh.database}.loans) + (SELECT count() FROM ${wh.database}.loan_month) AS n`);
    expect(after).toEqual(before);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});
