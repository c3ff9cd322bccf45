import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { verifyApiKey, type ApiKey } from './auth/keys.ts';
import { allows, type Permission } from './auth/permissions.ts';
import type { ApiCaches, ApiDeps, AppEnv } from './context.ts';
import { ApiError, AuthError } from './errors.ts';
import { withRequestMemo } from '../warehouse/request-memo.ts';

/** The client's X-Request-Id as kept beside ours: printable id characters only, at most 128. */
export const sanitiseClientRequestId = (given: string | undefined) =>
  (given ?? '').replace(/[^A-Za-z0-9._:@/+=-]/g, '').slice(0, 128);

/**
 * The client's address for the unauthenticated limit: the socket's peer (@hono/node-server puts the
 * Node request on c.env.incoming; app.request() in tests may pass one). Forwarded headers are not
 * trusted: any client could set them. An IPv6 client counts by its /64, which one host usually
 * holds whole; an IPv4-mapped address counts as the IPv4 address.
 */
export function clientAddressOf(c: Context<AppEnv>): string {
  const raw = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
    ?.remoteAddress;
  if (!raw) return 'local';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return mapped[1]!;
  if (!raw.includes(':')) return raw;
  // expand '::' so the first four groups are the /64
  const [head = '', tail = ''] = raw.split('::');
  const h = head ? head.split(':') : [];
  const t = raw.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = raw.includes('::')
    ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
    : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Per request: the server's own request id (a UUID, unique, what the audit log and the
 * X-Request-Id response header carry), the client's X-Request-Id kept apart (sanitised), the
 * client address, deps on the context, and one JSON log line.
 */
export const requestContext =
  (deps: ApiDeps, caches: ApiCaches): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const id = randomUUID();
    const clientId = sanitiseClientRequestId(c.req.header('x-request-id'));
    c.set('requestId', id);
    c.set('clientRequestId', clientId);
    c.set('clientAddress', clientAddressOf(c));
    c.set('deps', deps);
    c.set('caches', caches);
    const t0 = performance.now();
    await withRequestMemo(next);
    c.header('X-Request-Id', id);
    deps.log({
      at: new Date().toISOString(),
      request_id: id,
      client_request_id: clientId || null,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - t0) * 10) / 10,
      // unset on routes without a key (/health) and when authentication refused the request
      key_id: (c.get('key') as ApiKey | undefined)?.key_id ?? null,
    });
  };

function refuseOverLimit(c: Context<AppEnv>) {
  const wait = c.get('caches').addresses.blockedFor(c.get('clientAddress'));
  if (wait > 0) {
    c.header('Retry-After', String(wait));
    throw new ApiError('rate_limited', `too many unauthenticated requests from your address: retry in ${wait} s`);
  }
}

/** For routes that need no key but cost a query (/health): counted against the address's unauthenticated limit. */
export const anonymousLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  refuseOverLimit(c);
  c.get('caches').addresses.charge(c.get('clientAddress'));
  await next();
};

/** The presented key: `Authorization: Bearer …` (scheme in any case) or `X-API-Key` (beside an Authorization of another scheme too); undefined when none. */
function presentedKey(c: Context<AppEnv>): { key?: string; badScheme?: string; twoKeys?: boolean } {
  const given = c.req.header('authorization')?.trim();
  const apiKey = c.req.header('x-api-key')?.trim();
  // another scheme beside X-API-Key is a proxy's or gateway's own credential (Basic), not a second key: the key is X-API-Key's
  const auth = apiKey && given && !/^bearer(\s|$)/iu.test(given) ? undefined : given;
  // two different keys: which one acts would be a guess (a proxy adding its own, a client its)
  if (auth && apiKey && auth.replace(/^bearer\s+/iu, '') !== apiKey) return { twoKeys: true };
  if (auth) {
    const [scheme = '', ...rest] = auth.split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer') return { badScheme: scheme.slice(0, 20) };
    // "Bearer" alone is a missing key; anything else after it is the key, checked (and refused when malformed) as such
    return rest.length ? { key: rest.join(' ') } : {};
  }
  return apiKey ? { key: apiKey } : {};
}

