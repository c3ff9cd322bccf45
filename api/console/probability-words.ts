import type { Case, ProbabilitySource } from '../../pipelines/cases/case-list.ts';
import { formatPct, type Lang, type Text } from '../../reports/i18n.ts';

/**
 * The loan page showed two probabilities as if one: the early-warning score's "违约概率 56.02%" (the
 * model's target — DPD > 30 within 3 months — on a loan already 164 days past due) beneath an
 * expected loss built from the case's own probability (68.7 %, a roll-rate matrix's). Each is named
 * here by what it is the probability of, and the case's by where it came from.
 */

/** a target as the trainers name it (warehouse/feature-catalogue.ts targetName: dpd30_3m) */
const targetPattern = /^dpd(\d+)_(\d+)m$/u;

/** The score's probability labelled by the model's target: "P(DPD > 30 within 3 months)"; another target by its name. */
export function targetProbabilityLabel(target: string, lang: Lang): string {
  const m = targetPattern.exec(target);
  if (!m) return lang === 'zh-CN' ? `目标“${target}”的概率` : `Probability of target "${target}"`;
  const [, dpd, months] = m;
  return lang === 'zh-CN'
    ? `${months} 个月内逾期 ${dpd} 天以上的概率`
    : `P(DPD > ${dpd} within ${months} month${months === '1' ? '' : 's'})`;
}

/** Where a case's probability came from (pipelines/cases/case-list.ts probability_source), in words. */
export const probabilitySourceNames: Record<ProbabilitySource, Text> = {
  model: { 'zh-CN': '预警模型评分', en: 'the early-warning model score' },
  model_updated: {
    'zh-CN': '预警模型评分，按评分后逾期段的变化调整',
    en: 'the early-warning model score, moved by the bucket change since it was scored',
  },
  roll_rate_matrix: {
    'zh-CN': '滚动率矩阵：所在逾期段下月转入更差逾期段的比例（无适用评分）',
    en: 'the roll-rate matrix: the share of its bucket that rolls to a worse one next month (no score applies)',
  },
};

/** "probability 68.70% · source: the roll-rate matrix …": the case's probability beside its expected loss. */
export function caseProbabilityLine(c: Pick<Case, 'probability' | 'probability_source'>, lang: Lang): string {
  const source = probabilitySourceNames[c.probability_source][lang];
  return lang === 'zh-CN'
    ? `概率 ${formatPct(c.probability, 2)} × 余额；来源：${source}`
    : `probability ${formatPct(c.probability, 2)} × balance; source: ${source}`;
}
