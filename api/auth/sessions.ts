import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { apiKeyRecord, type ApiKey } from './keys.ts';
import type { Role } from './permissions.ts';
import { userDisabled } from './users.ts';

/**
 * Console sessions: an opaque random id (256 bits) in an HttpOnly cookie; the session itself in
 * the warehouse (console_sessions, migration 24), so every API process on the same warehouse (a
 * ClickHouse server) accepts a sign-in made on another. The table holds the SHA-256 of the id,
 * never the id, and the key record the session acts with (an API key's or a user's: never a key or
 * a password). The CSRF token is derived from the id (a hash of it), so it needs no storage and
 * does not reveal the id.
 *
 * Each process keeps the sessions it has seen in memory and asks the warehouse again at most every
 * `recheckMs` (default 5 s, like the key cache: LOANWATCH_API_KEY_CACHE_MS): has the session ended
 * (logout elsewhere), was its key revoked or its user disabled, when was it last used. So a
 * revocation or a disabling ends the session within `recheckMs`, on every process. A session ends
 * after `idleMs` without a request on any process (each process writes a `seen` row at most every
 * `touchMs`), `maxMs` after sign-in, or at logout.
 *
 * Pruning: the rows of ended and expired sessions are deleted, by one lightweight DELETE at most
 * every `pruneEveryMs` (an hour) per process, run at sign-in (`pruneIfDue`). Not a table TTL: a
 * TTL sees one row's age, not whether its session ended (that needs the session's rows together),
 * it cannot follow the idle and age limits, which are options of this store, and it runs only when
 * the engine merges parts, so a test cannot say when rows go. The audit log keeps the trail of
 * sign-ins and sign-outs (console.sign_in, console.sign_out).
 */
export interface Session {
  id: string;
  key: ApiKey;
  principal: Principal;
  csrf: string;
  createdAt: number;
  lastSeen: number;
  checkedAt: number;
  /** when this process last wrote a `seen` row */
  touchedAt: number;
}
/** What signed in: an API key, or a user by name and password (whose key id is `user:<name>`). */
export type Principal = 'key' | 'user';

export interface SessionOptions {
  idleMs: number;
  maxMs: number;
  recheckMs: number;
  touchMs: number;
  /** sessions one process keeps in memory (the oldest go first; the warehouse still has them) */
  max: number;
  /** at most one prune of ended and expired sessions' rows this often per process */
  pruneEveryMs: number;
}
export const defaultSessionOptions: SessionOptions = {
  idleMs: 8 * 3600_000,
  maxMs: 12 * 3600_000,
  recheckMs: 5_000,
  touchMs: 60_000,
  max: 10_000,
  pruneEveryMs: 3600_000,
};

/** A session as the shared store has it. */
export interface StoredSession {
  key: ApiKey;
  principal: Principal;
  createdAt: number;
  lastSeen: number;
  ended: boolean;
}

/** Where sessions are shared; the warehouse in the app, a map in unit tests. */
export interface SessionBackend {
  start(wh: Warehouse, hash: string, s: { key: ApiKey; principal: Principal; at: number }): Promise<void>;
  event(wh: Warehouse, hash: string, event: 'seen' | 'end', at: number, reason?: string): Promise<void>;
  read(wh: Warehouse, hash: string): Promise<StoredSession | undefined>;
  /** whether the key is revoked or the user disabled */
  principalGone(wh: Warehouse, key: ApiKey, principal: Principal): Promise<boolean>;
  /** ends every session acting as the key id that has not ended, but the one of `exceptHash`; how many it ended */
  endAll(wh: Warehouse, keyId: string, at: number, reason: string, exceptHash?: string): Promise<number>;
  /** deletes the rows of sessions that ended, were idle since `idleBefore` or started before `startedBefore` */
  prune(wh: Warehouse, o: { idleBefore: number; startedBefore: number }): Promise<void>;
}

const token = () => randomBytes(32).toString('base64url');
const idHash = (id: string) => createHash('sha256').update(id).digest('hex');
const csrfOf = (id: string) => createHash('sha256').update(`csrf\0${id}`).digest('base64url');
const idPattern = /^[A-Za-z0-9_-]{43}$/u;

export class SessionStore {
  private sessions = new Map<string, Session>();
  private readonly o: SessionOptions;
  private prunedAt = Number.NEGATIVE_INFINITY;
  constructor(
    options: Partial<SessionOptions> = {},
    private readonly backend: SessionBackend = warehouseSessions,
  ) {
    this.o = { ...defaultSessionOptions, ...options };
  }

  async create(wh: Warehouse, key: ApiKey, principal: Principal, now = Date.now()): Promise<Session> {
    const id = token();
    await this.backend.start(wh, idHash(id), { key, principal, at: now });
    return this.keep({
      id,
      key,
      principal,
      csrf: csrfOf(id),
      createdAt: now,
      lastSeen: now,
      checkedAt: now,
      touchedAt: now,
    });
  }

