/**
 * A small time-to-live cache, bounded in entries (`max`) and in bytes (`maxBytes`, the approximate
 * serialized size of the settled values): a few huge results cannot hold the process's memory the
 * way an entry count alone allowed (500 entries × a 23 MB vintage). The oldest entries go first.
 * It stores the promise, so concurrent misses for one key share a single load (no stampede when an
 * entry expires under load); a failed load is not kept, nor a value larger than the whole budget.
 *
 * With `staleWhileRevalidate`, an expired entry whose load succeeded is still answered while one
 * reload runs beside it, and replaced when that reload succeeds: readers never wait for a
 * recomputation of something they already had (the metric results).
 */
export class TtlCache<K, V> {
  private entries = new Map<K, Entry<V>>();
  private bytes = 0;
  constructor(
    private ttlMs: number,
    private max = 10_000,
    private staleWhileRevalidate = false,
    private maxBytes = defaultMaxBytes,
  ) {}

  /** the approximate bytes the settled values hold (for tests and the log) */
  get size() {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** the value held for `key` while it is fresh; nothing loads */
  peek(key: K): Promise<V> | undefined {
    const hit = this.entries.get(key);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (hit && this.staleWhileRevalidate && hit.bytes !== undefined) {
      if (!hit.reloading) {
        hit.reloading = true;
        const next = load();
        next.then(
          (v) => {
            if (this.entries.get(key) === hit) this.put(key, { at: Date.now(), value: next }, v);
          },
          () => {
            hit.reloading = false;
          },
        );
      }
      return hit.value;
    }
    const value = load();
    const entry: Entry<V> = { at: now, value };
    this.remove(key);
    this.entries.set(key, entry);
    this.evict();
    value.then(
      (v) => {
        if (this.entries.get(key) === entry) this.put(key, entry, v);
      },
      () => {
        if (this.entries.get(key) === entry) this.remove(key);
      },
    );
    return value;
  }

  /** Records a settled value's size (replacing the entry for `key`), then evicts to the budgets. */
  private put(key: K, entry: Entry<V>, v: V) {
    const bytes = approxBytes(v);
    this.remove(key);
    if (bytes > this.maxBytes) return; // the readers holding the promise still get it
    entry.bytes = bytes;
    this.bytes += bytes;
    this.entries.set(key, entry);
    this.evict();
  }

  private remove(key: K) {
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= old.bytes ?? 0;
    this.entries.delete(key);
  }

  private evict() {
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.max && this.bytes <= this.maxBytes) return;
      this.remove(k);
    }
  }
}

interface Entry<V> {
  at: number;
  value: Promise<V>;
  /** set once settled */ bytes?: number;
  reloading?: boolean;
}

/** 64 MiB: a few hundred dashboard-sized results, or a handful of rendered report packs. */
export const defaultMaxBytes = 64 * 1024 * 1024;

/** A value that knows its serialized size (a prepared metric result measures it while hashing). */
export interface Sized {
  readonly approxBytes: number;
}

/** Approximate serialized size: a string's length, a buffer's bytes, a Sized value's own count, else its JSON. */
export function approxBytes(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v !== null && typeof v === 'object' && typeof (v as Partial<Sized>).approxBytes === 'number')
    return (v as Sized).approxBytes;
  try {
    // undefined for undefined, a function or a symbol (the lib's type says string)
    return (JSON.stringify(v) as string | undefined)?.length ?? 0;
  } catch {
    return 0;
  }
}
