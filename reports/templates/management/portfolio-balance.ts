import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { moneyAxis, monthField, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

export default defineChart({
  id: 'portfolio-balance',
  pack: 'management',
  title: { 'zh-CN': '贷款余额', en: 'Outstanding balance' },
  note: {
    'zh-CN': '各月末在贷（未结清、未核销）贷款本金余额。',
    en: 'Principal balance of active loans (not paid off or charged off) at each month-end.',
  },
  unit: units.money,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'overdue', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    mark: { type: 'bar', color: seriesColours.C },
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: { field: 'outstanding', type: 'quantitative', title: labels.balance[lang], axis: moneyAxis(lang) },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'outstanding', type: 'quantitative', format: ',.2f' },
      ],
    },
  }),
});
