import { describe, expect, it } from 'vitest';
import { SessionStore, tokensMatch, type SessionBackend, type StoredSession } from '../../../../api/auth/sessions.ts';
import type { ApiKey } from '../../../../api/auth/keys.ts';
import type { Warehouse } from '../../../../warehouse/connection.ts';
import { Rng } from '../../../../lib/random.ts';

const key: ApiKey = { key_id: 'aaaaaaaaaaaa', role: 'executive', region: '', team: '', label: 'x' };
/** the shared store is a map here: a warehouse that is never asked */
const wh = {} as Warehouse;

/** The shared store of several processes, as console_sessions holds it; `gone` holds revoked key ids. */
function sharedBackend() {
  const rows = new Map<string, StoredSession>();
  const gone = new Set<string>();
  let reads = 0;
  const backend: SessionBackend = {
    start: (_wh, hash, s) => {
      rows.set(hash, { key: s.key, principal: s.principal, createdAt: s.at, lastSeen: s.at, ended: false });
      return Promise.resolve();
    },
    event: (_wh, hash, event, at) => {
      const r = rows.get(hash);
      if (r) {
        r.lastSeen = Math.max(r.lastSeen, at);
        if (event === 'end') r.ended = true;
      }
      return Promise.resolve();
    },
    read: (_wh, hash) => {
      reads++;
      const r = rows.get(hash);
      return Promise.resolve(r ? { ...r } : undefined);
    },
    principalGone: (_wh, k) => Promise.resolve(gone.has(k.key_id)),
    endAll: (_wh, keyId, at, _reason, exceptHash) => {
      let n = 0;
      for (const [hash, r] of rows)
        if (r.key.key_id === keyId && !r.ended && hash !== exceptHash) {
          r.ended = true;
          r.lastSeen = Math.max(r.lastSeen, at);
          n++;
        }
      return Promise.resolve(n);
    },
    prune: (_wh, o) => {
      prunes.push(o);
      for (const [hash, r] of rows)
        if (r.ended || r.lastSeen < o.idleBefore || r.createdAt < o.startedBefore) rows.delete(hash);
      return Promise.resolve();
    },
  };
  const prunes: { idleBefore: number; startedBefore: number }[] = [];
  return { backend, gone, rows, prunes, reads: () => reads };
}

const options = { idleMs: 1000, maxMs: 5000, recheckMs: 100, touchMs: 50, max: 3 };

