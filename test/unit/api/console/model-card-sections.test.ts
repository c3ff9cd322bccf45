import { describe, expect, it } from 'vitest';
import { cardSections } from '../../../../api/console/model-card-sections.ts';
import {
  heldBackWords,
  kindWords,
  selectionReasonWords,
  splitWords,
} from '../../../../api/console/model-card-words.ts';
import type { ProbabilityCalibration } from '../../../../models/calibration/calibrate.ts';
import { qualityGate } from '../../../../models/data/quality-gate.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { jointArtifact } from '../../../../models/scorecard/fold-choice.ts';
import { defaultScorecardOptions } from '../../../../models/scorecard/scorecard.ts';
import { conditionalBook } from '../../../helpers/conditional-book.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

describe('the console card’s words in the page’s language', () => {
  it('split, held-back part and kind', () => {
    expect(splitWords('seeded random 70/30 (seed 1)', 'zh-CN')).toBe('随机划分 训练 70% / 测试 30%（种子 1）');
    expect(splitWords('seeded random 70/30 (seed 1)', 'en')).toBe('seeded random 70/30 (seed 1)');
    expect(splitWords('out-of-time: train < 2024-01-31 ≤ test (6 month-ends)', 'zh-CN')).toBe(
      '跨时间划分：训练 < 2024-01-31 ≤ 测试（6 个月末）',
    );
    expect(
      splitWords(
        'out-of-time: train < 2024-01-31 ≤ test (6 month-ends); a 5 % sample of loans (--loan-share 0.05), drawn with --seed 2',
        'zh-CN',
      ),
    ).toBe('跨时间划分：训练 < 2024-01-31 ≤ 测试（6 个月末）；抽样 5% 的贷款（--loan-share 0.05，种子 2）');
    expect(heldBackWords('a seeded random 20 % of the training rows (seed 3)', 'zh-CN')).toBe(
      '训练样本中随机 20%（种子 3）',
    );
    expect(heldBackWords('the latest training month-ends (2023-07-31 to 2023-09-30)', 'zh-CN')).toBe(
      '最近的训练月末（2023-07-31 至 2023-09-30）',
    );
    expect(kindWords('scorecard', 'zh-CN')).toBe('评分卡');
    expect(kindWords('scorecard', 'en')).toBe('scorecard');
  });

  it('every selection reason the trainers write has Chinese words; one unknown stays as written', () => {
    const cases: [string, RegExp][] = [
      ['IV 0.0072 below 0.02', /^IV 0\.0072 低于 0\.02$/u],
      [
        'merged into one bin by the coarse classing (bins of at least 5 % of the rows, chi-merge at 3.841): IV before merging 0.0810, after 0.0000, below 0.02',
        /^粗分箱将其合并为一箱.*合并前 IV 0\.0810/u,
      ],
      [
        'merged into one bin by the ascending trend and the coarse classing (bins of at least 5 % of the rows, chi-merge at 3.841): IV before merging 0.0300, after 0.0000, below 0.02',
        /^粗分箱与 ascending 趋势将其合并为一箱/u,
      ],
      [
        'joint scorecard (λ 17): every feature with more than one non-empty fine bin (at most 30), its ranges merged to its fitted direction; kept with IV 0.0072 below the classic floor 0.02: the joint fit keeps a feature weak alone for its effect given the others, judged with the whole fit by the folds',
        /^联合评分卡（λ 17）：.*IV 0\.0072 低于经典门槛 0\.02 仍保留/u,
      ],
      [
        'joint scorecard (λ 5): among the 30 features of the largest IV on fine bins, its ranges merged to its fitted direction',
        /^联合评分卡（λ 5）：细分箱 IV 最大的 30 个特征之一，区间按其拟合方向合并$/u,
      ],
      ['not among the 30 features of the largest IV on fine bins', /^不在/u],
      ['a single non-empty bin: no effect to fit', /^只有一个非空分箱/u],
      ['correlated with PAY_0 (ρ = 0.812 > 0.7)', /^与 PAY_0 相关（ρ = 0\.812 > 0\.7）$/u],
      ['beyond the 20 strongest variables', /^超出最强的 20 个变量$/u],
      ['coefficient -0.1200 ≤ 0 on WoE (sign reversal from collinearity)', /^WoE 系数 -0\.1200 ≤ 0/u],
      ['unstable: PSI 0.310 between early and late training periods exceeds 0.25', /^不稳定/u],
      ['added by the joint refinement (IV 0.0100 below 0.02)', /^由联合细化加入（IV 0\.0100 低于 0\.02）$/u],
    ];
    for (const [en, zh] of cases) {
      expect(selectionReasonWords(en, 'zh-CN'), en).toMatch(zh);
      expect(selectionReasonWords(en, 'en')).toBe(en);
    }
    expect(selectionReasonWords('something new', 'zh-CN')).toBe('something new');
  });
});

