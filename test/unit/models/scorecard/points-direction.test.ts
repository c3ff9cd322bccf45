import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';
import { jointArtifact } from '../../../../models/scorecard/fold-choice.ts';
import { isJointScorecard, oppositeNote, pointsDirection } from '../../../../models/scorecard/points-direction.ts';
import {
  defaultScorecardOptions,
  scoreScorecard,
  trainScorecard,
  type ScorecardBin,
  type ScorecardVariable,
} from '../../../../models/scorecard/scorecard.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

/** A numeric variable of k ranges with the given bad rates and terms (100 rows a range), a missing bin first. */
function variable(rates: number[], terms: number[]): ScorecardVariable {
  const bins: ScorecardBin[] = [
    { rule: { type: 'missing' }, count: 50, bad: 45, woe: 0, term: -5, points: 0 },
    ...rates.map((r, k): ScorecardBin => ({
      rule: { type: 'range', lo: k === 0 ? null : k, hi: k === rates.length - 1 ? null : k + 1 },
      count: 100,
      bad: Math.round(100 * r),
      woe: 0,
      term: terms[k]!,
      points: 0,
    })),
  ];
  return { feature: 'BILL_AMT3', kind: 'numeric', coef: 0, iv: 0, fallback: 0, bins };
}
const ramp = (k: number, from: number, to: number) =>
  Array.from({ length: k }, (_, i) => from + ((to - from) * i) / (k - 1));

describe('the direction of a variable’s points against its own bad rate', () => {
  for (const k of [2, 5, 12]) {
    it(`${k} ranges: points falling where the bad rate falls are flagged, in plain words; agreeing ones are not`, () => {
      const falling = ramp(k, 0.4, 0.1);
      const opposite = pointsDirection(variable(falling, ramp(k, -1, 1)));
      expect(opposite).toMatchObject({ points: 'descending', bad_rate: 'descending', opposite: true });
      expect(oppositeNote(opposite)).toBe(
        'points fall as BILL_AMT3 rises although its own bad rate falls: given the other variables, higher BILL_AMT3 is riskier',
      );
      const agree = pointsDirection(variable(falling, ramp(k, 1, -1)));
      expect(agree).toMatchObject({ points: 'ascending', bad_rate: 'descending', opposite: false });
      expect(oppositeNote(agree)).toBeNull();
      const risingBoth = pointsDirection(variable(ramp(k, 0.1, 0.4), ramp(k, 1, -1)));
      expect(oppositeNote(risingBoth)).toBe(
        'points rise as BILL_AMT3 rises although its own bad rate rises: given the other variables, lower BILL_AMT3 is riskier',
      );
    });
  }

  for (const at of ['first', 'middle', 'last'] as const) {
    it(`an empty range (${at}) weighs nothing; the missing bin is not a range`, () => {
      const v = variable(ramp(6, 0.4, 0.1), ramp(6, -1, 1));
      const ranges = v.bins.filter((b) => b.rule.type === 'range');
      const empty = ranges[at === 'first' ? 0 : at === 'middle' ? 3 : 5]!;
      empty.count = 0;
      empty.bad = 0;
      // a wild term on the empty range would turn the direction if it counted
      empty.term = at === 'first' ? 50 : -50;
      expect(pointsDirection(v)).toMatchObject({ points: 'descending', bad_rate: 'descending', opposite: true });
    });
  }

  it('a bad rate that turns: the range of fewest points below the average bad rate is named (Taiwan’s BILL_AMT6)', () => {
    const v = variable([0.2067, 0.2388, 0.1994], [-0.1831, 0.001, 0.1822]);
    const counts = [7582, 5897, 3370];
    v.bins.slice(1).forEach((b, k) => {
      b.count = counts[k]!;
      b.bad = Math.round(counts[k]! * [0.2067, 0.2388, 0.1994][k]!);
    });
    const d = pointsDirection(v);
    expect(d).toMatchObject({ points: 'descending', bad_rate: 'ascending', opposite: false });
    expect(d.riskiest_range).toMatchObject({ bin: 3 });
    expect(oppositeNote(d, () => '[63417, +∞)')).toMatch(
      /^its fewest points fall on \[63417, \+∞\), whose own bad rate 0\.199\d is below BILL_AMT3's average 0\.21\d\d: given the other variables that range is the riskiest, and a reason code names it$/u,
    );
    // the fewest points on the highest bad rate: nothing to say
    v.bins[3]!.term = -1;
    v.bins[2]!.term = 1;
    expect(pointsDirection(v).riskiest_range).toBeUndefined();
  });

  it('a categorical variable, a single range and flat points have no direction to contradict', () => {
    const cat: ScorecardVariable = { ...variable([0.2, 0.3], [0, 1]), kind: 'categorical' };
    expect(pointsDirection(cat)).toMatchObject({ points: null, opposite: false });
    expect(pointsDirection(variable([0.2], [1]))).toMatchObject({ points: null, opposite: false });
    expect(pointsDirection(variable([0.3, 0.2, 0.1], [0.5, 0.5, 0.5]))).toMatchObject({
      points: 'flat',
      opposite: false,
    });
  });
});

