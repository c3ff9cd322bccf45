import { archiveRootOf } from '../reports/archive/store.ts';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { UserError } from '../lib/user-error.ts';
import { delinquencySettings, type Config } from '../warehouse/config.ts';
import type { Warehouse } from '../warehouse/connection.ts';
import { defaultSnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import { createApp } from './app.ts';
import { QueryGate, queryGateOptions } from './query-gate.ts';

/** The port cannot be listened on (in use, or privileged): something the user fixes, exit 2. */
export class PortError extends UserError {}

function portError(e: NodeJS.ErrnoException, port: number): Error {
  if (e.code === 'EADDRINUSE')
    return new PortError(`port ${port} is in use — stop the other process or set --port / LOANWATCH_PORT`, {
      cause: e,
    });
  if (e.code === 'EACCES')
    return new PortError(
      `port ${port} needs privileges this user lacks — choose a port above 1023 with --port / LOANWATCH_PORT`,
      { cause: e },
    );
  return e;
}

/** Listens, or rejects with the listen error (never an unhandled 'error' event). */
function listen(server: Server | ReturnType<typeof createNetServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(portError(e, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port);
  });
}

/**
 * Resolves when `port` could be listened on right now (on the same addresses as the API), else
 * rejects with a PortError; lets the demo refuse a busy port before its pipeline runs. Port 0
 * (any free port) is always free.
 */
export async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createNetServer();
  await listen(probe, port);
  await new Promise<void>((resolve) => {
    probe.close(() => {
      resolve();
    });
  });
}

/** The Node server's limits, from the config (README, Configuration). */
export function serverLimits(config: Config) {
  return {
    // Node refuses a headers timeout above the request timeout
    headersTimeout: Math.min(config.LOANWATCH_API_HEADERS_TIMEOUT_MS, config.LOANWATCH_API_REQUEST_TIMEOUT_MS),
    requestTimeout: config.LOANWATCH_API_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.LOANWATCH_API_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.LOANWATCH_API_MAX_CONNECTIONS,
  };
}

/**
 * The API listening on `port` (0: any free port); resolves once it listens, with the port it got.
 * Slow clients are cut off (headers and whole-request timeouts), idle keep-alive connections
 * closed, and connections above the cap closed on arrival. A busy port rejects with a PortError.
 */
export async function startServer(
  wh: Warehouse,
  config: Config,
  port: number,
): Promise<{ server: Server; port: number }> {
  const log = (e: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(e)}\n`);
  const app = createApp({
    wh,
    log,
    rateLimitPerMinute: config.LOANWATCH_API_RATE_LIMIT,
    anonRateLimitPerMinute: config.LOANWATCH_API_ANON_RATE_LIMIT,
    keyCacheMs: config.LOANWATCH_API_KEY_CACHE_MS,
    maxBodyBytes: config.LOANWATCH_API_MAX_BODY_BYTES,
    snapshotSettings: defaultSnapshotSettings(delinquencySettings(config)),
    cjkFont: config.LOANWATCH_CJK_FONT,
    archiveRoot: archiveRootOf(config.LOANWATCH_DATA_DIR),
    promiseWindowDays: config.LOANWATCH_PROMISE_MAX_DAYS,
    queryGate: new QueryGate(queryGateOptions(config, wh.embedded)),
  });
  const limits = serverLimits(config);
  const server = createAdaptorServer({
    // Node checks the two timeouts every connectionsCheckingInterval (30 s by default): once a second keeps them close to their values
    fetch: app.fetch,
    serverOptions: {
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      connectionsCheckingInterval: 1_000,
    },
  }) as Server;
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.maxConnections = limits.maxConnections;
  await listen(server, port);
  // after listening, a server error (e.g. out of file descriptors) is logged, not thrown from an event
  server.on('error', (e) => log({ at: new Date().toISOString(), level: 'error', error: `server: ${String(e)}` }));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/**
 * Until SIGINT/SIGTERM: then the server stops accepting, idle connections close, in-flight
 * requests finish; connections still open after `graceMs` are closed.
 */
export function serveUntilSignal(
  server: Server,
  o: { log?: (line: string) => void; graceMs?: number } = {},
): Promise<void> {
  const log =
    o.log ??
    ((line: string) => {
      console.error(line);
    });
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      log(`${signal}: finishing in-flight requests`);
      const force = setTimeout(() => {
        server.closeAllConnections();
      }, o.graceMs ?? 10_000);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    };
    const onInt = () => {
      stop('SIGINT');
    };
    const onTerm = () => {
      stop('SIGTERM');
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
