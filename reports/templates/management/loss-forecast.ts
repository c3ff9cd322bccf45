import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis } from '../../spec.ts';

export default defineChart({
  id: 'loss-forecast',
  pack: 'management',
  title: { 'zh-CN': '预期损失预测（未来 12 个月核销）', en: 'Expected-loss forecast (charge-offs, next 12 months)' },
  note: {
    'zh-CN': '以过去 12 个月按余额的滚动率矩阵推演月末各逾期段余额；不含新增放款与回收。',
    en: 'Month-end balances by bucket projected with the balance roll-rate matrix of the last 12 months; no new business, no recoveries.',
  },
  data: (p) => ({ metric: 'forecast', request: { as_of: p.monthEnd, from: p.from, to: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: '#b5446e' },
    encoding: {
      x: { field: 'month_ahead', type: 'ordinal', title: labels.month_ahead[lang], axis: { labelAngle: 0 } },
      y: {
        field: 'charged_off',
        type: 'quantitative',
        title: { 'zh-CN': '预计核销金额', en: 'Expected charge-offs' }[lang],
        axis: moneyAxis(lang),
      },
      tooltip: [
        { field: 'month_ahead', type: 'ordinal' },
        { field: 'charged_off', type: 'quantitative', format: ',.2f' },
      ],
    },
  }),
});