  /**
   * The live session of a cookie value, undefined when none: from memory, or from the warehouse
   * when another process made it; ended, revoked and idle sessions checked when due.
   */
  async get(wh: Warehouse, id: string | undefined, now = Date.now()): Promise<Session | undefined> {
    if (!id || !idPattern.test(id)) return undefined;
    let s = this.sessions.get(id);
    if (!s) {
      const stored = await this.backend.read(wh, idHash(id));
      if (!stored || stored.ended) return undefined;
      if (await this.backend.principalGone(wh, stored.key, stored.principal)) return undefined;
      s = {
        id,
        key: stored.key,
        principal: stored.principal,
        csrf: csrfOf(id),
        createdAt: stored.createdAt,
        lastSeen: stored.lastSeen,
        checkedAt: now,
        touchedAt: stored.lastSeen,
      };
      if (this.expired(s, now)) return undefined;
      this.keep(s);
    } else if (now - s.checkedAt >= this.o.recheckMs) {
      const stored = await this.backend.read(wh, idHash(id));
      if (!stored || stored.ended || (await this.backend.principalGone(wh, s.key, s.principal))) {
        this.sessions.delete(id);
        return undefined;
      }
      s.lastSeen = Math.max(s.lastSeen, stored.lastSeen);
      s.checkedAt = now;
    }
    if (this.expired(s, now)) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    if (now - s.touchedAt >= this.o.touchMs) {
      s.touchedAt = now;
      await this.backend.event(wh, idHash(id), 'seen', now);
    }
    return s;
  }

  /** Ends a session everywhere (logout). */
  async drop(wh: Warehouse, id: string, now = Date.now()) {
    this.sessions.delete(id);
    await this.backend.event(wh, idHash(id), 'end', now, 'logout');
  }

  /**
   * Ends every session acting as the key id (a user's: `user:<name>`) everywhere, but `except` (the
   * session asking, after a password change): at once on this process, at their recheck on others.
   * Returns how many sessions it ended.
   */
  async endSessionsOf(
    wh: Warehouse,
    keyId: string,
    o: { except?: string; reason: string },
    now = Date.now(),
  ): Promise<number> {
    for (const [id, s] of this.sessions) if (s.key.key_id === keyId && id !== o.except) this.sessions.delete(id);
    return this.backend.endAll(wh, keyId, now, o.reason, o.except === undefined ? undefined : idHash(o.except));
  }

  /**
   * Deletes the rows of ended and expired sessions when the last prune of this process is an hour
   * (`pruneEveryMs`) old; true when it pruned. The limits are this store's: a live session's rows stay.
   */
  async pruneIfDue(wh: Warehouse, now = Date.now()): Promise<boolean> {
    if (now - this.prunedAt < this.o.pruneEveryMs) return false;
    this.prunedAt = now;
    await this.backend.prune(wh, { idleBefore: now - this.o.idleMs, startedBefore: now - this.o.maxMs });
    return true;
  }

  /** Forgets, in this process, every session of a key (revoked here: the others see it at their recheck). */
  dropKey(keyId: string) {
    for (const [id, s] of this.sessions) if (s.key.key_id === keyId) this.sessions.delete(id);
  }

  private expired(s: Session, now: number) {
    return now - s.lastSeen > this.o.idleMs || now - s.createdAt > this.o.maxMs;
  }

  private keep(s: Session): Session {
    for (const [id, x] of this.sessions) if (this.expired(x, s.lastSeen)) this.sessions.delete(id);
    // a flood of sign-ins cannot hold the process's memory: the oldest go (still in the warehouse)
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < this.o.max) break;
      this.sessions.delete(id);
    }
    this.sessions.set(s.id, s);
    return s;
  }
}

/** Rows of `seen` or `end` events: only a `start` row carries who the session acts as. */
async function insertSessionEvents(
  wh: Warehouse,
  hashes: string[],
  event: 'seen' | 'end',
  at: number,
  reason: string,
): Promise<void> {
  const blank = { principal: '', key_id: '', role: '', region: '', team: '', label: '' };
  await wh.client.insert({
    table: tableRef(wh, 'console_sessions'),
    format: 'JSONEachRow',
    values: hashes.map((session_hash) => ({ session_hash, event, at, ...blank, end_reason: reason })),
  });
}

/** session hashes per DELETE (a bound array of this size stays a cheap statement) */
const pruneChunk = 10_000;

