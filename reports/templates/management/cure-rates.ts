import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { rateLines } from '../../spec.ts';

export default defineChart({
  id: 'cure-rates',
  pack: 'management',
  title: { 'zh-CN': '逾期回正率', en: 'Cure rates' },
  note: {
    'zh-CN': '逾期段余额在下一月末回到正常（C）的占比；分母：该段在月末的余额。',
    en: "Share of a delinquent bucket's balance that is current (C) at the next month-end; denominator: balance in the bucket at the month-end.",
  },
  data: (p) => ({
    metric: 'cure_rate',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['from_month', 'from_bucket'] },
  }),
  body: (_rows, lang) =>
    rateLines(lang, {
      month: 'from_month',
      rate: 'cure_rate',
      series: 'from_bucket',
      seriesTitle: labels.from_bucket[lang],
      transform: [{ filter: "datum.from_bucket !== 'C'" }],
    }),
});