const refused = 'unknown or revoked API key';

/**
 * API key check. A key verified a moment ago passes from the cache; otherwise an address over its
 * unauthenticated limit is refused (429) before the warehouse is asked — unless the key is one this
 * server verified before — and every failure counts against the address. A 401 carries the reason for the audit log (the client hears only
 * "unknown or revoked"). A collector key without a region (made before keys were scoped) is
 * refused rather than shown every region.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { keys, addresses } = c.get('caches');
  const address = c.get('clientAddress');
  const { key, badScheme, twoKeys } = presentedKey(c);
  if (twoKeys)
    throw new AuthError('unauthorized', 'two different API keys (Authorization and X-API-Key): send one', {
      reason: 'two_keys',
    });
  const wh = c.get('deps').wh;
  let found: ApiKey | undefined = key ? keys.get(key) : undefined;
  // re-verified before it expires, beside this request (see KeyCache)
  if (found && key && keys.refreshDue(key)) keys.verify(key, () => verifyApiKey(wh, key)).catch(() => undefined);
  if (!found) {
    // a key this server verified before may be checked again whatever the address did (it is not a bad key)
    if (!key || !keys.knownGood(key)) refuseOverLimit(c);
    if (!key) {
      addresses.charge(address);
      if (badScheme !== undefined)
        throw new AuthError(
          'unauthorized',
          `unsupported Authorization scheme "${badScheme}": use Bearer <key> or X-API-Key`,
          { reason: 'unsupported_scheme' },
        );
      throw new AuthError('unauthorized', 'an API key is required (Authorization: Bearer <key> or X-API-Key)', {
        reason: 'missing_key',
      });
    }
    const v = await keys.verify(key, () => verifyApiKey(wh, key));
    if (!v.ok) {
      addresses.charge(address);
      if (v.reason === 'malformed')
        throw new AuthError('unauthorized', `${refused} (a key looks like lw_<12 hex>_<32 characters>)`, {
          reason: 'malformed_key',
        });
      if (v.reason === 'revoked')
        throw new AuthError('unauthorized', refused, { reason: 'revoked_key', key_id: v.key_id, role: v.role });
      throw new AuthError('unauthorized', refused, {
        reason: v.reason === 'unknown' ? 'unknown_key' : 'wrong_secret',
        claimed_key_id: v.key_id,
      });
    }
    found = v.key;
  }
  c.set('key', found);
  if (found.role === 'collector' && !found.region) {
    throw new AuthError(
      'forbidden',
      'this collector key has no region: ask an admin for a scoped key (keys create --role collector --region R)',
      { reason: 'unscoped_collector_key' },
    );
  }
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

/** What a permission lets a role do, in words (`cases:read` → "read cases": it said "may not cases read"). */
export function permissionWords(p: Permission): string {
  const [resource, action] = p.split(':') as [string, string];
  const irregular: Partial<Record<Permission, string>> = {
    'scores:batch': 'score rows in batches',
    'models:workbench': 'use the model workbench',
  };
  return irregular[p] ?? `${action} ${resource}`;
}

export function requirePermission(c: Context<AppEnv>, p: Permission) {
  const key = c.get('key');
  if (!allows(key.role, p))
    throw new AuthError('forbidden', `role ${key.role} may not ${permissionWords(p)}`, {
      reason: `missing_permission:${p}`,
    });
}

/**
 * A route's permission as middleware, run before its request is validated: a role that may not
 * use the route gets the 403 (audited) whatever it sends, not a 400 that tells it the route's rules.
 */
export const permitted =
  (p: Permission): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    requirePermission(c, p);
    await next();
  };

/**
 * A collector's key pins its own region (and team, when it has one), whatever the query asks;
 * other roles filter as asked. A region-less collector key is refused by authenticate; were one to
 * get here, its empty region matches no loan rather than every loan.
 */
export function scopedFilters(key: ApiKey, q: { region?: string[]; team?: string[] }) {
  const pinned = key.role === 'collector';
  return { region: pinned ? [key.region] : q.region, team: pinned && key.team ? [key.team] : q.team };
}