describe('console sessions', () => {
  it('ids and CSRF tokens are long, random and distinct; the CSRF token is not the id', async () => {
    const store = new SessionStore(options, sharedBackend().backend);
    const made = await Promise.all(Array.from({ length: 50 }, () => store.create(wh, key, 'key', 0)));
    const ids = new Set(made.flatMap((s) => [s.id, s.csrf]));
    expect(ids.size).toBe(100);
    for (const s of made) expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/u);
  });

  it('a session lives until idle too long or too old, or logout; ids of the wrong shape are not looked up', async () => {
    const shared = sharedBackend();
    const store = new SessionStore(options, shared.backend);
    const s = await store.create(wh, key, 'key', 0);
    expect((await store.get(wh, s.id, 900))?.id).toBe(s.id);
    expect((await store.get(wh, s.id, 1800))?.id).toBe(s.id); // idle 900 ms since the last request
    expect(await store.get(wh, s.id, 2900)).toBeUndefined(); // idle 1100 ms
    const t = await store.create(wh, key, 'key', 0);
    for (let now = 800; now < 5000; now += 800) expect((await store.get(wh, t.id, now))?.id).toBe(t.id);
    expect(await store.get(wh, t.id, 5600)).toBeUndefined(); // older than maxMs, however busy
    const u = await store.create(wh, key, 'key', 0);
    await store.drop(wh, u.id, 1);
    expect(await store.get(wh, u.id, 2)).toBeUndefined();
    const before = shared.reads();
    for (const bad of [undefined, '', 'no-such-session', `${u.id}x`, 'A'.repeat(43)])
      expect(await store.get(wh, bad, 3)).toBeUndefined();
    expect(shared.reads() - before).toBe(1); // only the well-formed unknown id was looked up
  });

  it('another process accepts the session, sees its logout and its idle time across processes', async () => {
    const shared = sharedBackend();
    const a = new SessionStore(options, shared.backend);
    const b = new SessionStore(options, shared.backend);
    const s = await a.create(wh, key, 'key', 0);
    const onB = await b.get(wh, s.id, 10);
    expect(onB).toMatchObject({ id: s.id, csrf: s.csrf, key, principal: 'key' });
    // used on A only, for longer than idleMs: B still accepts it (A wrote `seen` rows)
    for (let now = 300; now <= 2400; now += 300) expect(await a.get(wh, s.id, now)).toBeDefined();
    expect((await b.get(wh, s.id, 2500))?.id).toBe(s.id);
    // logout on B ends it on A at A's next recheck
    await b.drop(wh, s.id, 2600);
    expect(await b.get(wh, s.id, 2601)).toBeUndefined();
    expect(await a.get(wh, s.id, 2700)).toBeUndefined();
    // more sessions than one process keeps: the evicted ones are read back from the shared store
    const many = await Promise.all(Array.from({ length: 6 }, () => a.create(wh, key, 'key', 3000)));
    for (const m of many) expect((await a.get(wh, m.id, 3001))?.id).toBe(m.id);
  });

  it('a revoked key (or disabled user) ends every session of it within recheckMs, whatever the timing', async () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const shared = sharedBackend();
      const stores = [new SessionStore(options, shared.backend), new SessionStore(options, shared.backend)];
      const k = { ...key, key_id: `k${trial}` };
      const sessions = await Promise.all(stores.map((st) => st.create(wh, k, 'user', 0)));
      let now = 0;
      const revokedAt = Math.floor(rng.next() * 500);
      // requests at random moments until the revocation
      while (now < revokedAt) {
        for (const [i, st] of stores.entries()) expect(await st.get(wh, sessions[i]!.id, now)).toBeDefined();
        now += 1 + Math.floor(rng.next() * 60);
      }
      shared.gone.add(k.key_id);
      now = revokedAt + options.recheckMs;
      for (const [i, st] of stores.entries()) {
        expect(await st.get(wh, sessions[i]!.id, now)).toBeUndefined();
        // and on the other process too
        expect(await stores[1 - i]!.get(wh, sessions[i]!.id, now)).toBeUndefined();
      }
    }
  });

  it('dropKey forgets the key in this process at once', async () => {
    const shared = sharedBackend();
    const store = new SessionStore({ ...options, recheckMs: 1e12 }, shared.backend);
    const s = await store.create(wh, key, 'key', 0);
    shared.gone.add(key.key_id);
    expect(await store.get(wh, s.id, 1)).toBeDefined(); // recheck not due
    store.dropKey(key.key_id);
    expect(await store.get(wh, s.id, 2)).toBeUndefined(); // read back: the key is gone
  });

  it("endSessionsOf ends every session of the key on every process but the one kept, and no other key's", async () => {
    const shared = sharedBackend();
    const a = new SessionStore({ ...options, recheckMs: 1e12 }, shared.backend);
    const b = new SessionStore(options, shared.backend);
    const other = { ...key, key_id: 'bbbbbbbbbbbb' };
    const mine = await Promise.all([0, 1, 2].map(() => a.create(wh, key, 'user', 0)));
    const onB = await b.create(wh, key, 'user', 0);
    const theirs = await a.create(wh, other, 'user', 0);
    const kept = mine[0]!;
    expect(await a.endSessionsOf(wh, key.key_id, { except: kept.id, reason: 'password_changed' }, 10)).toBe(3);
    // at once on this process although its recheck is far off; at the recheck on the other
    expect((await a.get(wh, kept.id, 20))?.id).toBe(kept.id);
    for (const s of mine.slice(1)) expect(await a.get(wh, s.id, 20)).toBeUndefined();
    expect(await b.get(wh, onB.id, 20 + options.recheckMs)).toBeUndefined();
    expect((await a.get(wh, theirs.id, 30))?.id).toBe(theirs.id);
    // without an exception: every one of them
    expect(await a.endSessionsOf(wh, key.key_id, { reason: 'user_disabled' }, 40)).toBe(1);
    expect(await a.get(wh, kept.id, 50)).toBeUndefined();
  });

  it("pruneIfDue prunes at most once per pruneEveryMs, with the store's own idle and age limits", async () => {
    const shared = sharedBackend();
    const store = new SessionStore({ ...options, pruneEveryMs: 10_000 }, shared.backend);
    const rng = new Rng(11);
    let last = Number.NEGATIVE_INFINITY;
    for (let now = 0; now < 100_000; now += 1 + Math.floor(rng.next() * 3000)) {
      const pruned = await store.pruneIfDue(wh, now);
      expect(pruned, String(now)).toBe(now - last >= 10_000);
      if (pruned) {
        expect(shared.prunes.at(-1)).toEqual({ idleBefore: now - options.idleMs, startedBefore: now - options.maxMs });
        last = now;
      }
    }
    // what goes: ended, idle past idleMs, older than maxMs; a live session stays and still works
    const live = await store.create(wh, key, 'key', 200_000);
    const ended = await store.create(wh, key, 'key', 200_000);
    await store.drop(wh, ended.id, 200_001);
    const idle = await store.create(wh, key, 'key', 200_000 - options.idleMs - 1);
    expect(shared.rows.size).toBe(3);
    expect(await store.pruneIfDue(wh, 200_010)).toBe(true);
    expect(shared.rows.size).toBe(1);
    expect((await store.get(wh, live.id, 200_020))?.id).toBe(live.id);
    expect(await store.get(wh, idle.id, 200_020)).toBeUndefined();
  });

  it('tokens match only when equal', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    for (const given of [undefined, '', 'ab', 'abd', 'abcd']) expect(tokensMatch(given, 'abc')).toBe(false);
  });
});
