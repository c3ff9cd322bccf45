/**
 * A small time-to-live cache (insertion-ordered eviction at `max` entries). It stores the
 * promise, so concurrent misses for one key share a single load (no stampede when an entry
 * expires under load); a failed load is not kept.
 *
 * With `staleWhileRevalidate`, an expired entry whose load succeeded is still answered while one
 * reload runs beside it, and replaced when that reload succeeds: readers never wait for a
 * recomputation of something they already had (the metric results; not the API keys, where
 * expiry is what makes a revoked key stop working).
 */
export class TtlCache<K, V> {
  private entries = new Map<K, { at: number; value: Promise<V>; settled: boolean; reloading?: boolean }>();
  constructor(private ttlMs: number, private max = 10_000, private staleWhileRevalidate = false) {}
  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (hit && this.staleWhileRevalidate && hit.settled) {
      if (!hit.reloading) {
        hit.reloading = true;
        const next = load();
        next.then(() => { if (this.entries.get(key) === hit) this.entries.set(key, { at: Date.now(), value: next, settled: true }); },
          () => { hit.reloading = false; });
      }
      return hit.value;
    }
    const value = load();
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    const entry = { at: now, value, settled: false };
    this.entries.set(key, entry);
    value.then(() => { entry.settled = true; }, () => { if (this.entries.get(key)?.value === value) this.entries.delete(key); });
    return value;
  }
}
