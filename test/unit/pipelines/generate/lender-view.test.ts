import { describe, expect, it } from 'vitest';
import {
  distressEntry,
  distressExit,
  monthOutcomes,
  rollProbability,
  type MonthContext,
  type Outcomes,
} from '../../../../pipelines/generate/behaviour.ts';
import { LenderView } from '../../../../pipelines/generate/lender-view.ts';
import { Rng } from '../../../../lib/random.ts';
import { actionLikelihood } from '../../../../pipelines/generate/workout.ts';

const ctx: MonthContext = { macro: 0.3, season: 0, hasDue: true, isLast: false };
const future = [ctx, ctx, ctx];
const noiseSd = 0.6;

const outcomes = ['wrong_party', 'no_contact', 'promise_to_pay', 'refused', 'contacted'];
function drawOutcome(rng: Rng, z: number, channel: string) {
  const u = rng.next();
  let acc = 0;
  for (const x of outcomes) if (u < (acc += actionLikelihood(z, channel, x))) return x;
  return outcomes.at(-1)!;
}

/** Simulated loans with their own risk draw; what the lender sees drives a LenderView. */
function* simulatedMonths(n: number, seed: number) {
  const rng = new Rng(seed);
  for (let s = 0; s < n; s++) {
    const observedR0 = rng.uniform(-0.5, 1.5);
    const risk = { r0: observedR0 + noiseSd * rng.normal(), prepayMonthly: 0.01 };
    let z = rng.chance(distressEntry(risk, ctx) * 0.5) ? 1 : 0;
    const view = new LenderView(observedR0, noiseSd, 0.01, (r) => distressEntry(r, ctx) * 0.5);
    let a = 0;
    for (let m = 0; m < 12 && a < 2; m++) {
      z = z === 0 ? (rng.chance(distressEntry(risk, ctx)) ? 1 : 0) : rng.chance(distressExit) ? 0 : 1;
      const o = monthOutcomes(risk, z, a, ctx);
      const u = rng.next();
      const seen: keyof Outcomes =
        u < o.pay ? 'pay' : u < o.pay + o.prepay ? 'prepay' : u < o.pay + o.prepay + o.payOne ? 'payOne' : 'miss';
      if (seen === 'prepay') break;
      const aBefore = a;
      a = seen === 'pay' ? 0 : seen === 'miss' ? a + 1 : a;
      // one phone call in a delinquent month, its outcome drawn with the regime's chances
      const actions = a >= 1 ? [{ channel: 'phone', outcome: drawOutcome(rng, z, 'phone') }] : [];
      view.observe(aBefore, ctx, seen, actions);
      yield { view, z, risk, a };
    }
  }
}

describe('LenderView (what a lender can know: the ceiling of truth.csv)', () => {
  it('its belief in the hidden regime is calibrated against the regime the simulation drew', () => {
    const bands = Array.from({ length: 5 }, () => ({ n: 0, b: 0, z: 0 }));
    for (const { view, z } of simulatedMonths(15_000, 5)) {
      const b = view.distressed();
      const band = bands[Math.min(4, Math.floor(b * 5))]!;
      band.n++;
      band.b += b;
      band.z += z;
    }
    const used = bands.filter((x) => x.n > 1500);
    expect(used.length).toBeGreaterThanOrEqual(3);
    for (const band of used) {
      const p = band.b / band.n;
      expect(Math.abs(band.z / band.n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / band.n) + 0.01);
    }
  });

  it('its probability is the oracle probability averaged over what is unknown (same mean, less spread)', () => {
    let n = 0;
    let sumView = 0;
    let sumOracle = 0;
    let sqView = 0;
    let sqOracle = 0;
    for (const { view, z, risk, a } of simulatedMonths(6_000, 8)) {
      if (a > 1) continue;
      const pv = view.probability(a, future);
      const po = rollProbability(risk, z, a, future);
      n++;
      sumView += pv;
      sumOracle += po;
      sqView += pv * pv;
      sqOracle += po * po;
    }
    const [mv, mo] = [sumView / n, sumOracle / n];
    expect(Math.abs(mv - mo)).toBeLessThan(0.1 * mo);
    expect(sqView / n - mv * mv).toBeLessThan(sqOracle / n - mo * mo);
  });

  it('action outcome probabilities sum to one on every channel and regime', () => {
    for (const channel of ['sms', 'phone', 'visit', 'letter', 'legal', 'agency'])
      for (const z of [0, 1]) {
        expect(outcomes.reduce((t, x) => t + actionLikelihood(z, channel, x), 0)).toBeCloseTo(1, 12);
      }
  });

  it('a miss and an unanswered call raise the belief in distress; a full payment and a promise lower it', () => {
    const make = () => new LenderView(0.5, noiseSd, 0.01, () => 0.1);
    const after = (seen: keyof Outcomes, a: number, actions: { channel: string; outcome: string }[] = []) => {
      const v = make();
      v.observe(a, ctx, seen, actions);
      return v.distressed();
    };
    const base = after('payOne', 1);
    expect(after('miss', 0)).toBeGreaterThan(after('pay', 0));
    expect(after('payOne', 1, [{ channel: 'phone', outcome: 'no_contact' }])).toBeGreaterThan(base);
    expect(after('payOne', 1, [{ channel: 'phone', outcome: 'promise_to_pay' }])).toBeLessThan(base);
    expect(after('payOne', 1, [{ channel: 'phone', outcome: 'wrong_party' }])).toBeCloseTo(base, 12);
  });
});