/**
 * `limit` rises with the risk alone (limit = c + 0.3·u) but, given `balance` = u + c, a higher limit
 * means less of the balance is the risk u: the joint fit's points rise with the limit while its own
 * bad rate rises too.
 */
function againstBook(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const balance = new Float64Array(n);
  const limit = new Float64Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.normal();
    const c = rng.normal();
    balance[i] = u + c;
    limit[i] = c + 0.3 * u;
    label[i] = rng.chance(1 / (1 + Math.exp(-(-1.5 + 1.5 * u)))) ? 1 : 0;
  }
  return {
    n,
    columns: [
      { name: 'balance', kind: 'numeric', values: balance },
      { name: 'limit', kind: 'numeric', values: limit },
    ],
    label,
    period: Array.from({ length: n }, () => ''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('the joint scorecard’s card: directions, no coefficient column, reason codes', () => {
  for (const seed of [1, 2]) {
    it(`flags the variable whose points run against its own bad rate (seed ${seed})`, () => {
      const ds = againstBook(8_000, seed);
      const art = jointArtifact(ds, ['balance', 'limit'], defaultScorecardOptions, 17);
      expect(isJointScorecard(art)).toBe(true);
      const lim = pointsDirection(art.variables.find((v) => v.feature === 'limit')!);
      expect(lim).toMatchObject({ points: 'ascending', bad_rate: 'ascending', opposite: true });
      const md = modelCardMarkdown(scorecardVersion('against', art, ds, '2024-06-30'));
      expect(md).toContain(
        'points rise as limit rises although its own bad rate rises: given the other variables, lower limit is riskier',
      );
      expect(md).toContain('| variable | bin | count | bad rate | WoE | log-odds term | points |');
      expect(md).not.toMatch(/\| (balance|limit) \| 0\.0000 \|/u);
      expect(md).toMatch(/\| limit \| yes \| none; points ascending \(joint fit\) \|/u);
      expect(md).toContain('on a joint scorecard the points of the joint fit');
    });
  }

  it('reason codes are the variables whose bins cost the most points against their best bin', () => {
    const ds = againstBook(4_000, 3);
    const art = jointArtifact(ds, ['balance', 'limit'], defaultScorecardOptions, 17);
    const s = scoreScorecard(art, ds);
    const points = scoreScorecard(art, ds).points;
    for (const i of [0, 1, 1_999, 3_999]) {
      let sum = 0;
      const lost = art.variables.map((v) => {
        const best = Math.max(...v.bins.map((b) => b.points));
        const col = ds.columns.find((c) => c.name === v.feature)!;
        const x = col.kind === 'numeric' ? col.values[i]! : Number.NaN;
        const b = v.bins.find(
          (bb) =>
            bb.rule.type === 'range' &&
            (bb.rule.lo === null || x >= bb.rule.lo) &&
            (bb.rule.hi === null || x < bb.rule.hi),
        )!;
        sum += b.points;
        return [v.feature, best - b.points] as const;
      });
      expect(sum).toBeCloseTo(points[i]!, 9);
      const expected = lost
        .filter(([, l]) => l > 1e-9)
        .sort((a, b) => b[1] - a[1])
        .map(([f]) => f);
      expect(s.reasons[i]).toEqual(expected);
    }
  });

  it('a classic scorecard keeps its coefficient column', async () => {
    const ds = againstBook(4_000, 4);
    const art = await trainScorecard(ds, ['balance', 'limit'], {
      ...defaultScorecardOptions,
      refine: { ...defaultScorecardOptions.refine, lambdas: [] },
    });
    expect(isJointScorecard(art)).toBe(false);
    const md = modelCardMarkdown(scorecardVersion('classic', art, ds, '2024-06-30'));
    expect(md).toContain('| variable | coefficient | bin | count | bad rate | WoE | log-odds term | points |');
  });
});
