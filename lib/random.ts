/** Seeded PRNG (mulberry32): deterministic across runs and platforms. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /**
   * out[k] = 1 where the k-th of out.length draws is below p, else 0: the draws `next()` would give,
   * in order, with the state in a local (a million calls to `next` took twice as long).
   */
  bernoulli(p: number, out: Uint8Array): Uint8Array {
    // next() < p ⇔ u / 2³² < p ⇔ u < p · 2³² (both sides exact in floating point)
    const limit = p * 4294967296;
    // read as uint32 (which it is): the loop's arithmetic then stays in 32-bit integers
    let s = this.s >>> 0;
    for (let k = 0; k < out.length; k++) {
      let t = (s = (s + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[k] = (t ^ (t >>> 14)) >>> 0 < limit ? 1 : 0;
    }
    this.s = s;
    return out;
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let u = this.next() * total;
    for (const [v, w] of items) {
      u -= w;
      if (u < 0) return v;
    }
    return items[items.length - 1]![0];
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  logUniform(a: number, b: number): number {
    return Math.exp(this.uniform(Math.log(a), Math.log(b)));
  }
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
