import { describe, expect, it } from 'vitest';
import {
  closesOnPay,
  distressEntry,
  distressExit,
  monthOutcomes,
  rollProbability,
  type MonthContext,
} from '../../../../pipelines/generate/behaviour.ts';
import { Rng } from '../../../../lib/random.ts';

/** Monte Carlo of the same chain: the exact DP must match sampling. */
function simulate(r0: number, z0: number, a0: number, future: MonthContext[], n: number, rng: Rng): number {
  const risk = { r0, prepayMonthly: 0.01 };
  let hits = 0;
  for (let s = 0; s < n; s++) {
    let z = z0;
    let a = a0;
    for (const ctx of future) {
      z = z === 0 ? (rng.chance(distressEntry(risk, ctx)) ? 1 : 0) : rng.chance(distressExit) ? 0 : 1;
      const o = monthOutcomes(risk, z, a, ctx);
      const u = rng.next();
      if (u < o.pay) {
        if (closesOnPay(a, ctx)) break;
        a = 0;
      } else if (u < o.pay + o.prepay) break;
      else if (u < o.pay + o.prepay + o.payOne) {
        /* a unchanged */
      } else a += 1;
      if (a >= 2) {
        hits++;
        break;
      }
    }
  }
  return hits / n;
}

describe('rollProbability (truth of the SPEC §6 target)', () => {
  const due: MonthContext = { macro: 0, season: 0, hasDue: true, isLast: false };
  const cases: [string, number, number, number, MonthContext[]][] = [
    ['current, normal regime', 0.5, 0, 0, [due, due, due]],
    ['one month behind, distressed', 1.5, 1, 1, [due, { ...due, macro: 0.9 }, due]],
    [
      'near maturity',
      0.8,
      0,
      1,
      [
        { ...due, isLast: true },
        { ...due, hasDue: false },
        { ...due, hasDue: false },
      ],
    ],
  ];
  it.each(cases)('matches Monte Carlo: %s', (_name, r0, z0, a0, future) => {
    const exact = rollProbability({ r0, prepayMonthly: 0.01 }, z0, a0, future);
    const mc = simulate(r0, z0, a0, future, 200_000, new Rng(9));
    expect(Math.abs(exact - mc)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 200_000) + 1e-4);
  });
  it('outcome probabilities sum to one', () => {
    for (const a of [0, 1, 3])
      for (const z of [0, 1])
        for (const hasDue of [true, false]) {
          const o = monthOutcomes({ r0: 0.3, prepayMonthly: 0.01 }, z, a, {
            macro: 0.5,
            season: 0.1,
            hasDue,
            isLast: false,
          });
          expect(o.pay + o.prepay + o.payOne + o.miss).toBeCloseTo(1, 12);
        }
  });
});
