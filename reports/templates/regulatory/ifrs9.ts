import { defineChart } from '../../template.ts';
import { labels, stageLabels, type Lang, type Text } from '../../i18n.ts';
import { codeColour, labelExpr, moneyAxis, monthField, pctAxis, shown, units } from '../../spec.ts';
import { moneyText } from './five-category.ts';
import { addMonthEnds } from '../../../lib/dates.ts';

const stageLabel = (lang: Lang, field = 'stage') => ({
  calculate: labelExpr(field, stageLabels, lang),
  as: 'stage_label',
});

export const ifrs9Stages = defineChart({
  id: 'ifrs9-stages',
  pack: 'regulatory',
  title: { 'zh-CN': 'IFRS 9 阶段二、三占比', en: 'IFRS 9 stages 2 and 3: share of the book' },
  note: {
    'zh-CN':
      '阶段 1：逾期 ≤ 30 天；阶段 2：31–90 天；阶段 3：> 90 天或已核销。各月末阶段二、三余额占在贷余额的比例（阶段一 = 其余部分，见悬停）。',
    en: 'Stage 1: DPD ≤ 30; stage 2: 31–90; stage 3: > 90 or charged off. Share of outstanding balance in stages 2 and 3 at each month-end (stage 1 is the rest; see the tooltip).',
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({
    metric: 'ifrs9_mix',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'stage'] },
  }),
  body: (_rows, lang) => ({
    // stages as text codes, so their colours are the fixed ones of '2' and '3'
    transform: [{ filter: 'datum.stage != 1' }, { calculate: "datum.stage + ''", as: 'stage' }, stageLabel(lang)],
    mark: { type: 'line', point: true },
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: { field: 'outstanding_share', type: 'quantitative', title: labels.share[lang], axis: pctAxis },
      color: codeColour('stage', ['2', '3'], stageLabels, lang, labels.stage[lang]),
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'stage_label', type: 'nominal' },
        { field: 'outstanding', type: 'quantitative', format: ',.2f' },
        { field: 'outstanding_share', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});

export const ecl = defineChart({
  id: 'ifrs9-ecl',
  pack: 'regulatory',
  title: { 'zh-CN': '预期信用损失（ECL）按阶段', en: 'Expected credit loss by stage' },
  note: {
    'zh-CN':
      '简化的组合法：ECL = 违约风险暴露（EAD）× 违约概率（PD）× 违约损失率（LGD）；阶段 1 用 12 个月 PD，阶段 2 用存续期 PD，阶段 3 PD = 1；LGD 取已结案的回收经验。覆盖率 = ECL ÷ EAD。',
    en: 'Simplified collective ECL = EAD × PD × LGD: 12-month PD in stage 1, lifetime PD in stage 2, PD 1 in stage 3; LGD from closed workouts. Coverage = ECL ÷ EAD.',
  },
  unit: units.moneyPct,
  shows: shown.monthEnd,
  data: (p) => ({ metric: 'ecl', request: { as_of: p.monthEnd } }),
  size: { height: 150 },
  body: (_rows, lang) => ({
    transform: [
      { calculate: "datum.stage + ''", as: 'stage' },
      stageLabel(lang),
      {
        calculate: `'ECL ' + ${moneyText('ecl', lang)} + ' = EAD ' + ${moneyText('ead', lang)} + ' × PD ' + format(datum.pd, '.2%') + ' × LGD ' + format(datum.lgd, '.2%') + ${JSON.stringify(lang === 'zh-CN' ? '；覆盖率 ' : '; coverage ')} + format(datum.coverage, '.2%')`,
        as: 'label',
      },
    ],
    encoding: {
      y: {
        field: 'stage_label',
        type: 'nominal',
        title: labels.stage[lang],
        sort: ['1', '2', '3'].map((s) => stageLabels[s]![lang]),
      },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          // bars on the left 200 px, the figures beside them: all of EAD, PD, LGD and coverage in print
          x: { field: 'ecl', type: 'quantitative', title: 'ECL', axis: moneyAxis(lang, 200), scale: { rangeMax: 200 } },
          color: { ...codeColour('stage', ['1', '2', '3'], stageLabels, lang, labels.stage[lang]), legend: null },
          tooltip: [
            { field: 'stage_label', type: 'nominal' },
            { field: 'ead', type: 'quantitative', format: ',.0f', title: 'EAD' },
            { field: 'pd', type: 'quantitative', format: '.2%', title: 'PD' },
            { field: 'lgd', type: 'quantitative', format: '.2%', title: 'LGD' },
            { field: 'ecl', type: 'quantitative', format: ',.0f', title: 'ECL' },
            { field: 'coverage', type: 'quantitative', format: '.2%', title: 'coverage' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', x: 210, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  }),
});

const walkSteps: Record<string, Text> = {
  opening: { 'zh-CN': '上月末 ECL', en: 'Opening ECL' },
  new_loans: { 'zh-CN': '新增贷款', en: 'New loans' },
  repaid: { 'zh-CN': '还款/结清', en: 'Repaid / closed' },
  written_off: { 'zh-CN': '核销', en: 'Written off' },
  stage_moves: { 'zh-CN': '阶段迁移', en: 'Stage moves' },
  pd_change: { 'zh-CN': 'PD 变化', en: 'PD change' },
  lgd_change: { 'zh-CN': 'LGD 变化', en: 'LGD change' },
  closing: { 'zh-CN': '本月末 ECL', en: 'Closing ECL' },
};
const walkKinds: Record<string, Text> = {
  total: { 'zh-CN': '月末余额', en: 'Month-end ECL' },
  increase: { 'zh-CN': '增加', en: 'Increase' },
  decrease: { 'zh-CN': '减少', en: 'Decrease' },
};

export const eclWalk = defineChart({
  id: 'ecl-walk',
  pack: 'regulatory',
  title: { 'zh-CN': 'ECL 变动分析（较上月末）', en: 'ECL walk since the previous month-end' },
  note: {
    'zh-CN':
      '上月末 ECL 到本月末 ECL 的逐笔分解：新增贷款、还款/结清（含存续贷款余额减少）、核销、阶段迁移（按上月 PD）、PD 变化、LGD 变化；各项之和等于 ECL 变动（LGD 项含分位舍入差）。',
    en: "Opening to closing ECL, loan by loan: new loans, repaid/closed (incl. lower balances of continuing loans), written off, stage moves (at last month's PDs), PD changes, LGD changes; the steps add up to the change in ECL (the LGD step carries the rounding to the cent).",
  },
  unit: units.money,
  shows: (p, lang) =>
    lang === 'zh-CN'
      ? `${addMonthEnds(p.monthEnd, -1)} 至 ${p.monthEnd}`
      : `from ${addMonthEnds(p.monthEnd, -1)} to ${p.monthEnd}`,
  data: (p) => ({ metric: 'ecl_walk', request: { as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    transform: [
      { calculate: labelExpr('step', walkSteps, lang), as: 'step_label' },
      {
        calculate:
          "datum.step === 'opening' || datum.step === 'closing' ? 'total' : datum.amount >= 0 ? 'increase' : 'decrease'",
        as: 'kind',
      },
      { calculate: moneyText('amount', lang), as: 'amount_label' },
    ],
    encoding: {
      x: {
        field: 'step_label',
        type: 'nominal',
        title: { 'zh-CN': '变动项', en: 'Step' }[lang],
        sort: Object.keys(walkSteps).map((k) => walkSteps[k]![lang]),
        axis: { labelAngle: 0 },
      },
    },
    layer: [
      {
        mark: { type: 'bar', size: 40 },
        encoding: {
          y: { field: 'before', type: 'quantitative', title: 'ECL', axis: moneyAxis(lang) },
          y2: { field: 'after' },
          color: codeColour(
            'kind',
            ['total', 'increase', 'decrease'],
            walkKinds,
            lang,
            { 'zh-CN': '类型', en: 'Kind' }[lang],
          ),
          tooltip: [
            { field: 'step_label', type: 'nominal' },
            { field: 'amount', type: 'quantitative', format: ',.2f' },
            { field: 'after', type: 'quantitative', format: ',.2f' },
          ],
        },
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10 },
        encoding: {
          y: { field: 'after', type: 'quantitative' },
          text: { field: 'amount_label', type: 'nominal' },
        },
      },
    ],
  }),
});
