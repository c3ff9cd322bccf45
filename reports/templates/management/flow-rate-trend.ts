import { defineChart } from '../../template.ts';
import { bucketLabels, labels, type Lang, type Text } from '../../i18n.ts';
import { codeColour, monthField, moneyAxis, rateLines, shown, units } from '../../spec.ts';
import { bucketOrder } from '../../../warehouse/metrics/run.ts';

/** delinquency buckets a loan can roll forward from (C … M6), and the flow each names: C→M1+ */
const fromBuckets = bucketOrder.filter((b) => b !== 'M7+' && b !== 'WO');
const flowLabels: Record<string, Text> = Object.fromEntries(
  fromBuckets.map((b) => {
    const next = bucketOrder[bucketOrder.indexOf(b) + 1]!;
    const to = next.endsWith('+') ? next : `${next}+`;
    return [b, { 'zh-CN': `${b}→${to}`, en: `${b}→${to}` }];
  }),
);
/** write-offs come from any delinquency bucket */
const woBuckets = bucketOrder.filter((b) => b !== 'WO');
const moves = (p: { from: string; monthEnd: string }) => ({
  metric: 'roll_forward' as const,
  request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'from_bucket'] },
});

export default defineChart({
  id: 'flow-rate-trend',
  pack: 'management',
  title: { 'zh-CN': '流转率趋势（逐笔）', en: 'Flow-rate trend (loan level)' },
  note: {
    'zh-CN':
      '流转率：某月末处于某逾期段的贷款，在下一月末进入更后逾期段（i+1 及以后，不含核销）的余额占比；分母：该段在上月末的余额。按迁移结束的月份标注。核销另见“核销来源”图。',
    en: "Flow rate: of the balance in a bucket at a month-end, the share in a later delinquency bucket (i+1 or beyond, write-offs excluded) at the next month-end; denominator: the bucket's balance at the earlier month-end. Labelled by the month the move ends in. Write-offs: see the write-off chart.",
  },
  unit: units.pct,
  shows: shown.moves,
  data: moves,
  body: (_rows, lang) =>
    rateLines(lang, {
      month: 'month_end',
      rate: 'roll_forward_rate',
      series: 'from_bucket',
      seriesTitle: { 'zh-CN': '流转', en: 'Flow' }[lang],
      codes: fromBuckets,
      labels: flowLabels,
      transform: [{ filter: `indexof(${JSON.stringify(fromBuckets)}, datum.from_bucket) >= 0` }],
    }),
});

/** Write-offs by the bucket the loans were in at the month-end before. */
export const writeOffs = defineChart({
  id: 'write-offs',
  pack: 'management',
  title: { 'zh-CN': '核销来源（按核销前逾期段）', en: 'Write-offs by the bucket they came from' },
  note: {
    'zh-CN':
      '每月核销贷款在上一月末的余额，按其当时所处逾期段；按核销发生的月份标注。悬停可见核销率（分母：该段上月末余额）。',
    en: 'Balance at the previous month-end of loans written off in each month, by the bucket they were in then; labelled by the month of the write-off. Tooltip: write-off rate (over the bucket at the previous month-end).',
  },
  unit: units.money,
  shows: shown.moves,
  data: moves,
  body: (_rows, lang: Lang) => ({
    transform: [{ filter: 'datum.written_off > 0' }],
    mark: 'bar',
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: {
        field: 'written_off',
        type: 'quantitative',
        title: { 'zh-CN': '核销金额', en: 'Written off' }[lang],
        axis: moneyAxis(lang),
      },
      color: codeColour('from_bucket', woBuckets, bucketLabels, lang, labels.from_bucket[lang]),
      order: { field: 'from_bucket', sort: 'ascending' },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'from_bucket', type: 'nominal' },
        { field: 'written_off', type: 'quantitative', format: ',.2f' },
        { field: 'write_off_rate', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});
