import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, MiddlewareHandler } from 'hono';
import { TtlCache } from './cache.ts';
import type { ApiDeps, AppEnv } from './context.ts';
import { ApiError } from './errors.ts';
import { GateFullError, gatedWarehouse, laneStorage, QueryGate, type QueryGateOptions } from './query-gate.ts';

/**
 * Admission control of the API's heavy work (api/query-gate.ts): heavy() runs a computation as a
 * heavy request (the metric, report and case-list caches load through it: HeavyLoadCache) — admitted in turn, its statements in the heavy lane, refused with 503 and
 * Retry-After when too many already wait. Everything else a request does (authentication, a score
 * lookup, filter checks, a cache hit, the audit row) stays in the cheap lane, so a page of a cached
 * list or a cached metric never queues behind a build.
 */
const requests = new AsyncLocalStorage<{ c: Context<AppEnv> }>();

/** The defaults when the app is made without a gate (tests): one engine slot, two heavy requests, sixteen queued. */
export const defaultGateOptions: QueryGateOptions = {
  engineSlots: 1,
  heavyStatementSlots: 1,
  heavyRequests: 2,
  heavyQueue: 16,
  retryAfterS: 5,
};

/** The deps with their warehouse behind the gate (the given one, or one with the defaults). */
export function withQueryGate(deps: ApiDeps): ApiDeps & { queryGate: QueryGate } {
  const queryGate = deps.queryGate ?? new QueryGate(defaultGateOptions);
  return { ...deps, queryGate, wh: gatedWarehouse(deps.wh, queryGate) };
}

/** Heavy work as a heavy request (see the top); outside a request (no gate known) it simply runs. */
export async function heavy<T>(work: () => Promise<T>): Promise<T> {
  const c = requests.getStore()?.c;
  const gate = c?.get('deps').queryGate;
  if (!c || !gate) return work();
  let release: () => void;
  try {
    release = await gate.admit();
  } catch (e) {
    if (!(e instanceof GateFullError)) throw e;
    c.get('deps').log({
      at: new Date().toISOString(),
      request_id: c.get('requestId'),
      level: 'warn',
      event: 'admission_refused',
      method: c.req.method,
      path: c.req.path,
      heavy_running: e.running,
      heavy_queued: e.queued,
      retry_after_s: e.retryAfterS,
    });
    throw new ApiError('unavailable', `the server is busy (${e.message})`, { retry_after_s: e.retryAfterS });
  }
  try {
    // its own owner: the gate serves the heavy requests' statements in turn (api/query-gate.ts)
    return await laneStorage.run({ lane: 'heavy', owner: {} }, work);
  } finally {
    release();
  }
}

/** A TtlCache whose loads are heavy work: a hit answers at once, a miss is admitted like any heavy request. */
export class HeavyLoadCache<K, V> extends TtlCache<K, V> {
  override get(key: K, load: () => Promise<V>): Promise<V> {
    return super.get(key, () => heavy(load));
  }
}

/**
 * Per request: the request on the async context (heavy() finds its gate and log there), and
 * Retry-After on a refusal — set here rather than when refusing, because a refused background
 * refresh of a cached value must not mark the 200 it answered with.
 */
export const admission: MiddlewareHandler<AppEnv> = async (c, next) => {
  await requests.run({ c }, next);
  const err = c.error;
  if (err instanceof ApiError && err.code === 'unavailable')
    c.header('Retry-After', String((err.details as { retry_after_s: number }).retry_after_s));
};
