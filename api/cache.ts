/**
 * A small time-to-live cache (insertion-ordered eviction at `max` entries). It stores the
 * promise, so concurrent misses for one key share a single load (no stampede when an entry
 * expires under load); a failed load is not kept.
 */
export class TtlCache<K, V> {
  private entries = new Map<K, { at: number; value: Promise<V> }>();
  constructor(private ttlMs: number, private max = 10_000) {}
  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { at: now, value });
    value.catch(() => { if (this.entries.get(key)?.value === value) this.entries.delete(key); });
    return value;
  }
}
