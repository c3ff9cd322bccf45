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
  };
  return { backend, gone, reads: () => reads };
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

  it('tokens match only when equal', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    for (const given of [undefined, '', 'ab', 'abd', 'abcd']) expect(tokensMatch(given, 'abc')).toBe(false);
  });
});
