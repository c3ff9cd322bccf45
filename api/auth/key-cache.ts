import { createHash } from 'node:crypto';
import type { ApiKey } from './keys.ts';

/**
 * Verified keys, so a busy client does not cost a warehouse query per request.
 *
 * Only successful verifications are kept, and trusted only briefly: on a ClickHouse server another
 * process (`loanwatch keys revoke`) may revoke a key, and this cache cannot hear of it, so the time
 * to live is how late such a revocation can be seen (LOANWATCH_API_KEY_CACHE_MS, default 5 s; 0:
 * every request asks the warehouse). A revocation through this server's API drops the key at once
 * (`forget`).
 *
 * An expired entry still says the key was good once (`knownGood`): an address over its
 * unauthenticated limit may still have such a key checked, since the limit is there to stop bad and
 * missing keys from costing queries, not to lock out a client that shares an address with one.
 * Entries are keyed by the key's hash, so the process does not hold presented secrets.
 */
export class KeyCache {
  private entries = new Map<string, { at: number; key: ApiKey }>();
  constructor(
    private ttlMs: number,
    private max = 10_000,
  ) {}

  private static id(presented: string) {
    return createHash('sha256').update(presented).digest('hex');
  }

  /** The key, when verified less than the time to live ago. */
  get(presented: string): ApiKey | undefined {
    const hit = this.entries.get(KeyCache.id(presented));
    return hit && Date.now() - hit.at < this.ttlMs ? hit.key : undefined;
  }

  /** Whether this key passed verification on this server before (and was not dropped since). */
  knownGood(presented: string): boolean {
    return this.entries.has(KeyCache.id(presented));
  }

  set(presented: string, key: ApiKey) {
    const id = KeyCache.id(presented);
    this.entries.delete(id);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { at: Date.now(), key });
  }

  /** Drops a key that failed verification (revoked elsewhere). */
  drop(presented: string) {
    this.entries.delete(KeyCache.id(presented));
  }

  /** Drops every entry of a key id (its revocation must take effect on the next request). */
  forget(keyId: string) {
    for (const [id, e] of this.entries) if (e.key.key_id === keyId) this.entries.delete(id);
  }
}
