import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { monthField } from '../../spec.ts';

export const scoreDistribution = defineChart({
  id: 'ew-score-distribution',
  pack: 'management',
  title: { 'zh-CN': '预警模型评分分布', en: 'Early-warning score distribution' },
  note: {
    'zh-CN': '冠军模型在月末对在贷贷款的风险等级（A 最低风险，E 最高）；目标：3 个月内逾期超过 30 天。',
    en: 'Risk grades of active loans from the champion model at the month-end (A lowest risk, E highest); target: DPD > 30 within 3 months.',
  },
  data: (p) => ({
    metric: 'score_distribution',
    request: { as_of: p.monthEnd, from: p.monthEnd, to: p.monthEnd, group_by: ['grade'] },
  }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: '#7b4ea3' },
    encoding: {
      x: { field: 'grade', type: 'ordinal', title: labels.grade[lang], axis: { labelAngle: 0 } },
      y: { field: 'loans', type: 'quantitative', title: labels.loans[lang] },
      tooltip: [
        { field: 'grade', type: 'nominal' },
        { field: 'loans', type: 'quantitative', format: ',' },
        { field: 'mean_probability', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});

export const modelMonitoring = defineChart({
  id: 'ew-monitoring',
  pack: 'management',
  title: { 'zh-CN': '模型监控：PSI 与实际 AUC', en: 'Model monitoring: PSI and realised AUC' },
  note: {
    'zh-CN': '训练期之后各月的评分 PSI（> 0.25 需重训）与表现期已结束月份的实际 AUC。',
    en: 'Score PSI per month after training (> 0.25 signals retraining) and realised AUC where outcomes have matured.',
  },
  data: (p) => ({ metric: 'model_monitoring', request: { as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    layer: [
      {
        mark: { type: 'line', point: { color: '#e4572e' }, color: '#e4572e' },
        encoding: {
          y: { field: 'score_psi', type: 'quantitative', title: 'PSI', axis: { titleColor: '#e4572e' } },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'score_psi', type: 'quantitative', format: '.4f' },
          ],
        },
      },
      {
        mark: { type: 'line', point: { color: '#1f5fa8' }, color: '#1f5fa8' },
        encoding: {
          y: {
            field: 'auc',
            type: 'quantitative',
            title: 'AUC',
            scale: { domain: [0.5, 1] },
            axis: { titleColor: '#1f5fa8' },
          },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'auc', type: 'quantitative', format: '.4f' },
          ],
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  }),
});

export const topWarnings = defineChart({
  id: 'ew-top-warnings',
  pack: 'management',
  title: { 'zh-CN': '本月末触发的预警', en: 'Warnings fired at the month-end' },
  note: {
    'zh-CN': '按预警规则与严重程度统计（loanwatch warnings）。',
    en: 'By warning rule and severity (loanwatch warnings).',
  },
  data: (p) => ({ metric: 'warnings_summary', request: { as_of: p.monthEnd, from: p.monthEnd, to: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: 'bar',
    encoding: {
      y: { field: 'rule_id', type: 'nominal', title: labels.rule[lang], sort: '-x' },
      x: { field: 'warnings', type: 'quantitative', title: { 'zh-CN': '预警数', en: 'Warnings' }[lang] },
      color: {
        field: 'severity',
        type: 'nominal',
        title: { 'zh-CN': '严重程度', en: 'Severity' }[lang],
        scale: { domain: ['info', 'warning', 'critical'], range: ['#8c8c8c', '#f2a541', '#e4572e'] },
      },
      tooltip: [
        { field: 'rule_id', type: 'nominal' },
        { field: 'severity', type: 'nominal' },
        { field: 'warnings', type: 'quantitative', format: ',' },
      ],
    },
  }),
});
