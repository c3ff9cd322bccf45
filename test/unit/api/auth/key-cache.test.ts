import { describe, expect, it } from 'vitest';
import { KeyCache } from '../../../../api/auth/key-cache.ts';
import type { ApiKey, KeyVerdict } from '../../../../api/auth/keys.ts';

const key: ApiKey = { key_id: 'abcdef123456', role: 'admin', region: '', team: '', label: 'test' };
const good: KeyVerdict = { ok: true, key };
const revoked: KeyVerdict = { ok: false, reason: 'revoked', key_id: key.key_id, role: 'admin' };
const presented = 'lw_abcdef123456_secret';

/** A verification the test resolves by hand, counting how many were started. */
function controlled() {
  const started: ((v: KeyVerdict) => void)[] = [];
  const check = () => new Promise<KeyVerdict>((resolve) => started.push(resolve));
  return { started, check };
}

describe('KeyCache', () => {
  it('shares one verification among concurrent requests for a key (no herd of queries at expiry)', async () => {
    const cache = new KeyCache(5_000);
    const { started, check } = controlled();
    const verdicts = Array.from({ length: 50 }, () => cache.verify(presented, check));
    expect(started).toHaveLength(1);
    started[0]!(good);
    for (const v of await Promise.all(verdicts)) expect(v.ok).toBe(true);
    expect(cache.get(presented)).toEqual(key);
  });

  it('is due for a background re-verification from half its time to live, once at a time', async () => {
    const cache = new KeyCache(5_000);
    const t0 = Date.now();
    cache.set(presented, key, t0);
    expect(cache.refreshDue(presented, t0 + 2_499)).toBe(false);
    expect(cache.refreshDue(presented, t0 + 2_500)).toBe(true);
    const { started, check } = controlled();
    const background = cache.verify(presented, check);
    expect(cache.refreshDue(presented, t0 + 2_600)).toBe(false);
    // the entry still answers while its re-verification runs
    expect(cache.get(presented, t0 + 2_600)).toEqual(key);
    started[0]!(good);
    await background;
    expect(cache.refreshDue(presented)).toBe(false);
  });

  it('drops a key whose re-verification says it was revoked elsewhere', async () => {
    const cache = new KeyCache(5_000);
    cache.set(presented, key);
    await cache.verify(presented, () => Promise.resolve(revoked));
    expect(cache.get(presented)).toBeUndefined();
    expect(cache.knownGood(presented)).toBe(false);
  });

  it('does not cache a key again from a verification that began before its revocation here', async () => {
    const cache = new KeyCache(5_000);
    const { started, check } = controlled();
    const pending = cache.verify(presented, check);
    cache.forget(key.key_id);
    started[0]!(good);
    await pending;
    expect(cache.get(presented)).toBeUndefined();
  });

  it('with a time to live of 0 every request asks for itself and nothing is served from the cache', async () => {
    const cache = new KeyCache(0);
    const { started, check } = controlled();
    const a = cache.verify(presented, check);
    const b = cache.verify(presented, check);
    expect(started).toHaveLength(2);
    for (const resolve of started) resolve(good);
    await Promise.all([a, b]);
    expect(cache.get(presented)).toBeUndefined();
  });
});
