import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { rateLines, shown, units } from '../../spec.ts';

const measures = {
  overdue_ratio: { 'zh-CN': '逾期率（M1+）', en: 'Overdue ratio (M1+)' },
  par30: { 'zh-CN': 'PAR30', en: 'PAR30' },
  par90: { 'zh-CN': 'PAR90', en: 'PAR90' },
  npl_ratio: { 'zh-CN': '不良率', en: 'NPL ratio' },
};

export default defineChart({
  id: 'overdue-trend',
  pack: 'management',
  title: { 'zh-CN': '逾期率、PAR30/90 与不良率趋势', en: 'Overdue ratio, PAR30/90 and NPL ratio' },
  note: {
    'zh-CN': '分母：月末在贷余额。PAR30 = 逾期 30 天以上余额占比，PAR90 = 逾期 90 天以上；不良 = 次级+可疑+损失。',
    en: 'Denominator: outstanding balance of active loans at the month-end. PAR30/90: DPD > 30 / > 90; NPL: substandard + doubtful + loss.',
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'overdue', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) =>
    rateLines(lang, {
      month: 'month_end',
      rate: 'value',
      series: 'measure',
      seriesTitle: labels.measure[lang],
      codes: Object.keys(measures),
      labels: measures,
      transform: [{ fold: Object.keys(measures), as: ['measure', 'value'] }],
    }),
});
