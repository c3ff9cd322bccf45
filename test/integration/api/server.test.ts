import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { loadConfig } from '../../../warehouse/config.ts';
import { checkPortFree, PortError, serverLimits, serveUntilSignal, startServer } from '../../../api/server.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { UserError } from '../../../lib/user-error.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A port some other process holds. */
async function busyPort() {
  const holder = createServer();
  await new Promise<void>((r) => {
    holder.listen(0, () => {
      r();
    });
  });
  return {
    port: (holder.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        holder.close(() => {
          r();
        });
      }),
  };
}

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      resolve(s);
    });
    s.once('error', reject);
  });
/** Everything the server sends until it closes the socket (or `ms` pass). */
const readUntilClosed = (s: Socket, ms: number) =>
  new Promise<{ text: string; closed: boolean }>((resolve) => {
    let text = '';
    const t = setTimeout(() => {
      resolve({ text, closed: false });
    }, ms);
    s.on('data', (d) => {
      text += d.toString();
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve({ text, closed: true });
    });
    // a reset by the server ends in 'close' as well; this listener only keeps the 'error' event from being thrown
    s.on('error', () => undefined);
  });

describe('api/server: limits, a busy port, keys on a running server', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  // unset if beforeAll fails before startServer returns
  let server: Server | undefined;
  let port = 0;
  const config = loadConfig({
    LOANWATCH_API_HEADERS_TIMEOUT_MS: '1000',
    LOANWATCH_API_REQUEST_TIMEOUT_MS: '2000',
    LOANWATCH_API_KEEP_ALIVE_TIMEOUT_MS: '1500',
    LOANWATCH_API_MAX_CONNECTIONS: '3',
    LOANWATCH_API_KEY_CACHE_MS: '60000',
  });
  beforeAll(async () => {
    wh = await testWarehouse('server');
    ({ server, port } = await startServer(wh, config, 0));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => {
      if (server) {
        server.close(() => {
          r();
        });
      } else r();
    });
    await disposeIfOpened(wh);
  });

  it('a busy port is a one-line UserError, from checkPortFree and from startServer (never an unhandled error event)', async () => {
    const other = await busyPort();
    try {
      const expected = `port ${other.port} is in use — stop the other process or set --port / LOANWATCH_PORT`;
      const e1 = await checkPortFree(other.port).then(
        () => null,
        (e: unknown) => e,
      );
      expect(e1).toBeInstanceOf(PortError);
      expect(e1).toBeInstanceOf(UserError);
      expect((e1 as Error).message).toBe(expected);
      const e2 = await startServer(wh, config, other.port).then(
        () => null,
        (e: unknown) => e,
      );
      expect(e2).toBeInstanceOf(PortError);
      expect((e2 as Error).message).toBe(expected);
    } finally {
      await other.close();
    }
    await expect(checkPortFree(other.port)).resolves.toBeUndefined();
    await expect(checkPortFree(port)).rejects.toThrow(/in use/);
  });

  it('the Node server carries the configured limits', () => {
    expect(serverLimits(config)).toEqual({
      headersTimeout: 1000,
      requestTimeout: 2000,
      keepAliveTimeout: 1500,
      maxConnections: 3,
    });
    const s = server!;
    expect([s.headersTimeout, s.requestTimeout, s.keepAliveTimeout, s.maxConnections]).toEqual([1000, 2000, 1500, 3]);
    // Node refuses a headers timeout above the request timeout: it is capped
    expect(
      serverLimits(loadConfig({ LOANWATCH_API_HEADERS_TIMEOUT_MS: '60000', LOANWATCH_API_REQUEST_TIMEOUT_MS: '30000' }))
        .headersTimeout,
    ).toBe(30_000);
  });

  it('a client that never finishes its headers is cut off; connections above the cap are closed on arrival', async () => {
    const slow = await open(port);
    slow.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const t0 = Date.now();
    const r = await readUntilClosed(slow, 8000);
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - t0).toBeLessThan(5000);
    const held = [await open(port), await open(port), await open(port)];
    const extra = await open(port);
    expect((await readUntilClosed(extra, 3000)).closed).toBe(true);
    for (const s of held) s.destroy();
  });

  it('on a running server: Bearer in any case, and a key revoked through the API gets 401 on its next request', async () => {
    const admin = await createApiKey(wh, { role: 'admin' });
    const victim = await createApiKey(wh, { role: 'auditor' });
    const base = `http://127.0.0.1:${port}`;
    expect(
      (await fetch(`${base}/v1/audit?limit=1`, { headers: { authorization: `BEARER ${victim.key}` } })).status,
    ).toBe(200);
    const r = await fetch(`${base}/v1/keys/${victim.key_id}/revoke`, {
      method: 'POST',
      headers: { authorization: `bearer ${admin.key}`, 'content-type': 'application/json' },
      body: '{"reason":"left"}',
    });
    expect(r.status).toBe(200);
    expect(
      (await fetch(`${base}/v1/audit?limit=1`, { headers: { authorization: `Bearer ${victim.key}` } })).status,
    ).toBe(401);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serveUntilSignal: SIGTERM stops the server, closing idle and lingering connections', async () => {
    const second = await startServer(wh, config, 0);
    const lines: string[] = [];
    const stopped = serveUntilSignal(second.server, { log: (l) => lines.push(l), graceMs: 300 });
    const idle = await open(second.port);
    // a request whose body never comes holds its connection until the grace period ends
    const stuck = await open(second.port);
    stuck.write(
      'POST /v1/scores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const closedIdle = readUntilClosed(idle, 5000);
    const closedStuck = readUntilClosed(stuck, 5000);
    process.emit('SIGTERM');
    const t0 = Date.now();
    await stopped;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(lines).toEqual(['SIGTERM: finishing in-flight requests']);
    expect((await closedIdle).closed).toBe(true);
    expect((await closedStuck).closed).toBe(true);
    expect(process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')).toBe(0);
    expect(second.server.listening).toBe(false);
  });
});
