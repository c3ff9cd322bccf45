import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../api/auth/keys.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { filledPath, requiredQuery, type OpenApiDocument } from '../../helpers/openapi-paths.ts';
import { unthrottledApp } from '../../helpers/test-app.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/**
 * A GET or HEAD that says it carries a body — over the body limit, or chunked — is answered as
 * without it (review 2026-12-06 §12: a GET declaring over 1 MiB got a 413 its OpenAPI responses did
 * not list). The document matches: 413 on the operations that take a body, on no other.
 */
describe('bodies of GET and HEAD are ignored, never refused', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  let doc: OpenApiDocument;
  beforeAll(async () => {
    wh = await warehouseWithBook('get_body', { loans: 120, months: 10, seed: 4 });
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
    doc = (await (await app.request('/openapi.json')).json()) as typeof doc;
  });
  afterAll(() => disposeIfOpened(wh));

  it('every documented GET route, asked with a declared body over the limit or a chunked one, answers as without it, with a documented status', async () => {
    const over = String(2 * 1024 * 1024);
    const checked: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op) continue;
      const query = requiredQuery(op);
      const path = `${filledPath(template)}${query.length ? `?${query.join('&')}` : ''}`;
      for (const method of ['GET', 'HEAD']) {
        const ask = (extra: Record<string, string>) =>
          app.request(path, { method, headers: { authorization: `Bearer ${admin}`, ...extra } });
        const plain = await ask({});
        const extras: Record<string, string>[] = [
          { 'content-length': over },
          { 'content-length': '1' },
          { 'transfer-encoding': 'chunked' },
        ];
        for (const extra of extras) {
          const r = await ask(extra);
          const what = `${method} ${path} ${JSON.stringify(extra)}`;
          expect(r.status, what).toBe(plain.status);
          expect(r.status, what).not.toBe(413);
          expect(Object.keys(op.responses), `${what}: ${r.status} not in the document`).toContain(String(r.status));
          await r.body?.cancel();
        }
        await plain.body?.cancel();
        checked.push(`${method} ${template}`);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /v1/cases', 'GET /v1/models', 'HEAD /health', 'GET /v1/audit']),
    );
  });

  it('a body is still limited where one is read: 413 on the operations that take one, and the document lists 413 there only', async () => {
    const ops = Object.entries(doc.paths).flatMap(([path, o]) => Object.entries(o).map(([m, op]) => ({ path, m, op })));
    for (const { path, m, op } of ops)
      expect(Object.keys(op.responses).includes('413'), `${m} ${path}`).toBe(op.requestBody !== undefined);
    const r = await app.request('/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin', label: 'x'.repeat(128 * 1024) }),
    });
    expect(r.status).toBe(413);
  });
});
