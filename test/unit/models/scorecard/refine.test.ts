import { describe, expect, it } from 'vitest';
import { subset } from '../../../../models/data/dataset.ts';
import { auc } from '../../../../models/evaluate/metrics.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';
import { binIndexCategory, binIndexNumeric } from '../../../../models/scorecard/binning.ts';
import {
  asVariableBins,
  binTerm,
  defaultScorecardOptions,
  pointsOf,
  refinementPool,
  rescaleScorecard,
  scoreScorecard,
  scorecardProbability,
  trainScorecard,
  type ScorecardArtifact,
} from '../../../../models/scorecard/scorecard.ts';
import { defaultRefine } from '../../../../models/scorecard/refine.ts';
import { screenVariables } from '../../../../models/scorecard/selection.ts';
import { conditionalBook } from '../../../helpers/conditional-book.ts';
import { heldBackSplit } from '../../../helpers/held-back-split.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

const parts = heldBackSplit;
const features = ['balance', 'credit_limit', 'noise', 'channel'];
const classicOnly = { ...defaultScorecardOptions, refine: { ...defaultRefine, lambdas: [] } };

/** Each numeric variable's range terms never fall (or never rise) from one range to the next. */
function monotonic(art: ScorecardArtifact): boolean {
  return art.variables.every((v) => {
    const t = v.bins.filter((b) => b.rule.type === 'range').map((b) => binTerm(v, b));
    const steps = t.slice(1).map((x, k) => x - t[k]!);
    return steps.every((d) => d >= -1e-12) || steps.every((d) => d <= 1e-12);
  });
}

