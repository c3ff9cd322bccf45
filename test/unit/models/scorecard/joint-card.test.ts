import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { auc } from '../../../../models/evaluate/metrics.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';
import { binIndexCategory } from '../../../../models/scorecard/binning.ts';
import { chooseByFolds, foldsOf, jointArtifact, pairedLead } from '../../../../models/scorecard/fold-choice.ts';
import {
  asVariableBins,
  binTerm,
  defaultScorecardOptions,
  pointsOf,
  scoreScorecard,
  scorecardProbability,
  trainScorecard,
  type ScorecardArtifact,
} from '../../../../models/scorecard/scorecard.ts';
import { conditionalBook } from '../../../helpers/conditional-book.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

const features = ['balance', 'credit_limit', 'noise', 'channel'];
const classicOnly = { ...defaultScorecardOptions, refine: { ...defaultScorecardOptions.refine, lambdas: [] } };
// a table has no month-ends: the folds' choice is a table's
const asTable = (ds: Dataset): Dataset => ({ ...ds, period: ds.period.map(() => '') });

/** Each numeric variable's range terms never fall (or never rise) from one range to the next. */
function monotonic(art: ScorecardArtifact): boolean {
  return art.variables.every((v) => {
    const t = v.bins.filter((b) => b.rule.type === 'range').map((b) => binTerm(v, b));
    const steps = t.slice(1).map((x, k) => x - t[k]!);
    return steps.every((d) => d >= -1e-12) || steps.every((d) => d <= 1e-12);
  });
}

