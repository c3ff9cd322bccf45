import { describe, expect, it } from 'vitest';
import { pointsTables } from '../../../../api/console/points-table.ts';
import type { ScorecardBin, ScorecardArtifact, ScorecardVariable } from '../../../../models/scorecard/scorecard.ts';
import { defaultScaling, defaultGradeEdges } from '../../../../models/scorecard/scorecard.ts';
import { defaultBinning } from '../../../../models/scorecard/binning.ts';

/** A numeric variable of ranges with the given bad rates and terms, every bin its own term (a joint one). */
function variable(feature: string, rates: number[], terms: number[]): ScorecardVariable {
  const bins = rates.map((r, k): ScorecardBin => ({
    rule: { type: 'range', lo: k === 0 ? null : k, hi: k === rates.length - 1 ? null : k + 1 },
    count: 100,
    bad: Math.round(100 * r),
    woe: 0,
    term: terms[k]!,
    points: 20 - 10 * terms[k]!,
  }));
  return { feature, kind: 'numeric', coef: 0, iv: 0, fallback: 0, bins };
}

const card = (variables: ScorecardVariable[]): ScorecardArtifact => ({
  kind: 'scorecard',
  woeConvention: 'ln(%bad / %good)',
  intercept: -1,
  scaling: defaultScaling,
  gradeEdges: defaultGradeEdges,
  variables,
  selection: [],
  binning: defaultBinning,
  baseline: { scoreEdges: [], scoreCounts: [] },
});

const render = async (a: ScorecardArtifact, lang: 'en' | 'zh-CN'): Promise<string> =>
  (await pointsTables(a, lang)).toString();

describe('the console’s points table: directions and points against the bad rate', () => {
  const a = card([
    variable('PAY_0', [0.1, 0.2, 0.5], [-1, 0, 1]),
    variable('BILL_AMT3', [0.3, 0.25, 0.2], [-0.2, 0, 0.3]),
    variable('LIMIT_BAL', [0.3, 0.2, 0.1], [0.5, 0, -0.5]),
  ]);

  it('names each variable’s direction and words the one against its bad rate, in both languages', async () => {
    const en = await render(a, 'en');
    expect(en).toContain('PAY_0 · 3 bins · points fall as the value rises');
    expect(en).toContain('LIMIT_BAL · 3 bins · points rise with the value');
    expect(en).toContain(
      'points fall as BILL_AMT3 rises although its own bad rate falls: given the other variables, higher BILL_AMT3 is riskier',
    );
    expect(en.match(/points-against/gu)).toHaveLength(1);
    // the warning stands before the folded table; every table's tag is as before
    expect(en).toMatch(
      /<p class="note points-against" data-feature="BILL_AMT3">⚠ points fall[^<]*<\/p>\s*<details class="points" data-feature="BILL_AMT3">/u,
    );
    for (const f of ['PAY_0', 'BILL_AMT3', 'LIMIT_BAL'])
      expect(en).toContain(`<details class="points" data-feature="${f}">`);
    expect(en).toContain('the reason codes follow the joint fit');
    const zh = await render(a, 'zh-CN');
    expect(zh).toContain('BILL_AMT3 越高分数越低，而其单变量坏账率随之下降');
    expect(zh).toContain('原因码');
    expect(zh).not.toContain('although');
  });

  it('a classic card (coefficients on WoE) says nothing of a joint fit', async () => {
    const classic = card([{ ...variable('PAY_0', [0.1, 0.5], [-1, 1]), coef: 0.9 }]);
    expect(await render(classic, 'en')).not.toContain('joint');
  });
});
