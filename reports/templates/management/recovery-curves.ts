import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { pctAxis } from '../../spec.ts';

export default defineChart({
  id: 'recovery-curves',
  pack: 'management',
  title: { 'zh-CN': '违约后回收曲线', en: 'Recovery curves after default' },
  note: {
    'zh-CN': '近 24 个月各违约月份批次的累计回收率；分母：违约时本金余额（EAD）。',
    en: 'Cumulative recovery rate of each monthly default cohort of the last 24 months; denominator: principal balance at default (EAD).',
  },
  // monthly default cohorts of the last 24 months (the cumulative curve needs whole-month cohorts to stop where each has reached)
  data: (p) => ({
    metric: 'recovery',
    request: { from: `${Number(p.monthEnd.slice(0, 4)) - 2}${p.monthEnd.slice(4)}`, to: p.monthEnd, as_of: p.monthEnd },
  }),
  body: (_rows, lang) => ({
    transform: [{ calculate: "timeFormat(toDate(datum.default_cohort), '%Y-%m')", as: 'default_month' }],
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'months_since_default', type: 'quantitative', title: labels.months_since_default[lang] },
      y: {
        field: 'recovery_rate',
        type: 'quantitative',
        title: { 'zh-CN': '累计回收率', en: 'Cumulative recovery rate' }[lang],
        axis: pctAxis,
      },
      color: {
        field: 'default_month',
        type: 'ordinal',
        title: { 'zh-CN': '违约批次', en: 'Default cohort' }[lang],
        scale: { scheme: 'plasma' },
      },
      tooltip: [
        { field: 'default_month', type: 'nominal' },
        { field: 'months_since_default', type: 'quantitative' },
        { field: 'recovery_rate', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});
