/**
 * Fixed one-minute windows of unauthenticated requests per client address (requests with no key,
 * a malformed, unknown or revoked key, and /health). It is consulted before any warehouse lookup:
 * an address over its limit gets 429 without costing a query or an audit row, whatever bad key
 * it sends (a key this server verified before is still checked: see KeyCache.knownGood). In
 * memory, per process, like the per-key limit.
 */
export class AddressLimiter {
  private windows = new Map<string, { start: number; n: number }>();
  constructor(
    private perMinute: number,
    private maxAddresses = 100_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it is under its limit. */
  blockedFor(address: string, now = Date.now()): number {
    const w = this.windows.get(address);
    if (!w || now - w.start >= 60_000 || w.n < this.perMinute) return 0;
    return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
  }

  /** Counts one unauthenticated request of the address. */
  charge(address: string, now = Date.now()) {
    const w = this.windows.get(address);
    if (w && now - w.start < 60_000) {
      w.n++;
      return;
    }
    if (this.windows.size >= this.maxAddresses) this.prune(now);
    this.windows.set(address, { start: now, n: 1 });
  }

  /** Drops finished windows; if an address spray still fills the map, the oldest windows go. */
  private prune(now: number) {
    for (const [a, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(a);
    for (const a of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(a);
    }
  }
}
