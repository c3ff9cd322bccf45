import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { bucketOrder } from '../../../warehouse/metrics/run.ts';

export default defineChart({
  id: 'roll-rate-heatmap',
  pack: 'management',
  title: { 'zh-CN': '滚动率矩阵（按余额）', en: 'Roll-rate matrix (by balance)' },
  note: {
    'zh-CN': '过去 12 个月月末到下一月末的迁移，分母：起始逾期段在月末的余额；PO = 结清。',
    en: 'Moves from one month-end to the next over the 12 months to the period; denominator: balance in the from-bucket at the month-end. PO = paid off.',
  },
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
          axis: { labelAngle: 0, grid: false },
        },
        y: {
          field: 'from_bucket',
          type: 'ordinal',
          sort: order,
          title: labels.from_bucket[lang],
          axis: { grid: false },
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
              legend: { format: '.0%' },
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