const calibration = (before: number, after: number): ProbabilityCalibration => ({
  method: 'platt',
  held_back: 'a seeded random 20 % of the training rows (seed 1)',
  rows: 4151,
  bads: 912,
  a: 1.02,
  b: -0.05,
  fitted: 'slope and intercept',
  held_back_ece: { before: 0.03, after: 0.01 },
  test: { ece_before: before, ece_after: after, reliability_before: [], reliability_after: [] },
});

describe('the console card’s sections: held-back part, calibration, classic or joint, the gate', () => {
  const ds = { ...conditionalBook(3_000, 2), period: Array.from({ length: 3_000 }, () => '') };
  const art = jointArtifact(ds, ['balance', 'credit_limit', 'noise'], defaultScorecardOptions, 17);
  const withChoice = {
    ...art,
    foldChoice: {
      rule: 'r',
      folds: 2,
      tried: [
        { candidate: 'classic', lambda: null, fold_auc: [0.7, 0.71], mean_auc: 0.705 },
        { candidate: 'joint λ=17', lambda: 17, fold_auc: [0.75, 0.76], mean_auc: 0.755 },
      ],
      best_joint: { candidate: 'joint λ=17', lead: 0.05, se: 0.005 },
      chosen: 'joint λ=17',
    },
  };
  const named = {
    ...ds,
    columns: [
      ...ds.columns,
      { name: 'SEX', kind: 'numeric' as const, values: Float64Array.from(ds.label, (_, i) => 1 + (i % 2)) },
    ],
  };
  const base = scorecardVersion('m', withChoice, ds, '');
  const version = (ece: [number, number]): ModelVersion => ({
    ...base,
    metrics: {
      ...base.metrics,
      probability_calibration: calibration(...ece),
      data_quality: qualityGate(named),
    } as never,
  });
  const render = async (v: ModelVersion, lang: 'en' | 'zh-CN') => (await cardSections(v, lang)).toString();

  it('in English: each section, the fold table with the chosen row, the review flags', async () => {
    const en = await render(version([0.0156, 0.0194]), 'en');
    expect(en).toContain('Held-back part: a seeded random 20 % of the training rows (seed 1), 4151 rows (912 bad)');
    expect(en).toContain('Expected calibration error (ECE): test 0.0156 → 0.0194');
    expect(en).toContain('never by the test rows');
    expect(en).toContain('id="calibration-worse"');
    expect(en).toContain(
      'The joint scorecard joint λ=17 kept: it led the classic by 0.0500 over 2 folds (standard error 0.0050)',
    );
    expect(en).toMatch(/<tr data-chosen="yes">\s*<th scope="row">joint λ=17<\/th>/u);
    expect(en).toContain('Protected attribute: review for fair lending');
    expect(en).toContain('Few integer levels: may be codes');
    expect(await render(version([0.0194, 0.0156]), 'en')).not.toContain('id="calibration-worse"');
  });

  it('a worse test ECE says what the held-back part showed and that the fit’s checks keep it, as the card does', async () => {
    const heldBack = (before: number, after: number): ModelVersion => ({
      ...base,
      metrics: {
        ...base.metrics,
        probability_calibration: { ...calibration(0.0792, 0.0818), held_back_ece: { before, after } },
      },
    });
    const worseNote = async (v: ModelVersion, lang: 'en' | 'zh-CN') =>
      /<p class="note" id="calibration-worse">⚠ ([^<]*)<\/p>/u.exec(await render(v, lang))?.[1];
    // the held-back part got worse too: said so, not left bare beside the rule to read as why it was kept
    expect(await worseNote(heldBack(0.0727, 0.0743), 'en')).toBe(
      'The calibration did not improve the test part: ECE 0.0792 → 0.0818; on the held-back part, where it was fitted, the ECE got worse too (0.0727 → 0.0743); it is kept because its fit passed the checks (at least 30 bads and goods on the held-back part, a slope of at least 0.2), decided without the test rows — consider --calibration none or a larger held-back part.',
    );
    expect(await worseNote(heldBack(0.0727, 0.0743), 'zh-CN')).toBe(
      '校准未改善测试样本的 ECE（0.0792 → 0.0818）；在拟合它的留出部分上，ECE 也变差了（0.0727 → 0.0743）；校准仍保留，因为其拟合通过了检查（留出部分的坏样本与好样本各至少 30 个，斜率至少 0.2），不看测试样本决定——可考虑 --calibration none 或更大的留出部分。',
    );
    expect(await worseNote(heldBack(0.03, 0.01), 'en')).toContain(
      'on the held-back part, where it was fitted, the ECE improved (0.0300 → 0.0100); it is kept because its fit passed the checks',
    );
    expect(await worseNote(heldBack(0.03, 0.01), 'zh-CN')).toContain(
      '在拟合它的留出部分上，ECE 有所改善（0.0300 → 0.0100）',
    );
    expect(await worseNote(heldBack(0.02, 0.02), 'en')).toContain('the ECE did not change (0.0200 → 0.0200)');
    expect(await worseNote(heldBack(0.02, 0.02), 'zh-CN')).toContain('ECE 没有变化（0.0200 → 0.0200）');
  });

  it('the near-unique-integer flag in its own words, not the coded-integer ones', async () => {
    const gate = qualityGate(named);
    const flagged = {
      ...gate,
      review: [
        {
          column: 'acct',
          flag: 'near-unique-integer' as const,
          action: 'kept' as const,
          reason: 'near-unique integers',
        },
      ],
    };
    const v = { ...base, metrics: { ...base.metrics, data_quality: flagged } as never };
    const en = await render(v, 'en');
    expect(en).toMatch(
      /<tr data-review="near-unique-integer">\s*<th scope="row">acct<\/th>\s*<td>\s*Near-unique integers: may be an identifier\s*<\/td>/u,
    );
    expect(en).not.toContain('Few integer levels: may be codes');
    expect(await render(v, 'zh-CN')).toContain('近乎唯一的整数：可能是标识符');
  });

  it('in Chinese: the held-back part, the choice and the calibration in Chinese', async () => {
    const zh = await render(version([0.0156, 0.0194]), 'zh-CN');
    expect(zh).toContain('留出部分：训练样本中随机 20%（种子 1），4151 行（912 坏）');
    expect(zh).toContain('采用联合评分卡 joint λ=17');
    expect(zh).toContain('校准未改善测试样本的 ECE');
    expect(zh).not.toMatch(/Held-back|kept:|Expected calibration/u);
  });

  it("the gate's decisions and rules in the page's language, its reasons in the trainer's English", async () => {
    const v = version([0.0156, 0.0194]);
    const gate = qualityGate(named);
    const withId = {
      ...v,
      metrics: {
        ...v.metrics,
        data_quality: {
          ...gate,
          decisions: [
            ...gate.decisions,
            {
              column: 'cust_id',
              kind: 'categorical',
              action: 'drop',
              rule: 'identifier',
              reason: 'identifier (99 % unique; values not listed)',
            },
          ],
        },
      } as never,
    };
    const zh = await render(withId, 'zh-CN');
    expect(zh).toMatch(
      /<th scope="row">cust_id<\/th>\s*<td>删除（标识符列，近乎唯一）<\/td>\s*<td lang="en">identifier \(99 % unique/u,
    );
    expect(zh).not.toMatch(/<td>drop \(identifier\)/u);
    const en = await render(withId, 'en');
    expect(en).toMatch(/<th scope="row">cust_id<\/th>\s*<td>dropped \(identifier, near-unique\)<\/td>/u);
  });

  it('a version without them (older, or no calibration) shows none', async () => {
    const bare = await render(scorecardVersion('m', art, ds, ''), 'en');
    expect(bare).not.toMatch(/probability-calibration|fold-choice|data-quality/u);
  });
});
