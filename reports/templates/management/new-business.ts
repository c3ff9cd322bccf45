import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis, monthField, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

export default defineChart({
  id: 'new-business',
  pack: 'management',
  title: { 'zh-CN': '新增放款', en: 'New business' },
  note: {
    'zh-CN': '各月新发放贷款的合同本金（按放款月份，标注于该月月末）。',
    en: 'Original principal of loans originated in each month (shown at that month-end).',
  },
  unit: units.money,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'new_business', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: seriesColours.normal },
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: {
        field: 'new_business',
        type: 'quantitative',
        title: { 'zh-CN': '放款金额', en: 'Principal' }[lang],
        axis: moneyAxis(lang),
      },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'new_business', type: 'quantitative', format: ',.2f' },
      ],
    },
  }),
});
