import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { fitLogistic } from '../../../../models/scorecard/logistic.ts';

/** Rows of k standard-normal or binned (WoE-like) inputs and outcomes drawn from σ(β·x). */
function sample(seed: number, n: number, beta: number[], binned: boolean) {
  const rng = new Rng(seed);
  const k = beta.length - 1;
  const levels = [-1.2, -0.4, 0, 0.5, 1.3];
  const x = new Float32Array(n * k);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = beta[0]!;
    for (let j = 0; j < k; j++) {
      const v = binned ? levels[Math.floor(rng.next() * levels.length)]! : rng.normal();
      x[i * k + j] = v;
      z += beta[j + 1]! * Math.fround(v);
    }
    y[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
  }
  return { x, y, n, k };
}

/** Σ xᵢ (yᵢ − pᵢ) per coefficient, in float64, divided by n. */
function scorePerRow(s: ReturnType<typeof sample>, fit: { intercept: number; coef: number[] }, l2 = 0) {
  const g = new Array<number>(s.k + 1).fill(0);
  for (let i = 0; i < s.n; i++) {
    let z = fit.intercept;
    for (let j = 0; j < s.k; j++) z += fit.coef[j]! * s.x[i * s.k + j]!;
    const r = s.y[i]! - 1 / (1 + Math.exp(-z));
    g[0]! += r;
    for (let j = 0; j < s.k; j++) g[j + 1]! += r * s.x[i * s.k + j]!;
  }
  return g.map((v, j) => (j === 0 ? v : v - 2 * l2 * fit.coef[j - 1]!) / s.n);
}

describe('fitLogistic (float64 Newton)', () => {
  it.each([
    [1, false],
    [2, true],
    [3, true],
  ])(
    'seed %i (binned %s): the score equations hold (|∇|/n < 1e-6, the float32 fit reached 1e-4) within a handful of steps',
    async (seed, binned) => {
      const s = sample(seed, 50_000, [-2, 0.7, -0.4, 0.9, 0, 0.2, 0.5], binned);
      const fit = await fitLogistic(s.x, s.n, s.k, s.y);
      expect(fit.converged).toBe(true);
      expect(fit.iterations).toBeLessThanOrEqual(10);
      for (const g of scorePerRow(s, fit)) expect(Math.abs(g)).toBeLessThan(1e-6);
    },
  );

  it('with a ridge penalty the penalised score equations hold', async () => {
    const s = sample(4, 20_000, [-1.5, 0.8, 0.8, -0.3], false);
    const l2 = 500;
    const fit = await fitLogistic(s.x, s.n, s.k, s.y, { l2 });
    for (const g of scorePerRow(s, fit, l2)) expect(Math.abs(g)).toBeLessThan(1e-6);
  });

  it('a warm start (a refit less one variable, a looser limit with one more) ends at the same optimum', async () => {
    const s = sample(5, 30_000, [-2, 0.6, 0.3, -0.2, 0.4], true);
    const cold = await fitLogistic(s.x, s.n, s.k, s.y);
    const warm = await fitLogistic(s.x, s.n, s.k, s.y, { start: [cold.intercept + 0.3, 0, ...cold.coef.slice(1)] });
    expect(warm.converged).toBe(true);
    [warm.intercept, ...warm.coef].forEach((b, j) => {
      expect(b).toBeCloseTo([cold.intercept, ...cold.coef][j]!, 5);
    });
    // a start of the wrong length is ignored
    const ignored = await fitLogistic(s.x, s.n, s.k, s.y, { start: [1, 2] });
    expect(ignored.intercept).toBeCloseTo(cold.intercept, 5);
  });

  it.each([false, true])(
    'weighted patterns (binned %s, ridge on and off) give the fit of the rows spelled out',
    async (ridge) => {
      const s = sample(6, 40_000, [-2.2, 0.7, -0.4, 0.9, 0.3], true);
      const groups = new Map<string, { row: number; weight: number; bads: number }>();
      for (let i = 0; i < s.n; i++) {
        const key = Array.from(s.x.subarray(i * s.k, (i + 1) * s.k)).join();
        const g = groups.get(key) ?? { row: i, weight: 0, bads: 0 };
        g.weight++;
        g.bads += s.y[i]!;
        groups.set(key, g);
      }
      const list = [...groups.values()];
      const x = new Float32Array(list.length * s.k);
      list.forEach((g, p) => {
        x.set(s.x.subarray(g.row * s.k, (g.row + 1) * s.k), p * s.k);
      });
      const l2 = ridge ? 300 : 0;
      const rows = await fitLogistic(s.x, s.n, s.k, s.y, { l2 });
      const patterns = await fitLogistic(
        x,
        list.length,
        s.k,
        list.map((g) => g.bads),
        { l2, weight: list.map((g) => g.weight) },
      );
      expect(list.length).toBeLessThan(700);
      expect(patterns.converged).toBe(true);
      [patterns.intercept, ...patterns.coef].forEach((b, j) => {
        expect(b).toBeCloseTo([rows.intercept, ...rows.coef][j]!, 9);
      });
    },
  );

  it('separable rows end finite (step halving, the iteration cap), never NaN', async () => {
    const n = 400;
    const x = Float32Array.from({ length: n }, (_, i) => (i < n / 2 ? -1 : 1));
    const y = Uint8Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
    const fit = await fitLogistic(x, n, 1, y, { maxIter: 30 });
    expect(Number.isFinite(fit.intercept) && Number.isFinite(fit.coef[0]!)).toBe(true);
    expect(fit.coef[0]!).toBeGreaterThan(3);
  });

  it('one class only or no variables: the intercept alone, at the base rate', async () => {
    const n = 1000;
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const fit = await fitLogistic(new Float32Array(0), n, 0, y);
    expect(fit.coef).toEqual([]);
    expect(fit.intercept).toBeCloseTo(Math.log(0.1 / 0.9), 6);
  });
});
