import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { auc } from '../../../../models/evaluate/metrics.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';
import { defaultScorecardOptions, scoreScorecard, trainScorecard } from '../../../../models/scorecard/scorecard.ts';
import {
  defaultSelection,
  pruneCorrelated,
  screenVariables,
  woeCorrelations,
} from '../../../../models/scorecard/selection.ts';
import { defaultRefine } from '../../../../models/scorecard/refine.ts';
import { heldBackSplit } from '../../../helpers/held-back-split.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

/**
 * `a` and `b = a + s·e`. Informative: s = 0.5 (WoE ρ about 0.9) and the risk rises with a and b
 * alike, so `b` carries what `a` does not (the noise e). Otherwise b is a near-copy of a (s = 0.02,
 * ρ above every limit) and only `a` drives the risk. `c` is independent.
 */
function book(n: number, seed: number, bInformative: boolean): Dataset {
  const rng = new Rng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const e = rng.normal();
    a[i] = rng.normal();
    b[i] = a[i]! + (bInformative ? 0.5 : 0.02) * e;
    c[i] = rng.normal();
    const z = -1.5 + (bInformative ? 0.8 * a[i]! + 0.8 * b[i]! : 1.2 * a[i]!) + 0.5 * c[i]!;
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
  }
  return {
    n,
    columns: [
      { name: 'a', kind: 'numeric', values: a },
      { name: 'b', kind: 'numeric', values: b },
      { name: 'c', kind: 'numeric', values: c },
    ],
    label,
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

const split = heldBackSplit;

describe('the scorecard chooses its correlation limit on the held-back part', () => {
  for (const seed of [1, 2, 3]) {
    it(`keeps the strictest limit within one standard error of the best held-back AUC (seed ${seed})`, async () => {
      for (const informative of [true, false]) {
        const { fit, held } = split(book(12_000, seed, informative));
        // the classic fit's choice: the joint refinement (refine.test.ts) left out
        const art = await trainScorecard(
          fit,
          ['a', 'b', 'c'],
          { ...defaultScorecardOptions, refine: { ...defaultRefine, lambdas: [] } },
          held,
        );
        const choice = art.correlationChoice!;
        expect(choice.tried.map((t) => t.limit)).toEqual(defaultSelection.maxCorrelation);
        const best = Math.max(...choice.tried.map((t) => t.held_back_auc));
        for (const t of choice.tried) expect(t.gap_to_best).toBeCloseTo(best - t.held_back_auc, 12);
        const chosen = choice.tried.find((t) => t.gap_to_best <= t.gap_se)!;
        expect(choice.chosen).toBe(chosen.limit);
        // every stricter limit trails the best by more than its standard error
        for (const t of choice.tried.filter((x) => x.limit < chosen.limit))
          expect(t.gap_to_best).toBeGreaterThan(t.gap_se);
        // the kept scorecard is the chosen limit's: its variables, and its held-back AUC recomputed
        expect(art.variables.map((v) => v.feature)).toEqual(chosen.variables);
        expect(auc(scoreScorecard(art, held).probability, held.label)).toBeCloseTo(chosen.held_back_auc, 10);
        // b carries the noise's risk: kept when informative; a near-copy is dropped by every limit,
        // so every limit gives the same scorecard and the strictest is kept
        const names = art.variables.map((v) => v.feature);
        if (informative) expect(names).toEqual(expect.arrayContaining(['a', 'b']));
        else {
          expect(names.filter((f) => f === 'a' || f === 'b')).toHaveLength(1);
          expect(choice.chosen).toBe(0.7);
        }
      }
    });
  }

  it('without a held-back part uses the first limit and records no choice', async () => {
    const { fit } = split(book(8_000, 4, true));
    const art = await trainScorecard(fit, ['a', 'b', 'c']);
    expect(art.correlationChoice).toBeUndefined();
    const screened = screenVariables(fit, ['a', 'b', 'c'], defaultScorecardOptions.binning, defaultSelection);
    const first = pruneCorrelated(screened, woeCorrelations(fit, screened.candidates), 0.7, 20);
    expect(art.variables.map((v) => v.feature)).toEqual(first.kept.map((v) => v.feature));
  });

  it('lists every limit tried in the model card', async () => {
    const { fit, held } = split(book(8_000, 5, true));
    const art = await trainScorecard(fit, ['a', 'b', 'c'], defaultScorecardOptions, held);
    const md = modelCardMarkdown(scorecardVersion('correlated_scorecard', art, fit, '2023-12-31'));
    expect(md).toContain(`Correlation limit ${art.correlationChoice!.chosen}, chosen on the held-back part`);
    for (const t of art.correlationChoice!.tried)
      expect(md).toContain(`| ${t.limit} | ${t.held_back_auc.toFixed(4)} |`);
  });
});

describe('pruneCorrelated', () => {
  it('drops a candidate above the limit with a stronger kept one, keeps one at it, and copies the report', () => {
    const ds = book(6_000, 6, true);
    const screened = screenVariables(ds, ['a', 'b', 'c'], defaultScorecardOptions.binning, defaultSelection);
    const rho = woeCorrelations(ds, screened.candidates);
    const k = screened.candidates.length;
    const names = screened.candidates.map((v) => v.feature);
    const [ia, ib] = [names.indexOf('a'), names.indexOf('b')];
    const r = Math.abs(rho[ia * k + ib]!);
    expect(r).toBeGreaterThan(0.5);
    const below = pruneCorrelated(screened, rho, r - 1e-9, 20);
    const at = pruneCorrelated(screened, rho, r, 20);
    const weaker = names[Math.max(ia, ib)]!;
    expect(below.kept.map((v) => v.feature)).not.toContain(weaker);
    expect(below.report.find((x) => x.feature === weaker)!.reason).toMatch(/^correlated with /);
    expect(at.kept.map((v) => v.feature)).toContain(weaker);
    expect(screened.report.every((x) => x.kept)).toBe(true);
    expect(pruneCorrelated(screened, rho, 1, 1).kept.map((v) => v.feature)).toEqual([names[0]]);
  });
});
