import { createHash } from 'node:crypto';
import type { ApiKey } from './keys.ts';

/**
 * Verified keys for a few seconds, so a busy client does not cost a warehouse query per request.
 *
 * Only successful verifications are kept (an unknown key is looked up again, which the per-address
 * limit bounds), and only briefly: on a ClickHouse server another process (`loanwatch keys revoke`)
 * may revoke a key, and this cache cannot hear of it, so the time to live is how late such a
 * revocation can be seen (LOANWATCH_API_KEY_CACHE_MS, default 5 s; 0 turns caching off). A
 * revocation through this server's API drops the key at once (`forget`). Entries are keyed by the
 * key's hash, so the process does not hold presented secrets.
 */
export class KeyCache {
  private entries = new Map<string, { at: number; key: ApiKey }>();
  constructor(private ttlMs: number, private max = 10_000) {}

  private static id(presented: string) { return createHash('sha256').update(presented).digest('hex'); }

  get(presented: string): ApiKey | undefined {
    if (this.ttlMs <= 0) return undefined;
    const id = KeyCache.id(presented);
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) { this.entries.delete(id); return undefined; }
    return hit.key;
  }

  set(presented: string, key: ApiKey) {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(KeyCache.id(presented), { at: Date.now(), key });
  }

  /** Drops every cached entry of a key id (its revocation must take effect on the next request). */
  forget(keyId: string) {
    for (const [id, e] of this.entries) if (e.key.key_id === keyId) this.entries.delete(id);
  }
}
