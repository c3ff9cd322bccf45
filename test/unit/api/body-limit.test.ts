import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestBodyLimit } from '../../../api/body-limit.ts';

/** A request whose `body` getter counts its reads: on @hono/node-server, a read builds the full fetch Request. */
function counted(url: string, init: RequestInit) {
  const req = new Request(url, init);
  const reads = { body: 0 };
  const body = req.body;
  Object.defineProperty(req, 'body', {
    get() {
      reads.body++;
      return body;
    },
  });
  return { req, reads };
}

function app(maxSize: number) {
  const a = new Hono();
  a.use(
    '*',
    requestBodyLimit(maxSize, (c) => c.text('too large', 413)),
  );
  a.all('/echo', async (c) => c.text(c.req.method === 'POST' ? String((await c.req.text()).length) : 'ok'));
  return a;
}

describe('requestBodyLimit', () => {
  it('a GET or HEAD without a declared body passes without its body being read', async () => {
    for (const method of ['GET', 'HEAD']) {
      const { req, reads } = counted('http://x/echo', { method });
      const res = await app(16).fetch(req);
      expect(res.status).toBe(200);
      expect(reads.body).toBe(0);
    }
  });

  it('a GET or HEAD declaring a body is answered whatever its size, the body never read', async () => {
    for (const method of ['GET', 'HEAD'])
      for (const headers of [
        { 'content-length': '16' },
        { 'content-length': '17' },
        { 'content-length': String(2 ** 40) },
        { 'transfer-encoding': 'chunked' },
      ] as Record<string, string>[]) {
        const { req, reads } = counted('http://x/echo', { method, headers });
        const res = await app(16).fetch(req);
        expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(200);
        expect(reads.body).toBe(0);
      }
  });

  it('bodies of other methods are limited as before: at the limit passes, one byte over is refused', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const at = await app(16).fetch(new Request('http://x/echo', { method, body: 'x'.repeat(16) }));
      expect(at.status).toBe(200);
      const over = await app(16).fetch(new Request('http://x/echo', { method, body: 'x'.repeat(17) }));
      expect(over.status).toBe(413);
    }
  });

  it('a streamed body without a declared length is counted as it is read', async () => {
    const stream = (n: number) =>
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('x'.repeat(n)));
          c.close();
        },
      });
    const init = (n: number) => ({ method: 'POST', body: stream(n), duplex: 'half' }) as RequestInit;
    expect((await app(16).fetch(new Request('http://x/echo', init(16)))).status).toBe(200);
    expect((await app(16).fetch(new Request('http://x/echo', init(40)))).status).toBe(413);
  });
});
