import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { applyPlatt, fitPlatt, logOdds } from '../../../../models/calibration/platt.ts';
import { ece } from '../../../../models/evaluate/metrics.ts';

/** Log-odds z ~ N(-2.5, 1.2) and outcomes drawn from σ(a·z + b). */
function drawn(n: number, a: number, b: number, seed: number) {
  const rng = new Rng(seed);
  const z = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rng.next(), 1e-12);
    const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    z[i] = -2.5 + 1.2 * g;
    y[i] = rng.chance(1 / (1 + Math.exp(-(a * z[i]! + b)))) ? 1 : 0;
  }
  return { z, y };
}

describe('Platt scaling', () => {
  const cases = [
    [1, 0],
    [0.6, -0.4],
    [1.5, 0.8],
    [0.8, 0.5],
    [1.2, -1],
  ] as const;

  it('recovers the slope and intercept the outcomes were drawn with', () => {
    cases.forEach(([a, b], k) => {
      const { z, y } = drawn(40_000, a, b, 11 + k);
      const f = fitPlatt(z, y);
      expect(f.fitted).toBe('slope and intercept');
      expect(Math.abs(f.a - a)).toBeLessThan(0.08);
      expect(Math.abs(f.b - b)).toBeLessThan(0.2);
    });
  });

  it('lowers the ECE of miscalibrated probabilities on fresh rows from the same law', () => {
    cases.slice(1).forEach(([a, b], k) => {
      const fit = drawn(20_000, a, b, 100 + k);
      const fresh = drawn(20_000, a, b, 200 + k);
      const f = fitPlatt(fit.z, fit.y);
      const raw = Float64Array.from(fresh.z, (v) => 1 / (1 + Math.exp(-v)));
      const calibrated = raw.map((p) => applyPlatt(f, p));
      expect(ece(calibrated, fresh.y)).toBeLessThan(ece(raw, fresh.y));
      expect(ece(calibrated, fresh.y)).toBeLessThan(0.01);
    });
  });

  it('a model that ranks the rows backwards gets the intercept only, so the ranking is kept', () => {
    const { z, y } = drawn(5_000, -1, 0, 5);
    const f = fitPlatt(z, y);
    expect(f).toMatchObject({ a: 1, fitted: 'intercept only' });
    // calibration in the large: the mean calibrated probability is the (smoothed) bad rate
    let mean = 0;
    for (const v of z) mean += 1 / (1 + Math.exp(-(v + f.b)));
    const bads = y.reduce((s, v) => s + v, 0);
    expect(mean / z.length).toBeCloseTo(bads / y.length, 2);
  });

  it('stays finite on a tiny or one-class part (smoothed targets)', () => {
    for (const y of [[0, 0, 0], [1, 1], [0, 1], []]) {
      const z = y.map((_, i) => i - 1);
      const f = fitPlatt(z, y);
      expect(Number.isFinite(f.a) && Number.isFinite(f.b)).toBe(true);
    }
    expect(logOdds(0)).toBeLessThan(-30);
    expect(logOdds(1)).toBeGreaterThan(30);
  });
});
