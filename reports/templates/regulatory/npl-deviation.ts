import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { monthField, pctAxis } from '../../spec.ts';

export default defineChart({
  id: 'npl-deviation',
  pack: 'regulatory',
  title: { 'zh-CN': '不良贷款率与偏离度', en: 'NPL ratio and deviation (偏离度)' },
  note: {
    'zh-CN': '不良率分母：在贷余额；偏离度 = 逾期 90 天以上贷款余额 / 不良贷款余额（监管要求不高于 100%）。',
    en: 'NPL ratio over outstanding balance; deviation = balance > 90 DPD / NPL balance (regulators expect ≤ 100%).',
  },
  data: (p) => ({ metric: 'overdue', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    layer: [
      {
        mark: { type: 'bar', color: '#e4572e', opacity: 0.7 },
        encoding: {
          y: {
            field: 'npl_ratio',
            type: 'quantitative',
            title: { 'zh-CN': '不良率', en: 'NPL ratio' }[lang],
            axis: { ...pctAxis, titleColor: '#e4572e' },
          },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'npl_ratio', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        mark: { type: 'line', point: { color: '#1f5fa8' }, color: '#1f5fa8' },
        encoding: {
          y: {
            field: 'deviation',
            type: 'quantitative',
            title: { 'zh-CN': '偏离度', en: 'Deviation' }[lang],
            axis: { ...pctAxis, titleColor: '#1f5fa8' },
          },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'deviation', type: 'quantitative', format: '.1%' },
          ],
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  }),
});
