import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { aucDifference } from '../../../../models/evaluate/auc-difference.ts';
import { auc } from '../../../../models/evaluate/metrics.ts';

/** DeLong's variance of AUC(a) − AUC(b) straight from its definition: every bad row against every good row. */
function bruteForce(a: number[], b: number[], y: number[]) {
  const bad = y.flatMap((v, i) => (v ? [i] : []));
  const good = y.flatMap((v, i) => (v ? [] : [i]));
  const psi = (x: number, z: number) => (x > z ? 1 : x === z ? 0.5 : 0);
  const place = (p: number[]) => ({
    v10: bad.map((i) => good.reduce((s, j) => s + psi(p[i]!, p[j]!), 0) / good.length),
    v01: good.map((j) => bad.reduce((s, i) => s + psi(p[i]!, p[j]!), 0) / bad.length),
  });
  const cov = (u: number[], v: number[]) => {
    const mu = u.reduce((s, x) => s + x, 0) / u.length;
    const mv = v.reduce((s, x) => s + x, 0) / v.length;
    return u.reduce((s, x, k) => s + (x - mu) * (v[k]! - mv), 0) / (u.length - 1);
  };
  const [pa, pb] = [place(a), place(b)];
  const mean = (u: number[]) => u.reduce((s, x) => s + x, 0) / u.length;
  const var10 = cov(pa.v10, pa.v10) + cov(pb.v10, pb.v10) - 2 * cov(pa.v10, pb.v10);
  const var01 = cov(pa.v01, pa.v01) + cov(pb.v01, pb.v01) - 2 * cov(pa.v01, pb.v01);
  return {
    difference: mean(pa.v10) - mean(pb.v10),
    se: Math.sqrt(Math.max(0, var10 / bad.length + var01 / good.length)),
  };
}

describe('aucDifference (DeLong, paired)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`equals the definition on random scores with ties (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const n = rng.int(8, 300);
      const y = Array.from({ length: n }, () => (rng.chance(0.3) ? 1 : 0));
      y[0] = 1;
      y[1] = 0;
      // rounded scores, so ties within and across the classes occur
      const a = y.map((v) => Math.round((v + rng.normal()) * 4) / 4);
      const b = a.map((x) => (rng.chance(0.5) ? x : Math.round(rng.normal() * 4) / 4));
      const got = aucDifference(a, b, y);
      const want = bruteForce(a, b, y);
      expect(got.aucA).toBeCloseTo(auc(a, y), 12);
      expect(got.aucB).toBeCloseTo(auc(b, y), 12);
      expect(got.difference).toBeCloseTo(want.difference, 12);
      expect(got.se).toBeCloseTo(want.se, 12);
    });
  }

  it('is zero with no error for the same ranking, and NaN with one class', () => {
    const y = [1, 0, 0, 1, 0, 1, 0, 0];
    const a = [0.9, 0.2, 0.4, 0.7, 0.1, 0.3, 0.5, 0.6];
    const same = aucDifference(
      a,
      a.map((x) => 3 * x - 1),
      y,
    );
    expect(same.difference).toBe(0);
    expect(same.se).toBe(0);
    expect(Number.isNaN(aucDifference(a, a, [1, 1, 1, 1, 1, 1, 1, 1]).se)).toBe(true);
  });
});
