import { describe, expect, it } from 'vitest';
import { SessionStore, tokensMatch } from '../../../../api/auth/sessions.ts';
import type { ApiKey } from '../../../../api/auth/keys.ts';
import type { Warehouse } from '../../../../warehouse/connection.ts';

const key: ApiKey = { key_id: 'aaaaaaaaaaaa', role: 'executive', region: '', team: '', label: 'x' };
/** no revocation check is due in these tests: a warehouse that is never asked */
const wh = {} as Warehouse;
const options = { idleMs: 1000, maxMs: 5000, recheckMs: 1e12, max: 3 };

describe('console sessions', () => {
  it('ids and CSRF tokens are long, random and distinct', () => {
    const store = new SessionStore(options);
    const made = Array.from({ length: 50 }, () => store.create(key, 0));
    const ids = new Set(made.flatMap((s) => [s.id, s.csrf]));
    expect(ids.size).toBe(100);
    for (const s of made) expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/u);
  });

  it('a session lives until idle too long or too old, logout or its key dropped; the store keeps at most `max`', async () => {
    const store = new SessionStore(options);
    const s = store.create(key, 0);
    expect(await store.get(wh, s.id, 900)).toBe(s);
    expect(await store.get(wh, s.id, 1800)).toBe(s); // idle 900 ms since the last request
    expect(await store.get(wh, s.id, 2900)).toBeUndefined(); // idle 1100 ms
    const t = store.create(key, 0);
    for (let now = 800; now < 5000; now += 800) expect(await store.get(wh, t.id, now)).toBe(t);
    expect(await store.get(wh, t.id, 5600)).toBeUndefined(); // older than maxMs, however busy
    const u = store.create(key, 0);
    store.drop(u.id);
    expect(await store.get(wh, u.id, 1)).toBeUndefined();
    const v = store.create(key, 0);
    store.dropKey(key.key_id);
    expect(await store.get(wh, v.id, 1)).toBeUndefined();
    const many = Array.from({ length: 5 }, () => store.create(key, 10));
    expect((await Promise.all(many.map((m) => store.get(wh, m.id, 11)))).filter(Boolean).length).toBe(3);
    expect(await store.get(wh, undefined, 11)).toBeUndefined();
    expect(await store.get(wh, 'no-such-session', 11)).toBeUndefined();
  });

  it('tokens match only when equal', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    for (const given of [undefined, '', 'ab', 'abd', 'abcd']) expect(tokensMatch(given, 'abc')).toBe(false);
  });
});
