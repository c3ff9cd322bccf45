import { defineChart } from '../../template.ts';
import { fiveClassLabels, labels } from '../../i18n.ts';
import { labelExpr, moneyAxis, monthField } from '../../spec.ts';
import { fiveClasses } from '../../../warehouse/classification.ts';

const classColours = { domain: [...fiveClasses], range: ['#29a36a', '#f2a541', '#e4572e', '#b5446e', '#5c2a3d'] };
const classLabel = (lang: 'zh-CN' | 'en') => ({
  calculate: labelExpr('five_class', fiveClassLabels, lang),
  as: 'class_label',
});

export const fiveCategoryDistribution = defineChart({
  id: 'five-category-distribution',
  pack: 'regulatory',
  title: { 'zh-CN': '五级分类余额分布', en: 'Five-category distribution' },
  note: {
    'zh-CN': '报告月末在贷余额按五级分类（正常、关注、次级、可疑、损失）。',
    en: 'Outstanding balance at the month-end by five-category class (normal, special mention, substandard, doubtful, loss).',
  },
  data: (p) => ({
    metric: 'overdue',
    request: { from: p.monthEnd, to: p.monthEnd, as_of: p.monthEnd, group_by: ['five_class'] },
  }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    transform: [classLabel(lang)],
    mark: 'bar',
    encoding: {
      x: {
        field: 'class_label',
        type: 'nominal',
        title: labels.five_class[lang],
        sort: fiveClasses.map((c) => fiveClassLabels[c]![lang]),
        axis: { labelAngle: 0 },
      },
      y: { field: 'outstanding', type: 'quantitative', title: labels.balance[lang], axis: moneyAxis(lang) },
      color: { field: 'five_class', type: 'nominal', scale: classColours, legend: null },
      tooltip: [
        { field: 'class_label', type: 'nominal' },
        { field: 'outstanding', type: 'quantitative', format: ',.2f' },
      ],
    },
  }),
});

export const fiveCategoryTrend = defineChart({
  id: 'five-category-trend',
  pack: 'regulatory',
  title: { 'zh-CN': '五级分类结构趋势', en: 'Five-category mix over time' },
  note: {
    'zh-CN': '各月末在贷余额的五级分类占比。',
    en: 'Share of outstanding balance in each class at each month-end.',
  },
  data: (p) => ({
    metric: 'overdue',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'five_class'] },
  }),
  body: (_rows, lang) => ({
    transform: [classLabel(lang)],
    mark: 'bar',
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: {
        field: 'outstanding',
        type: 'quantitative',
        stack: 'normalize',
        title: labels.share[lang],
        axis: { format: '.0%' },
      },
      color: {
        field: 'five_class',
        type: 'nominal',
        title: labels.five_class[lang],
        scale: classColours,
        legend: { labelExpr: labelExpr('value', fiveClassLabels, lang).replaceAll('datum["value"]', 'datum.value') },
      },
      order: { field: 'five_class', sort: 'ascending' },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'class_label', type: 'nominal' },
        { field: 'outstanding', type: 'quantitative', format: ',.2f' },
      ],
    },
  }),
});