describe('the joint refinement of a scorecard’s points', () => {
  for (const seed of [1, 2, 3]) {
    it(`adds a variable that matters only given another, ranks unseen rows better, and keeps every variable monotonic (seed ${seed})`, async () => {
      const { fit, held } = parts(conditionalBook(15_000, seed));
      const test = conditionalBook(10_000, seed + 100);
      const classic = await trainScorecard(fit, features, classicOnly, held);
      const refined = await trainScorecard(fit, features, defaultScorecardOptions, held);
      // credit_limit alone is screened out (IV ≈ 0); the refinement adds it, falling with the risk
      expect(classic.variables.map((v) => v.feature)).not.toContain('credit_limit');
      const r = refined.refinement!;
      expect(r.chosen).not.toBeNull();
      expect(r.added).toContain('credit_limit');
      const limit = refined.variables.find((v) => v.feature === 'credit_limit')!;
      const terms = limit.bins.filter((b) => b.rule.type === 'range').map((b) => binTerm(limit, b));
      expect(terms[0]!).toBeGreaterThan(terms.at(-1)!);
      expect(limit.coef).toBe(0);
      expect(monotonic(refined)).toBe(true);
      expect(auc(scorecardProbability(refined, test), test.label)).toBeGreaterThan(
        auc(scorecardProbability(classic, test), test.label) + 0.02,
      );
      // the choice: the first of classic, then λ strong to weak, within one standard error of the best
      const best = Math.max(...r.tried.map((t) => t.held_back_auc));
      for (const t of r.tried) expect(t.gap_to_best).toBeCloseTo(best - t.held_back_auc, 12);
      const first = r.tried.find((t) => t.gap_to_best <= t.gap_se)!;
      expect(first.lambda).toBe(r.chosen);
      expect(r.tried[0]!.lambda).toBeNull();
      expect(auc(scorecardProbability(refined, held), held.label)).toBeCloseTo(first.held_back_auc, 10);
      // the selection report says why credit_limit is in
      expect(refined.selection.find((s) => s.feature === 'credit_limit')).toMatchObject({ kept: true });
    });
  }

  it('does not offer a variable whose ranges, cut again for it, drift between the halves of the training window', () => {
    const ds = conditionalBook(15_000, 14);
    // no effect on the risk, so its own binning keeps one range (PSI 0); from the fourth month on it moves up
    const noise = ds.columns.find((c) => c.name === 'noise')!;
    if (noise.kind !== 'numeric') throw new Error('noise is numeric');
    const drift = noise.values.map((x, i) => (ds.period[i]! >= '2024-04' ? x + 3 : x));
    const book = { ...ds, columns: [...ds.columns, { name: 'drift', kind: 'numeric' as const, values: drift }] };
    const names = [...features, 'drift'];
    const screened = screenVariables(book, names, defaultScorecardOptions.binning, defaultScorecardOptions.selection);
    const own = screened.binned.find((v) => v.feature === 'drift')!;
    expect(own.bins.filter((b) => b.rule.type === 'range')).toHaveLength(1);
    expect(screened.report.find((r) => r.feature === 'drift')!.psi).toBeLessThan(0.01);
    const pool = refinementPool(book, screened.binned, [], new Set(names), defaultScorecardOptions);
    expect(pool.map((v) => v.feature)).not.toContain('drift');
    // a variable cut again that holds steady is offered
    expect(pool.map((v) => v.feature)).toContain('noise');
  });

  it('judges λ with a category the fitting rows never had in the bin the saved scorecard scores it in', async () => {
    for (const seed of [15, 16, 17]) {
      const ds = conditionalBook(15_000, seed);
      const channel = ds.columns.find((c) => c.name === 'channel')!;
      const balance = ds.columns.find((c) => c.name === 'balance')!;
      if (channel.kind !== 'categorical' || balance.kind !== 'numeric') throw new Error('channel, balance');
      // agents bring the high balances: the riskiest channel alone (the classic fit's fallback), not given
      // the balance (the refined terms' riskiest is another channel)
      for (let i = 0; i < ds.n; i++) if (balance.values[i]! > 0.8 && i % 4 !== 0) channel.codes[i] = 2;
      // a fourth channel only among the held-back rows (every fifth): unseen when fitting
      channel.levels.push('broker');
      for (let i = 0; i < ds.n; i += 10) channel.codes[i] = 3;
      const { fit, held } = parts(ds);
      const art = await trainScorecard(fit, features, defaultScorecardOptions, held);
      const r = art.refinement!;
      expect(r.chosen).not.toBeNull();
      const v = art.variables.find((x) => x.feature === 'channel')!;
      const byWoe = v.bins.reduce((a, b, k) => (b.count > 0 && b.woe > v.bins[a]!.woe ? k : a), 0);
      expect(v.fallback).not.toBe(byWoe);
      const kept = r.tried.find((t) => t.lambda === r.chosen)!;
      expect(auc(scorecardProbability(art, held), held.label)).toBeCloseTo(kept.held_back_auc, 10);
    }
  });

  it('scores by the refined terms: probability σ(β₀ + Σ terms), points adding up to the probability’s, Platt folded into the terms', async () => {
    const { fit, held } = parts(conditionalBook(12_000, 7));
    const art = await trainScorecard(fit, features, defaultScorecardOptions, held);
    expect(art.refinement!.chosen).not.toBeNull();
    const s = scoreScorecard(art, held);
    const p = scorecardProbability(art, held);
    for (let i = 0; i < held.n; i += 97) {
      let z = art.intercept;
      for (const v of art.variables) {
        const col = held.columns.find((c) => c.name === v.feature)!;
        const k =
          col.kind === 'numeric'
            ? binIndexNumeric(asVariableBins(v), col.values[i]!)
            : binIndexCategory(asVariableBins(v), col.codes[i]! < 0 ? null : col.levels[col.codes[i]!]!);
        expect(v.bins[k]!.term).toBeDefined();
        z += v.bins[k]!.term!;
      }
      expect(p[i]!).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
      expect(s.points[i]!).toBeCloseTo(pointsOf(p[i]!, art.scaling), 8);
    }
    const a = 0.8;
    const b = -0.3;
    const folded = rescaleScorecard(art, a, b);
    const q = scorecardProbability(folded, held);
    for (let i = 0; i < held.n; i += 53) {
      const logit = Math.log(p[i]! / (1 - p[i]!));
      expect(q[i]!).toBeCloseTo(1 / (1 + Math.exp(-(a * logit + b))), 10);
    }
  });

  it('gives an empty bin (a missing value never seen) the riskiest term and sends unseen values there', async () => {
    const ds = conditionalBook(12_000, 9);
    const balance = ds.columns.find((c) => c.name === 'balance')!;
    if (balance.kind === 'numeric')
      for (let i = 0; i < ds.n; i++) if (Number.isNaN(balance.values[i]!)) balance.values[i] = 0;
    const { fit, held } = parts(ds);
    const art = await trainScorecard(fit, features, defaultScorecardOptions, held);
    expect(art.refinement!.chosen).not.toBeNull();
    for (const v of art.variables) {
      const seen = v.bins.filter((b) => b.count > 0).map((b) => binTerm(v, b));
      const top = Math.max(...seen);
      for (const bin of v.bins) if (bin.count === 0) expect(binTerm(v, bin)).toBe(top);
      expect(binTerm(v, v.bins[v.fallback]!)).toBe(top);
    }
  });

  it('keeps the classic fit when no refinement ranks the held-back rows better by more than its error', async () => {
    // a λ so strong that the terms stay at the classic fit's: the same ranking, within any error
    const { fit, held } = parts(conditionalBook(8_000, 11));
    const art = await trainScorecard(
      fit,
      ['balance', 'channel'],
      { ...defaultScorecardOptions, refine: { ...defaultRefine, lambdas: [1e12] } },
      held,
    );
    const r = art.refinement!;
    expect(r.tried.map((t) => t.lambda)).toEqual([null, 1e12]);
    expect(r.tried[0]!.gap_to_best).toBeLessThanOrEqual(r.tried[0]!.gap_se);
    expect(r.chosen).toBeNull();
    expect(r.added).toEqual([]);
    expect(art.variables.every((v) => v.bins.every((b) => b.term === undefined))).toBe(true);
    const classic = await trainScorecard(fit, ['balance', 'channel'], classicOnly, held);
    expect(scorecardProbability(art, held)).toEqual(scorecardProbability(classic, held));
  });

  it('is not fitted on a held-back part with few bads, nor over a shaped trend, and says why', async () => {
    const { fit, held } = parts(conditionalBook(12_000, 13));
    const few = subset(
      held,
      Array.from({ length: held.n }, (_, i) => i).filter((i) => held.label[i] === 0 || i % 40 === 0),
    );
    const bads = few.label.reduce((a, y) => a + y, 0);
    expect(bads).toBeLessThan(defaultRefine.minHeldBackBads);
    const art = await trainScorecard(fit, features, defaultScorecardOptions, few);
    expect(art.refinement).toMatchObject({ chosen: null, tried: [], added: [] });
    expect(art.refinement!.not_tried).toContain(`${bads} bads, fewer than ${defaultRefine.minHeldBackBads}`);
    expect(art.variables.every((v) => v.bins.every((b) => b.term === undefined))).toBe(true);
    const peaked = await trainScorecard(
      fit,
      features,
      { ...defaultScorecardOptions, binning: { ...defaultScorecardOptions.binning, trend: 'peak' } },
      held,
    );
    expect(peaked.refinement!.not_tried).toMatch(/peak shape/);
    expect(modelCardMarkdown(scorecardVersion('peaked', peaked, held, '2024-06-28'))).toMatch(
      /Joint refinement of the points: not tried — .*peak shape/,
    );
  });

  it('is not tried without a held-back part, and the card lists every λ tried', async () => {
    const { fit, held } = parts(conditionalBook(8_000, 12));
    expect((await trainScorecard(fit, features)).refinement).toBeUndefined();
    const art = await trainScorecard(fit, features, defaultScorecardOptions, held);
    const card = modelCardMarkdown(scorecardVersion('refined', art, held, '2024-06-28'));
    expect(card).toContain('Joint refinement of the points');
    expect(card).toContain('| classic |');
    for (const t of art.refinement!.tried.slice(1)) expect(card).toContain(`| ${t.lambda} |`);
    expect(card).toContain('log-odds term');
  });
});
