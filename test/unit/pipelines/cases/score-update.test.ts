import { describe, expect, it } from 'vitest';
import { scoreUpdate, worseBucket } from '../../../../pipelines/cases/score-update.ts';
import { Rng } from '../../../../lib/random.ts';

const roll = new Map([
  ['C', 0.02],
  ['M1', 0.4],
  ['M2', 0.6],
  ['M3', 0.75],
]);
const buckets = ['C', 'M1', 'M2'];

describe('scoreUpdate: a month-end score carried to a later date', () => {
  it('is the identity when the bucket is the same and no promise was broken', () => {
    for (const b of buckets)
      expect(scoreUpdate({ probability: 0.137, bucketThen: b, bucketNow: b, brokenPromises: 0, roll })).toEqual({
        probability: 0.137,
        oddsRatio: 1,
        reasons: [],
      });
  });

  it('shifts the log-odds by the roll rates of the two buckets: monotone in the bucket now, order-preserving in the score', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 500; i++) {
      const p = 0.001 + rng.next() * 0.99;
      const q = 0.001 + rng.next() * 0.99;
      const then = buckets[Math.floor(rng.next() * 3)]!;
      const now = buckets[Math.floor(rng.next() * 2)]!;
      const up = scoreUpdate({ probability: p, bucketThen: then, bucketNow: now, brokenPromises: 0, roll });
      const lo = (x: number) => Math.log(x / (1 - x));
      expect(lo(up.probability) - lo(p)).toBeCloseTo(lo(roll.get(now)!) - lo(roll.get(then)!), 9);
      expect(up.oddsRatio).toBeCloseTo(Math.exp(lo(up.probability) - lo(p)), 9);
      // a worse bucket now never lowers the probability; two scores keep their order
      const next = scoreUpdate({
        probability: p,
        bucketThen: then,
        bucketNow: worseBucket(now),
        brokenPromises: 0,
        roll,
      });
      expect(next.probability).toBeGreaterThanOrEqual(up.probability);
      const other = scoreUpdate({ probability: q, bucketThen: then, bucketNow: now, brokenPromises: 0, roll });
      expect(Math.sign(other.probability - up.probability)).toBe(Math.sign(q - p));
    }
  });

  it('counts a broken promise as one bucket further, whatever the number broken', () => {
    const one = scoreUpdate({ probability: 0.05, bucketThen: 'C', bucketNow: 'C', brokenPromises: 1, roll });
    const three = scoreUpdate({ probability: 0.05, bucketThen: 'C', bucketNow: 'C', brokenPromises: 3, roll });
    const m1 = scoreUpdate({ probability: 0.05, bucketThen: 'C', bucketNow: 'M1', brokenPromises: 0, roll });
    expect(one.probability).toBeCloseTo(m1.probability, 12);
    expect(three.probability).toBe(one.probability);
    expect(one.reasons).toContain('broken promise since the score (1)');
    expect(worseBucket('M7+')).toBe('M7+');
    expect(worseBucket('C')).toBe('M1');
  });

  it('keeps the odds finite when a roll rate is 0 or 1', () => {
    const r = scoreUpdate({
      probability: 0.2,
      bucketThen: 'C',
      bucketNow: 'M1',
      brokenPromises: 0,
      roll: new Map([
        ['C', 0],
        ['M1', 1],
      ]),
    });
    expect(r.probability).toBeGreaterThan(0.2);
    expect(r.probability).toBeLessThan(1);
  });
});
