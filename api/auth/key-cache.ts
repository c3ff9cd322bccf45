import { createHash } from 'node:crypto';
import type { ApiKey, KeyVerdict } from './keys.ts';

/**
 * Verified keys, so a busy client does not cost a warehouse query per request.
 *
 * Only successful verifications are kept, and trusted only briefly: on a ClickHouse server another
 * process (`loanwatch keys revoke`) may revoke a key, and this cache cannot hear of it, so the time
 * to live is how late such a revocation can be seen (LOANWATCH_API_KEY_CACHE_MS, default 5 s; 0:
 * every request asks the warehouse). A revocation through this server's API drops the key at once
 * (`forget`).
 *
 * A key in use is re-verified before it expires: from half its time to live, the first request
 * starts one verification in the background and answers from the cache meanwhile. Letting entries
 * simply expire made every request of the next moment verify the key itself — at 1,000 req/s a
 * herd of warehouse queries every 5 s, queued one behind another on the embedded engine: the score
 * lookup's p99 of 75–103 ms (max ~410 ms) in the API bench. For the same reason concurrent
 * verifications of one key share a single query (`verify`), except with a time to live of 0, where
 * every request asks for itself.
 *
 * An expired entry still says the key was good once (`knownGood`): an address over its
 * unauthenticated limit may still have such a key checked, since the limit is there to stop bad and
 * missing keys from costing queries, not to lock out a client that shares an address with one.
 * Entries are keyed by the key's hash, so the process does not hold presented secrets.
 */
export class KeyCache {
  private entries = new Map<string, { at: number; key: ApiKey }>();
  private inFlight = new Map<string, Promise<KeyVerdict>>();
  /** bumped by `forget`: a verification that began before a revocation must not cache the key again */
  private generation = 0;
  constructor(
    private ttlMs: number,
    private max = 10_000,
  ) {}

  private static id(presented: string) {
    return createHash('sha256').update(presented).digest('hex');
  }

  /** The key, when verified less than the time to live ago. */
  get(presented: string, now = Date.now()): ApiKey | undefined {
    const hit = this.entries.get(KeyCache.id(presented));
    return hit && now - hit.at < this.ttlMs ? hit.key : undefined;
  }

  /** Whether a cached key is past half its time to live (time to re-verify it in the background). */
  refreshDue(presented: string, now = Date.now()): boolean {
    const hit = this.entries.get(KeyCache.id(presented));
    return hit !== undefined && now - hit.at >= this.ttlMs / 2 && !this.inFlight.has(KeyCache.id(presented));
  }

  /**
   * Verifies a key with `check` (one query in flight per key; a caller arriving meanwhile shares
   * it) and records the verdict: a good key is cached, a bad one dropped.
   */
  verify(presented: string, check: () => Promise<KeyVerdict>): Promise<KeyVerdict> {
    const generation = this.generation;
    if (this.ttlMs <= 0) return check().then((v) => this.record(presented, v, generation));
    const id = KeyCache.id(presented);
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const started = check()
      .then((v) => this.record(presented, v, generation))
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, started);
    return started;
  }

  private record(presented: string, v: KeyVerdict, generation: number): KeyVerdict {
    if (v.ok && generation === this.generation) this.set(presented, v.key);
    else if (!v.ok) this.drop(presented);
    else this.drop(presented);
    return v;
  }

  /** Whether this key passed verification on this server before (and was not dropped since). */
  knownGood(presented: string): boolean {
    return this.entries.has(KeyCache.id(presented));
  }

  set(presented: string, key: ApiKey, now = Date.now()) {
    const id = KeyCache.id(presented);
    this.entries.delete(id);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { at: now, key });
  }

  /** Drops a key that failed verification (revoked elsewhere). */
  drop(presented: string) {
    this.entries.delete(KeyCache.id(presented));
  }

  /** Drops every entry of a key id (its revocation must take effect on the next request). */
  forget(keyId: string) {
    this.generation++;
    this.inFlight.clear();
    for (const [id, e] of this.entries) if (e.key.key_id === keyId) this.entries.delete(id);
  }
}
