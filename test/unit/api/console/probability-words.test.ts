import { describe, expect, it } from 'vitest';
import { languages } from '../../../../reports/i18n.ts';
import { probabilitySources } from '../../../../pipelines/cases/case-list.ts';
import type { Html } from '../../../../api/console/layout.ts';
import { loanBody } from '../../../../api/console/loan-page.ts';
import { probabilitySourceNames, targetProbabilityLabel } from '../../../../api/console/probability-words.ts';
import { aCase, aLoanView, loanOptions } from './loan-view-fixture.ts';

const rendered = async (h: Html): Promise<string> => (await h).toString();

describe("the loan page's two probabilities, each named by what it is of", () => {
  it("the score's probability is labelled by the model's target, not 'probability of default'", async () => {
    const targets: [string, Record<'zh-CN' | 'en', string>][] = [
      ['dpd30_3m', { 'zh-CN': '3 个月内逾期 30 天以上的概率', en: 'P(DPD &gt; 30 within 3 months)' }],
      ['dpd90_12m', { 'zh-CN': '12 个月内逾期 90 天以上的概率', en: 'P(DPD &gt; 90 within 12 months)' }],
      ['dpd60_1m', { 'zh-CN': '1 个月内逾期 60 天以上的概率', en: 'P(DPD &gt; 60 within 1 month)' }],
      ['bad_flag', { 'zh-CN': '目标“bad_flag”的概率', en: 'Probability of target &quot;bad_flag&quot;' }],
    ];
    for (const lang of languages)
      for (const [target, words] of targets) {
        const v = aLoanView();
        const page = await rendered(loanBody({ ...v, score: { ...v.score!, target } }, { ...loanOptions, lang }));
        expect(page, `${lang} ${target}`).toContain(`<dt>${words[lang]}</dt>`);
        expect(page).toMatch(/<dd id="score-probability">56\.02%<\/dd>/u);
        expect(page).not.toContain('违约概率');
      }
  });

  it("the case's probability and its source stand beside the expected loss, for every source", async () => {
    for (const lang of languages)
      for (const source of probabilitySources) {
        const c = aCase({ probability: 0.687, probability_source: source });
        const page = await rendered(loanBody(aLoanView({ case: c }), { ...loanOptions, lang }));
        const line = /<small id="case-probability">([^<]*)<\/small>/u.exec(page)?.[1] ?? '';
        expect(line, `${lang} ${source}`).toContain('68.70%');
        expect(line, `${lang} ${source}`).toContain(probabilitySourceNames[source][lang]);
        for (const code of ['model_updated', 'roll_rate_matrix']) expect(line, `${lang} ${source}`).not.toContain(code);
        // beside the expected loss: in the same <dd>
        // (in full, as the queue shows money: never 万 or K on the page a collector quotes from)
        expect(page).toMatch(/<dd>\s*1,4\d\d,\d{3}\.\d{2}\s*<small id="case-probability">/u);
      }
  });

  it("a high-score warning's evidence names the model's probability, not a probability of default", async () => {
    const evidence = JSON.stringify({ model: 'ew@3', month_end: '2024-05-31', probability: 0.5602, grade: 'E' });
    const warnings = [
      { as_of: '2024-06-30', rule_id: 'high_score', severity: 'warning', value: 0.5602, threshold: 0.5, evidence },
      {
        as_of: '2024-06-30',
        rule_id: 'score_jump',
        severity: 'warning',
        value: 0.2,
        threshold: 0.1,
        evidence: JSON.stringify({ previous_probability: 0.3, probability: 0.5 }),
      },
    ];
    for (const lang of languages) {
      const page = await rendered(loanBody(aLoanView({ warnings }), { ...loanOptions, lang }));
      expect(page).not.toMatch(/违约概率|Probability of default/u);
      expect(page).toContain(lang === 'en' ? '<dt>Model probability</dt>' : '<dt>模型预测概率</dt>');
    }
  });

  it('a target name in words for several horizons and thresholds', () => {
    for (const [dpd, months] of [
      [1, 1],
      [30, 3],
      [90, 12],
    ])
      expect(targetProbabilityLabel(`dpd${dpd}_${months}m`, 'en')).toBe(
        `P(DPD > ${dpd} within ${months} month${months === 1 ? '' : 's'})`,
      );
  });
});
