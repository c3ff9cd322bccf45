import { defineChart } from '../../template.ts';
import { rateLines } from '../../spec.ts';

export default defineChart({
  id: 'flow-rate-trend',
  pack: 'management',
  title: { 'zh-CN': '流转率趋势', en: 'Flow-rate trend' },
  note: {
    'zh-CN': '每月由一个逾期段流入下一逾期段的余额占比；分母：起始段在月末的余额。',
    en: "Share of a bucket's balance that flows into the next bucket a month later; denominator: balance in the from-bucket at the month-end.",
  },
  data: (p) => ({
    metric: 'flow_rate',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['from_month', 'from_bucket', 'to_bucket'] },
  }),
  body: (_rows, lang) =>
    rateLines(lang, {
      month: 'from_month',
      rate: 'flow_rate',
      series: 'flow',
      seriesTitle: { 'zh-CN': '流转', en: 'Flow' }[lang],
      transform: [{ calculate: "datum.from_bucket + '→' + datum.to_bucket", as: 'flow' }],
    }),
});
