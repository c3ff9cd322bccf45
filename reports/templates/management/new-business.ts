import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis, monthField } from '../../spec.ts';

export default defineChart({
  id: 'new-business',
  pack: 'management',
  title: { 'zh-CN': '新增放款', en: 'New business' },
  note: { 'zh-CN': '各月新发放贷款的合同本金。', en: 'Original principal of loans originated in each month.' },
  data: (p) => ({ metric: 'new_business', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: '#29a36a' },
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
