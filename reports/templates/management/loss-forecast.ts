import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

export default defineChart({
  id: 'loss-forecast',
  pack: 'management',
  title: { 'zh-CN': '预期损失预测（未来 12 个月核销）', en: 'Expected-loss forecast (charge-offs, next 12 months)' },
  note: {
    'zh-CN':
      '以截至报告期各月末的 12 次月度迁移合计的余额滚动率矩阵，自报告月末推演各逾期段余额；不含新增放款与回收。与 loanwatch metrics forecast 的默认口径相同。',
    en: 'Bucket balances at the report month-end projected with the balance roll-rate matrix of the 12 monthly moves ending in the period (the same as loanwatch metrics forecast by default); no new business, no recoveries.',
  },
  unit: units.money,
  // the matrix's moves as far as the data has them (none in its first month)
  shows: (p, lang) =>
    lang === 'zh-CN'
      ? `自 ${p.monthEnd} 起未来 12 个月，矩阵取${shown.moves(p, lang)}`
      : `12 months after ${p.monthEnd}; matrix of ${shown.moves(p, lang)}`,
  data: (p) => ({ metric: 'forecast', request: { as_of: p.monthEnd, from: p.from, to: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: seriesColours.doubtful },
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
