import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { lookupApiKey, type ApiKey } from './auth/keys.ts';
import { allows, type Permission } from './auth/permissions.ts';
import type { ApiCaches, ApiDeps, AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/** Request id (client's X-Request-Id when sane, else a UUID), deps on the context, one JSON log line per request. */
export const requestContext = (deps: ApiDeps, caches: ApiCaches): MiddlewareHandler<AppEnv> => async (c, next) => {
  const given = c.req.header('x-request-id');
  const id = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
  c.set('requestId', id);
  c.set('deps', deps);
  c.set('caches', caches);
  const t0 = performance.now();
  await next();
  c.header('X-Request-Id', id);
  deps.log({ at: new Date().toISOString(), request_id: id, method: c.req.method, path: c.req.path, status: c.res.status,
    ms: Math.round((performance.now() - t0) * 10) / 10, key_id: c.get('key')?.key_id ?? null });
};

/** API key from `Authorization: Bearer …` or `X-API-Key`; 401 when missing or unknown. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = c.req.header('authorization');
  const key = (auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined) ?? c.req.header('x-api-key');
  if (!key) throw new ApiError('unauthorized', 'an API key is required (Authorization: Bearer <key> or X-API-Key)');
  const found = await c.get('caches').keys.get(key, () => lookupApiKey(c.get('deps').wh, key));
  if (!found) throw new ApiError('unauthorized', 'unknown or revoked API key');
  c.set('key', found);
  await next();
};

/** Fixed one-minute windows per key, in memory (one process; a cluster would put this in a shared store). */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  const windows = new Map<string, { start: number; n: number }>();
  return async (c, next) => {
    const limit = c.get('deps').rateLimitPerMinute;
    const id = c.get('key').key_id;
    const now = Date.now();
    const w = windows.get(id);
    if (!w || now - w.start >= 60_000) windows.set(id, { start: now, n: 1 });
    else if (++w.n > limit) {
      c.header('Retry-After', String(Math.ceil((w.start + 60_000 - now) / 1000)));
      throw new ApiError('rate_limited', `more than ${limit} requests in a minute for this key`);
    }
    await next();
  };
}

export function requirePermission(c: Context<AppEnv>, p: Permission) {
  const key = c.get('key');
  if (!allows(key.role, p)) throw new ApiError('forbidden', `role ${key.role} may not ${p.replace(':', ' ')}`);
}

/** A collector's key pins its own region and team, whatever the query asks; other roles filter as asked. */
export function scopedFilters(key: ApiKey, q: { region?: string[]; team?: string[] }) {
  const pinned = key.role === 'collector';
  return { region: pinned && key.region ? [key.region] : q.region, team: pinned && key.team ? [key.team] : q.team };
}
