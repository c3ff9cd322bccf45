import type { Lang } from './i18n.ts';

// A registered version's card is written in English (models/, the Markdown card); the console shows
// its split, kind and selection reasons in the page's language. The registry keeps the English text:
// each pattern here reads one form the trainers write, and any other text is shown as written.

const zhKinds: Record<string, string> = { scorecard: '评分卡', gbm: '梯度提升树', network: '神经网络' };

export const kindWords = (kind: string, lang: Lang): string => (lang === 'zh-CN' ? (zhKinds[kind] ?? kind) : kind);

/** The split as metrics.split writes it (models/workflows.ts), in the page's language. */
export function splitWords(split: string, lang: Lang): string {
  if (lang === 'en') return split;
  const random = /^seeded random (\d+)\/(\d+) \(seed (\d+)\)$/u.exec(split);
  if (random) return `随机划分 训练 ${random[1]}% / 测试 ${random[2]}%（种子 ${random[3]}）`;
  const oot =
    /^out-of-time: train < (\S+) ≤ test \((\d+) month-ends\)(?:; a (\S+) % sample of loans \(--loan-share (\S+)\), drawn with --seed (\d+))?$/u.exec(
      split,
    );
  if (oot)
    return `跨时间划分：训练 < ${oot[1]} ≤ 测试（${oot[2]} 个月末）${oot[3] ? `；抽样 ${oot[3]}% 的贷款（--loan-share ${oot[4]}，种子 ${oot[5]}）` : ''}`;
  return split;
}

/** The held-back part as models/data/split.ts describes it. */
export function heldBackWords(description: string, lang: Lang): string {
  if (lang === 'en') return description;
  const latest = /^the latest training month-ends \((\S+) to (\S+)\)$/u.exec(description);
  if (latest) return `最近的训练月末（${latest[1]} 至 ${latest[2]}）`;
  const random = /^a seeded random (\d+) % of the training rows \(seed (\d+)\)$/u.exec(description);
  if (random) return `训练样本中随机 ${random[1]}%（种子 ${random[2]}）`;
  return description;
}

type Rule = readonly [RegExp, (m: RegExpExecArray) => string];

/** Selection reasons (models/scorecard/selection.ts, fold-choice.ts, scorecard.ts) in Chinese. */
const zhReasons: readonly Rule[] = [
  [/^IV (\S+) below (\S+)$/u, (m) => `IV ${m[1]} 低于 ${m[2]}`],
  [
    /^merged into one bin by (?:the (\S+) trend and )?the coarse classing \(bins of at least (\S+) % of the rows, chi-merge at (\S+)\): IV before merging (\S+), after (\S+), below (\S+)$/u,
    (m) =>
      `粗分箱${m[1] ? `与 ${m[1]} 趋势` : ''}将其合并为一箱（每箱至少 ${m[2]}% 的样本，卡方合并阈值 ${m[3]}）：合并前 IV ${m[4]}，合并后 ${m[5]}，低于 ${m[6]}`,
  ],
  [
    /^joint scorecard \(λ (\S+)\): (?:among the (\d+) features of the largest IV on fine bins|every feature with more than one non-empty fine bin \(at most (\d+)\)), its ranges merged to its fitted direction(?:; kept with IV (\S+) below the classic floor (\S+): .*)?$/u,
    (m) =>
      `联合评分卡（λ ${m[1]}）：${m[2] ? `细分箱 IV 最大的 ${m[2]} 个特征之一` : `细分箱非空多于一箱的特征（至多 ${m[3]} 个）`}，区间按其拟合方向合并${m[4] ? `；IV ${m[4]} 低于经典门槛 ${m[5]} 仍保留：联合拟合按其在其他变量给定时的作用保留弱特征，整体由交叉验证评判` : ''}`,
  ],
  [/^not among the (\d+) features of the largest IV on fine bins$/u, (m) => `不在细分箱 IV 最大的 ${m[1]} 个特征之中`],
  [/^a single non-empty bin: no effect to fit$/u, () => '只有一个非空分箱：无可拟合的作用'],
  [/^correlated with (\S+) \(ρ = (\S+) > (\S+)\)$/u, (m) => `与 ${m[1]} 相关（ρ = ${m[2]} > ${m[3]}）`],
  [/^beyond the (\d+) strongest variables$/u, (m) => `超出最强的 ${m[1]} 个变量`],
  [
    /^coefficient (\S+) ≤ 0 on WoE \(sign reversal from collinearity\)$/u,
    (m) => `WoE 系数 ${m[1]} ≤ 0（共线性导致符号反转）`,
  ],
  [
    /^unstable: PSI (\S+) between early and late training periods exceeds (\S+)$/u,
    (m) => `不稳定：训练期前后两半的 PSI ${m[1]} 超过 ${m[2]}`,
  ],
];

export function selectionReasonWords(reason: string, lang: Lang): string {
  if (lang === 'en') return reason;
  const added = /^added by the joint refinement \((.*)\)$/u.exec(reason);
  if (added) return `由联合细化加入（${selectionReasonWords(added[1]!, lang)}）`;
  if (reason === 'its terms merged into one bin in the joint refinement (no difference left)')
    return '联合细化中其各项合并为一箱（已无差别）';
  for (const [re, say] of zhReasons) {
    const m = re.exec(reason);
    if (m) return say(m);
  }
  return reason;
}
