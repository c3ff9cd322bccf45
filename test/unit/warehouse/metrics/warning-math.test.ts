import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import {
  dominates,
  suggestThreshold,
  warningWindow,
  weightedMedian,
  type GridPoint,
} from '../../../../warehouse/metrics/warning-math.ts';

const point = (rule_id: string, threshold: number, warned: number, detected: number): GridPoint => ({
  rule_id,
  threshold,
  warned,
  detected,
});

describe('dominance of a warning threshold', () => {
  const cur = point('amount', 50_000, 100, 40);

  it('a threshold dominates when it detects at least as many with at most as many warnings, strictly better in one', () => {
    expect(dominates(point('score', 0.3, 100, 41), cur)).toBe(true); // more detected, same volume
    expect(dominates(point('score', 0.3, 80, 45), cur)).toBe(true); // more detected, lower volume
    expect(dominates(point('amount', 75_000, 90, 40), cur)).toBe(true); // same detected, lower volume
    expect(dominates(point('amount', 50_000, 100, 40), cur)).toBe(false); // equal is not better
    expect(dominates(point('score', 0.2, 101, 60), cur)).toBe(false); // more detected but more warnings
    expect(dominates(point('amount', 99_000, 10, 39), cur)).toBe(false); // fewer warnings but fewer detected
  });

  it('no suggestion when nothing dominates (a lower threshold of a nested rule only trades volume for detection)', () => {
    const grid = [
      point('amount', 25_000, 180, 55),
      cur,
      point('amount', 75_000, 60, 30),
      point('amount', 100_000, 30, 18),
    ];
    expect(suggestThreshold(cur, grid)).toBeNull();
    expect(suggestThreshold(cur, [])).toBeNull();
  });

  it('suggests the dominating point that detects most, then warns least', () => {
    const grid = [
      cur,
      point('amount', 75_000, 95, 40),
      point('score', 0.3, 99, 44),
      point('score', 0.35, 70, 44),
      point('jump', 0.1, 100, 43),
      point('score', 0.2, 140, 60),
    ];
    expect(suggestThreshold(cur, grid)).toEqual(point('score', 0.35, 70, 44));
  });

  it('ties go to the same rule, then the nearest threshold, then the lower one', () => {
    const other = point('score', 0.3, 90, 40);
    const farOwn = point('amount', 150_000, 90, 40);
    const nearOwn = point('amount', 75_000, 90, 40);
    expect(suggestThreshold(cur, [other, farOwn, nearOwn, cur])).toEqual(nearOwn);
    const below = point('amount', 40_000, 90, 40);
    const above = point('amount', 60_000, 90, 40);
    expect(suggestThreshold(cur, [above, below])).toEqual(below);
    expect(suggestThreshold(cur, [below, above])).toEqual(below);
  });

  it('on random grids: a suggestion always dominates, and no dominating point is better ranked', () => {
    const rng = new Rng(22);
    for (let trial = 0; trial < 300; trial++) {
      const grid = Array.from({ length: 1 + rng.int(0, 12) }, (_, i) =>
        point(rng.int(0, 2) === 0 ? 'a' : 'b', i + 1, rng.int(0, 50), rng.int(0, 20)),
      );
      const current = grid[rng.int(0, grid.length - 1)]!;
      const s = suggestThreshold(current, grid);
      const dominating = grid.filter((q) => dominates(q, current));
      if (!s) {
        expect(dominating).toEqual([]);
        continue;
      }
      expect(dominates(s, current)).toBe(true);
      for (const q of dominating) {
        expect(q.detected).toBeLessThanOrEqual(s.detected);
        if (q.detected === s.detected) expect(q.warned).toBeGreaterThanOrEqual(s.warned);
      }
    }
  });
});

describe('weighted median of lead days', () => {
  it('is the middle value, the mean of the two middle ones for an even total, null for none', () => {
    expect(weightedMedian([])).toBeNull();
    expect(weightedMedian([[5, 0]])).toBeNull();
    expect(weightedMedian([[12, 1]])).toBe(12);
    expect(
      weightedMedian([
        [30, 1],
        [10, 1],
        [20, 1],
      ]),
    ).toBe(20);
    expect(
      weightedMedian([
        [10, 1],
        [20, 1],
      ]),
    ).toBe(15);
    expect(
      weightedMedian([
        [10, 3],
        [40, 1],
      ]),
    ).toBe(10);
    expect(
      weightedMedian([
        [10, 2],
        [40, 2],
      ]),
    ).toBe(25);
  });

  it('equals the median of the values repeated by their weights', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const pairs = Array.from({ length: rng.int(1, 8) }, () => [rng.int(0, 120), rng.int(0, 4)] as const);
      const flat = pairs.flatMap(([v, w]) => Array.from({ length: w }, () => v)).sort((a, b) => a - b);
      const mid = flat.length / 2;
      const expected =
        flat.length === 0 ? null : flat.length % 2 ? flat[Math.floor(mid)]! : (flat[mid - 1]! + flat[mid]!) / 2;
      expect(weightedMedian(pairs)).toBe(expected);
    }
  });
});

describe('the warning months', () => {
  it('default to the 12 month-ends ending 3 months before the as-of month-end; a given period is kept', () => {
    expect(warningWindow({ cohort_grain: 'month' }, '2024-06-30')).toEqual({ from: '2023-04-30', to: '2024-03-31' });
    expect(warningWindow({ cohort_grain: 'month', to: '2024-01-31' }, '2024-06-30')).toEqual({
      from: '2023-02-28',
      to: '2024-01-31',
    });
    expect(warningWindow({ cohort_grain: 'month', from: '2023-10-31', to: '2023-12-31' }, '2024-06-30')).toEqual({
      from: '2023-10-31',
      to: '2023-12-31',
    });
  });
});
