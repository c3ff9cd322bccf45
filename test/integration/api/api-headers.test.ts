import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../api/auth/keys.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { filledPath, requiredQuery, type OpenApiDocument } from '../../helpers/openapi-paths.ts';
import { unthrottledApp } from '../../helpers/test-app.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/*
 * Every /v1 answer is kept from shared caches, never sniffed, and under a script-less CSP; a CSV is
 * an attachment, a PDF inline with a file name (review 4 §4: only content-type and a request id
 * were sent, with an X-API-Key request — not treated as authorised by a cache — too). The console
 * keeps its own headers.
 */
describe('security headers of the /v1 answers', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  let doc: OpenApiDocument;
  beforeAll(async () => {
    wh = await warehouseWithBook('api_headers', { loans: 120, months: 10, seed: 4 });
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
    doc = (await (await app.request('/openapi.json')).json()) as typeof doc;
  });
  afterAll(() => disposeIfOpened(wh));

  const secured = (r: Response, what: string) => {
    expect(r.headers.get('cache-control'), what).toMatch(/^(no-store|private\b.*)$/u);
    expect(r.headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(r.headers.get('content-security-policy'), what).toMatch(/default-src 'none'.*frame-ancestors 'none'/u);
    expect(r.headers.get('content-security-policy'), what).not.toMatch(/script-src/u);
  };

  it('every documented GET /v1 path, by Bearer and by X-API-Key, answered or refused, and without a key', async () => {
    const checked: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op || !template.startsWith('/v1/')) continue;
      const query = requiredQuery(op);
      const path = `${filledPath(template)}${query.length ? `?${query.join('&')}` : ''}`;
      const asked: Record<string, string>[] = [{ authorization: `Bearer ${admin}` }, { 'x-api-key': admin }, {}];
      for (const headers of asked) {
        const r = await app.request(path, { headers });
        secured(r, `${path} ${Object.keys(headers).join()} → ${r.status}`);
        await r.body?.cancel();
      }
      checked.push(template);
    }
    expect(checked).toEqual(expect.arrayContaining(['/v1/cases', '/v1/audit', '/v1/keys', '/v1/reports/{template}']));
  });

  it('a CSV is an attachment, a PDF inline with its name, a report page under the CSP; metrics keep their private caching', async () => {
    const get = (path: string, accept?: string) =>
      app.request(path, { headers: { authorization: `Bearer ${admin}`, ...(accept ? { accept } : {}) } });
    const cases = await get('/v1/cases?as_of=2024-06-30&limit=5', 'text/csv');
    expect(cases.status).toBe(200);
    expect(cases.headers.get('content-disposition')).toBe('attachment; filename="cases.csv"');
    const chart = await get('/v1/reports/overdue-trend?period=2024-06&format=csv');
    expect(chart.headers.get('content-disposition')).toBe('attachment; filename="overdue-trend.csv"');
    const page = await get('/v1/reports/overdue-trend?period=2024-06&format=html');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/u);
    secured(page, 'report html');
    const metric = await get('/v1/metrics/overdue?from=2024-01-01&to=2024-06-30');
    expect(metric.headers.get('cache-control')).toBe('private, max-age=60');
    secured(metric, 'metric');
    for (const r of [cases, chart, page, metric]) await r.body?.cancel();
  });

  it('the console keeps its own headers', async () => {
    const r = await app.request('/console/login');
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/u);
    expect(r.headers.get('referrer-policy')).toBe('same-origin');
    await r.body?.cancel();
  });
});
