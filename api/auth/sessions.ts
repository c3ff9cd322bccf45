import { randomBytes, timingSafeEqual } from 'node:crypto';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { ApiKey } from './keys.ts';

/**
 * Console sessions: an opaque random id (256 bits) in an HttpOnly cookie, the session itself kept
 * server-side in memory, holding the key record it was signed in with (never the key: a session
 * cannot be turned back into one) and its CSRF token. One process, like the rate limits: a restart
 * signs everyone out, which a console can live with; a cluster would keep them in a shared store.
 *
 * A session ends after `idleMs` without a request, `maxMs` after sign-in, at logout, or when its
 * key is revoked: the revocation is looked up by key id at most every `recheckMs` (as the key
 * cache's time to live bounds how late an API client sees one).
 */
export interface Session {
  id: string;
  key: ApiKey;
  csrf: string;
  createdAt: number;
  lastSeen: number;
  checkedAt: number;
}

const token = () => randomBytes(32).toString('base64url');

export class SessionStore {
  private sessions = new Map<string, Session>();
  constructor(
    private readonly o: { idleMs: number; maxMs: number; recheckMs: number; max: number } = {
      idleMs: 8 * 3600_000,
      maxMs: 12 * 3600_000,
      recheckMs: 5_000,
      max: 10_000,
    },
  ) {}

  create(key: ApiKey, now = Date.now()): Session {
    this.prune(now);
    const s: Session = { id: token(), key, csrf: token(), createdAt: now, lastSeen: now, checkedAt: now };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session of a cookie value, its revocation checked when due; undefined when none. */
  async get(wh: Warehouse, id: string | undefined, now = Date.now()): Promise<Session | undefined> {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (now - s.lastSeen > this.o.idleMs || now - s.createdAt > this.o.maxMs) {
      this.sessions.delete(id);
      return undefined;
    }
    if (now - s.checkedAt >= this.o.recheckMs) {
      if (await keyRevoked(wh, s.key.key_id)) {
        this.dropKey(s.key.key_id);
        return undefined;
      }
      s.checkedAt = now;
    }
    s.lastSeen = now;
    return s;
  }

  drop(id: string) {
    this.sessions.delete(id);
  }

  /** Ends every session of a key (its revocation). */
  dropKey(keyId: string) {
    for (const [id, s] of this.sessions) if (s.key.key_id === keyId) this.sessions.delete(id);
  }

  private prune(now: number) {
    for (const [id, s] of this.sessions)
      if (now - s.lastSeen > this.o.idleMs || now - s.createdAt > this.o.maxMs) this.sessions.delete(id);
    // a flood of sign-ins cannot hold the process's memory: the oldest sessions go
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < this.o.max) break;
      this.sessions.delete(id);
    }
  }
}

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