describe('the joint scorecard', () => {
  for (const seed of [1, 2, 3]) {
    it(`fits a feature weak alone in the direction it has given the others, monotonic, and ranks unseen rows better than the classic (seed ${seed})`, async () => {
      const fit = asTable(conditionalBook(12_000, seed));
      const test = asTable(conditionalBook(8_000, seed + 100));
      const joint = jointArtifact(fit, features, defaultScorecardOptions, 17);
      const classic = await trainScorecard(fit, features, classicOnly);
      expect(monotonic(joint)).toBe(true);
      // credit_limit alone says nothing; given balance, a higher limit means less risk
      const limit = joint.variables.find((v) => v.feature === 'credit_limit')!;
      const ranges = limit.bins.filter((b) => b.rule.type === 'range');
      expect(ranges.length).toBeGreaterThan(1);
      expect(binTerm(limit, ranges[0]!)).toBeGreaterThan(binTerm(limit, ranges.at(-1)!));
      expect(auc(scorecardProbability(joint, test), test.label)).toBeGreaterThan(
        auc(scorecardProbability(classic, test), test.label) + 0.02,
      );
    });
  }

  it('scores an unseen category and a missing value never seen in the riskiest bin, and its points add up to the score', () => {
    const fit = asTable(conditionalBook(6_000, 4));
    const noMissing = {
      ...fit,
      columns: fit.columns.map((c) =>
        c.kind === 'numeric' ? { ...c, values: c.values.map((x) => (Number.isNaN(x) ? 0 : x)) } : c,
      ),
    };
    const art = jointArtifact(noMissing, features, defaultScorecardOptions, 17);
    for (const v of art.variables) {
      const terms = v.bins.map((b) => binTerm(v, b));
      const top = Math.max(...v.bins.filter((b) => b.count > 0).map((b) => binTerm(v, b)));
      expect(terms[v.fallback]).toBe(top);
      // the missing bin was never seen: it scores as the riskiest
      v.bins.forEach((b, k) => {
        if (b.count === 0) expect(terms[k]).toBe(top);
      });
    }
    const channel = art.variables.find((v) => v.feature === 'channel')!;
    expect(binIndexCategory(asVariableBins(channel), 'a channel never seen')).toBe(channel.fallback);
    const s = scoreScorecard(art, fit);
    for (const i of [0, Math.floor(fit.n / 2), fit.n - 1])
      expect(s.points[i]).toBeCloseTo(pointsOf(s.probability[i]!), 8);
    // the artifact as saved and read back scores the same
    const read = JSON.parse(JSON.stringify(art)) as ScorecardArtifact;
    expect(Array.from(scorecardProbability(read, fit))).toEqual(Array.from(s.probability));
  });

  it('replaces the classic scorecard only when the folds agree, and the card says so', async () => {
    const book = asTable(conditionalBook(15_000, 5));
    const lines: string[] = [];
    const won = await chooseByFolds(book, features, defaultScorecardOptions, 1, (l) => lines.push(l));
    expect(won?.joint).not.toBeNull();
    const r = won!.report;
    expect(r.folds).toBe(5);
    expect(r.tried.map((t) => t.candidate)).toEqual(['classic', 'joint λ=50', 'joint λ=17', 'joint λ=5']);
    for (const t of r.tried) {
      expect(t.fold_auc).toHaveLength(5);
      expect(t.mean_auc).toBeCloseTo(t.fold_auc.reduce((a, b) => a + b, 0) / 5, 12);
    }
    expect(r.best_joint!.lead).toBeGreaterThan(2 * r.best_joint!.se);
    expect(r.chosen).toBe(r.best_joint!.candidate);
    expect(won!.joint!.foldChoice).toEqual(r);
    const card = modelCardMarkdown(scorecardVersion('joint', won!.joint!, book, '2024-06-28'));
    expect(card).toContain(`Classic or joint scorecard: ${r.chosen} kept`);
    expect(card).toContain('| joint λ=17 |');
    // a bin no row fell in (missing never seen) is named as the bin it scores as, with that bin's WoE, term and points
    const rows = card
      .split('\n')
      .filter((l) => /^\| \w+ \| .* \| -?\d+\.\d{4} \| -?\d+\.\d{4} \| -?\d+\.\d \|$/u.test(l));
    const cells = (l: string) => l.split(' | ').map((c) => c.replace(/^\| |\s\|$/gu, ''));
    const empty = rows.filter((l) => cells(l)[2] === '0');
    expect(empty.length).toBeGreaterThan(0);
    for (const l of empty) {
      const [feature, label, , , woe, term, points] = cells(l);
      const as = /\(scored as (.+)\)$/u.exec(label!)?.[1];
      expect(as, l).toBeDefined();
      const twin = rows.find((r) => cells(r)[0] === feature && cells(r)[1] === as)!;
      expect(cells(twin).slice(4), l).toEqual([woe, term, points]);
    }
    // the joint fit applies no IV floor: each weak feature it kept is named with its IV
    const weak = won!.joint!.selection.filter((x) => x.kept && x.iv < 0.02);
    expect(weak.map((x) => x.feature)).toContain('noise');
    for (const x of won!.joint!.selection.filter((y) => y.kept))
      expect(x.reason.includes(`kept with IV ${x.iv.toFixed(4)} below the classic floor 0.02`)).toBe(x.iv < 0.02);
    expect(card).toContain(
      `Kept below the classic floor (${weak.length}): ${weak.map((x) => `${x.feature} (IV ${x.iv.toFixed(4)})`).join(', ')}.`,
    );
    expect(won!.joint!.selection[0]!.reason).toMatch(
      /every feature with more than one non-empty fine bin \(at most 30\)/u,
    );
    // three channels and noise: both scorecards hold the same three bins, nothing to lead by, the classic stays
    // the log names the one kept with every candidate's mean fold AUC and the lead against twice its error
    expect(lines.at(-1)).toBe(
      `scorecard: ${r.chosen} kept: mean fold AUC ${r.tried.map((t) => `${t.candidate} ${t.mean_auc.toFixed(4)}`).join(', ')}; ${r.best_joint!.candidate} leads the classic by ${r.best_joint!.lead.toFixed(4)} (standard error ${r.best_joint!.se.toFixed(4)}), more than twice the standard error`,
    );
    const keptLines: string[] = [];
    const kept = await chooseByFolds(book, ['channel', 'noise'], defaultScorecardOptions, 1, (l) => keptLines.push(l));
    expect(keptLines.at(-1)).toMatch(
      /^scorecard: classic kept: mean fold AUC classic 0\.\d{4}, .*not more than twice the standard error$/u,
    );
    expect(kept!.joint).toBeNull();
    expect(kept!.report.chosen).toBe('classic');
  });

  it('makes no choice with too few bads for every fold, or with the folds off', async () => {
    const book = asTable(conditionalBook(150, 6));
    expect(await chooseByFolds(book, features, defaultScorecardOptions, 1)).toBeNull();
    const big = asTable(conditionalBook(5_000, 6));
    expect(await chooseByFolds(big, features, { ...defaultScorecardOptions, folds: 0 }, 1)).toBeNull();
  });
});

describe('the folds', () => {
  for (const [n, k] of [
    [10, 5],
    [1_003, 5],
    [7, 3],
  ] as const)
    it(`deal ${n} rows into ${k} folds differing by one row at most, the same for the same seed`, () => {
      const f = foldsOf(n, k, 1);
      const sizes = Array.from({ length: k }, (_, j) => f.filter((x) => x === j).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Array.from(foldsOf(n, k, 1))).toEqual(Array.from(f));
    });

  it('judge a lead by its paired standard error', () => {
    const { lead, se } = pairedLead([0.8, 0.82, 0.78, 0.81], [0.79, 0.8, 0.77, 0.8]);
    // leads 0.01, 0.02, 0.01, 0.01: mean 0.0125, sample sd 0.005
    expect(lead).toBeCloseTo(0.0125, 12);
    expect(se).toBeCloseTo(0.005 / 2, 12);
  });
});
