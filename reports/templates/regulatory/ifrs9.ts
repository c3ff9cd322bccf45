import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis, monthField } from '../../spec.ts';

const stageLabel = (lang: 'zh-CN' | 'en') => ({
  calculate: lang === 'zh-CN' ? "'阶段' + datum.stage" : "'Stage ' + datum.stage",
  as: 'stage_label',
});

export const ifrs9Stages = defineChart({
  id: 'ifrs9-stages',
  pack: 'regulatory',
  title: { 'zh-CN': 'IFRS 9 阶段分布', en: 'IFRS 9 stage distribution' },
  note: {
    'zh-CN': '阶段 1：逾期 ≤ 30 天；阶段 2：31–90 天；阶段 3：> 90 天或已核销。各月末在贷余额。',
    en: 'Stage 1: DPD ≤ 30; stage 2: 31–90; stage 3: > 90 or charged off. Outstanding balance at each month-end.',
  },
  data: (p) => ({
    metric: 'overdue',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'ifrs9_stage'] },
  }),
  body: (_rows, lang) => ({
    transform: [{ calculate: 'datum.ifrs9_stage', as: 'stage' }, stageLabel(lang)],
    mark: 'bar',
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: {
        field: 'outstanding',
        type: 'quantitative',
        stack: 'normalize',
        title: labels.share[lang],
        axis: { format: '.1%' },
      },
      color: {
        field: 'stage_label',
        type: 'nominal',
        title: labels.stage[lang],
        scale: { range: ['#29a36a', '#f2a541', '#e4572e'] },
      },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'stage_label', type: 'nominal' },
        { field: 'outstanding', type: 'quantitative', format: ',.2f' },
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
      '简化的组合法：ECL = 违约风险暴露 × 违约概率 × 违约损失率；阶段 1 用 12 个月 PD，阶段 2 用存续期 PD，阶段 3 PD = 1；LGD 取已结案的回收经验。',
    en: 'Simplified collective ECL = EAD × PD × LGD: 12-month PD in stage 1, lifetime PD in stage 2, PD 1 in stage 3; LGD from closed workouts.',
  },
  data: (p) => ({ metric: 'ecl', request: { as_of: p.monthEnd } }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    transform: [stageLabel(lang)],
    mark: 'bar',
    encoding: {
      x: { field: 'stage_label', type: 'nominal', title: labels.stage[lang], axis: { labelAngle: 0 } },
      y: { field: 'ecl', type: 'quantitative', title: 'ECL', axis: moneyAxis(lang) },
      color: {
        field: 'stage_label',
        type: 'nominal',
        scale: { range: ['#29a36a', '#f2a541', '#e4572e'] },
        legend: null,
      },
      tooltip: [
        { field: 'stage_label', type: 'nominal' },
        { field: 'ead', type: 'quantitative', format: ',.0f', title: 'EAD' },
        { field: 'pd', type: 'quantitative', format: '.2%', title: 'PD' },
        { field: 'lgd', type: 'quantitative', format: '.2%', title: 'LGD' },
        { field: 'ecl', type: 'quantitative', format: ',.0f', title: 'ECL' },
      ],
    },
  }),
});