/** Sessions in console_sessions: a `start` row with the key record, then `seen` and `end` rows. */
export const warehouseSessions: SessionBackend = {
  async start(wh, hash, s) {
    await wh.client.insert({
      table: tableRef(wh, 'console_sessions'),
      format: 'JSONEachRow',
      values: [
        {
          session_hash: hash,
          event: 'start',
          at: s.at,
          principal: s.principal,
          key_id: s.key.key_id,
          role: s.key.role,
          region: s.key.region,
          team: s.key.team,
          label: s.key.label,
          agent_id: s.key.agent_id ?? '',
          end_reason: '',
        },
      ],
    });
  },
  async event(wh, hash, event, at, reason = '') {
    await insertSessionEvents(wh, [hash], event, at, reason);
  },
  async read(wh, hash) {
    const [r] = await queryRows<{
      principal: string;
      key_id: string;
      role: Role;
      region: string;
      team: string;
      label: string;
      agent_id: string;
      started: number | string;
      created_ms: number | string;
      seen_ms: number | string;
      ended: number | string;
    }>(
      wh,
      `SELECT argMinIf(toString(principal), at, event = 'start') AS principal, argMinIf(key_id, at, event = 'start') AS key_id,
        argMinIf(toString(role), at, event = 'start') AS role, argMinIf(region, at, event = 'start') AS region,
        argMinIf(team, at, event = 'start') AS team, argMinIf(label, at, event = 'start') AS label,
        argMinIf(agent_id, at, event = 'start') AS agent_id,
        countIf(event = 'start') AS started, toUnixTimestamp64Milli(minIf(at, event = 'start')) AS created_ms,
        toUnixTimestamp64Milli(max(at)) AS seen_ms, countIf(event = 'end') AS ended
      FROM ${tableRef(wh, 'console_sessions')} WHERE session_hash = {h:String}`,
      { h: hash },
    );
    if (!r || Number(r.started) === 0) return undefined;
    // a session started before migration 46 kept no agent: its key's, as the key record holds it
    const agent = r.agent_id || (r.principal === 'user' ? '' : ((await apiKeyRecord(wh, r.key_id))?.agent_id ?? ''));
    return {
      key: {
        key_id: r.key_id,
        role: r.role,
        region: r.region,
        team: r.team,
        label: r.label,
        ...(agent ? { agent_id: agent } : {}),
      },
      principal: r.principal === 'user' ? 'user' : 'key',
      createdAt: Number(r.created_ms),
      lastSeen: Number(r.seen_ms),
      ended: Number(r.ended) > 0,
    };
  },
  async principalGone(wh, key, principal) {
    if (principal === 'user') return userDisabled(wh, key.key_id.replace(/^user:/u, ''));
    return keyRevoked(wh, key.key_id);
  },
  async endAll(wh, keyId, at, reason, exceptHash = '') {
    const open = await queryRows<{ session_hash: string }>(
      wh,
      `SELECT session_hash FROM ${tableRef(wh, 'console_sessions')}
      WHERE session_hash IN (SELECT session_hash FROM ${tableRef(wh, 'console_sessions')} WHERE event = 'start' AND key_id = {k:String})
        AND session_hash != {x:String}
      GROUP BY session_hash HAVING countIf(event = 'end') = 0`,
      { k: keyId, x: exceptHash },
    );
    if (open.length === 0) return 0;
    await insertSessionEvents(
      wh,
      open.map((r) => r.session_hash),
      'end',
      at,
      reason,
    );
    return open.length;
  },
  async prune(wh, o) {
    // the sessions to go are found first: a DELETE is a mutation that holds the embedded engine for
    // ~0.1 s even when it matches nothing, and most hourly prunes find nothing to delete
    const table = tableRef(wh, 'console_sessions');
    const gone = await queryRows<{ session_hash: string }>(
      wh,
      `SELECT session_hash FROM ${table} GROUP BY session_hash
        HAVING countIf(event = 'end') > 0 OR countIf(event = 'start') = 0
          OR max(at) < fromUnixTimestamp64Milli({idle:Int64}) OR minIf(at, event = 'start') < fromUnixTimestamp64Milli({old:Int64})`,
      { idle: o.idleBefore, old: o.startedBefore },
    );
    for (let i = 0; i < gone.length; i += pruneChunk)
      await deleteRows(wh, 'console_sessions', 'session_hash IN {h:Array(String)}', {
        h: gone.slice(i, i + pruneChunk).map((r) => r.session_hash),
      });
  },
};

/** Whether a revocation row exists for the key id (keys.ts: revocation is a second row). */
async function keyRevoked(wh: Warehouse, keyId: string): Promise<boolean> {
  const [r] = await queryRows<{ n: number | string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'api_keys')} WHERE key_id = {id:String} AND revoked = 1`,
    { id: keyId },
  );
  // a count is a quoted string when the server quotes 64-bit integers in JSON
  return Number(r?.n ?? 0) > 0;
}

/** A token as sent equals the expected one, in constant time; a missing one never does. */
export function tokensMatch(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const newToken = token;
