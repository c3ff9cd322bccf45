import { defineChart } from '../../template.ts';
import { formatMoney, labels, moneyAxisLabelExpr, type Text } from '../../i18n.ts';
import { codeColour, monthField, pctAxis, shown, units } from '../../spec.ts';
import { bucketOrder } from '../../../warehouse/metrics/run.ts';

/** a bucket's cure rate over less than this balance at the month-end is noise (one loan swings it 0 ↔ 90 %): not drawn */
export const minCureBalance = 500_000;
const lateBuckets = bucketOrder.filter((b) => b !== 'C' && b !== 'WO');
const bucketNames: Record<string, Text> = Object.fromEntries(lateBuckets.map((b) => [b, { 'zh-CN': b, en: b }]));

export default defineChart({
  id: 'cure-rates',
  pack: 'management',
  title: { 'zh-CN': '逾期回正率', en: 'Cure rates' },
  note: {
    'zh-CN': `逾期段余额在下一月末回到正常（C）的占比；分母：该段在上月末的余额（点的大小）。该段余额低于 ${formatMoney('zh-CN', minCureBalance)} 的月份不画点（样本过小）。按迁移结束的月份标注。`,
    en: `Share of a delinquent bucket's balance that is current (C) at the next month-end; denominator: the bucket's balance at the earlier month-end (point size). Months where the bucket held less than ${formatMoney('en', minCureBalance)} are not drawn (too few loans). Labelled by the month the move ends in.`,
  },
  unit: units.moneyPct,
  shows: shown.moves,
  data: (p) => ({
    metric: 'cure_rate',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'from_bucket'] },
  }),
  body: (_rows, lang) => ({
    // a month left out is a null on the bucket's line, which breaks there: filtered out, the line ran
    // straight across it. A month with no row at all is imputed as a null for the same reason.
    transform: [
      { filter: "datum.from_bucket !== 'C'" },
      { calculate: `datum.from_total >= ${minCureBalance} ? datum.cure_rate : null`, as: 'cure_rate_shown' },
      { impute: 'cure_rate_shown', key: 'month_end', groupby: ['from_bucket'], value: null },
    ],
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: { field: 'cure_rate_shown', type: 'quantitative', title: labels.rate[lang], axis: pctAxis },
      color: codeColour('from_bucket', lateBuckets, bucketNames, lang, labels.from_bucket[lang]),
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5, invalid: 'break-paths-show-domains' } },
      {
        mark: { type: 'point', filled: true, opacity: 0.8, invalid: 'filter' },
        encoding: {
          size: {
            field: 'from_total',
            type: 'quantitative',
            title: { 'zh-CN': '上月末余额', en: 'Balance at the earlier month-end' }[lang],
            // the title whole: cut at Vega's default it read "Balance at the earlier month-…"
            legend: { labelExpr: moneyAxisLabelExpr(lang), titleLimit: 260 },
          },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'from_bucket', type: 'nominal' },
            { field: 'from_total', type: 'quantitative', format: ',.2f' },
            { field: 'cure_rate', type: 'quantitative', format: '.2%' },
          ],
        },
      },
    ],
  }),
});
