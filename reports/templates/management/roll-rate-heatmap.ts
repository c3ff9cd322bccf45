import { defineChart } from '../../template.ts';
import { bucketLabels, labels } from '../../i18n.ts';
import { labelExpr, shown, units } from '../../spec.ts';
import { bucketOrder } from '../../../warehouse/metrics/run.ts';

const axisLabels = (lang: 'zh-CN' | 'en') => ({
  labelExpr: labelExpr('value', bucketLabels, lang).replaceAll('datum["value"]', 'datum.value'),
});

export default defineChart({
  id: 'roll-rate-heatmap',
  pack: 'management',
  title: { 'zh-CN': '滚动率矩阵（按余额）', en: 'Roll-rate matrix (by balance)' },
  note: {
    'zh-CN':
      '12 次月度迁移合计：各起始逾期段余额在下一月末所处逾期段的占比，每行合计 100%；分母：起始逾期段在月末的余额。',
    en: 'The 12 monthly moves summed: where the balance of each bucket at a month-end is at the next month-end; each row sums to 100%; denominator: balance in the from-bucket at the month-end.',
  },
  unit: units.pct,
  shows: shown.movesSummed,
  data: (p) => ({ metric: 'roll_rate', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  size: { width: 480, height: 300 },
  body: (_rows, lang) => {
    const order = [...bucketOrder, 'PO'];
    return {
      encoding: {
        x: {
          field: 'to_bucket',
          type: 'ordinal',
          sort: order,
          title: labels.to_bucket[lang],
          axis: { labelAngle: -30, grid: false, ...axisLabels(lang) },
        },
        y: {
          field: 'from_bucket',
          type: 'ordinal',
          sort: order,
          title: labels.from_bucket[lang],
          axis: { grid: false, ...axisLabels(lang) },
        },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'flow_share',
              type: 'quantitative',
              title: labels.share[lang],
              scale: { scheme: 'blues', domain: [0, 1] },
              // quarters, not Vega's 20% steps: "80%" and the end label "100%" ran together
              legend: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] },
            },
            tooltip: [
              { field: 'from_bucket', type: 'nominal' },
              { field: 'to_bucket', type: 'nominal' },
              { field: 'flow_share', type: 'quantitative', format: '.2%' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 9 },
          encoding: {
            text: { field: 'flow_share', type: 'quantitative', format: '.1%' },
            color: { condition: { test: 'datum.flow_share > 0.5', value: 'white' }, value: 'black' },
          },
        },
      ],
    };
  },
});
