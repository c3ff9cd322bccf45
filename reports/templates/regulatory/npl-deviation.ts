import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { lineInView, monthField, pctAxis, ruleAt, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

export default defineChart({
  id: 'npl-deviation',
  pack: 'regulatory',
  title: { 'zh-CN': '不良贷款率与偏离度', en: 'NPL ratio and deviation (偏离度)' },
  note: {
    'zh-CN':
      '柱（左轴）：不良率，分母为在贷余额。线（右轴）：偏离度 = 逾期 90 天以上贷款余额 / 不良贷款余额；虚线为监管上限 100%。',
    en: 'Bars (left axis): NPL ratio over outstanding balance. Line (right axis): deviation = balance > 90 DPD / NPL balance; dashed: the regulatory limit of 100%.',
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'overdue', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  body: (_rows, lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    layer: [
      {
        mark: { type: 'bar', color: seriesColours.substandard, opacity: 0.7 },
        encoding: {
          y: {
            field: 'npl_ratio',
            type: 'quantitative',
            title: { 'zh-CN': '不良率', en: 'NPL ratio' }[lang],
            axis: { ...pctAxis, titleColor: seriesColours.substandard },
          },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field: 'npl_ratio', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        layer: [
          // the 100 % limit in view, and any month above it too
          ...lineInView(
            {
              colour: seriesColours.C ?? '',
              encoding: {
                y: {
                  field: 'deviation',
                  type: 'quantitative',
                  title: { 'zh-CN': '偏离度', en: 'Deviation' }[lang],
                  axis: { ...pctAxis, titleColor: seriesColours.C },
                },
                tooltip: [
                  { field: 'month_end', type: 'nominal' },
                  { field: 'deviation', type: 'quantitative', format: '.1%' },
                ],
              },
            },
            1.1,
          ),
          ...ruleAt(1, lang === 'zh-CN' ? '偏离度上限 100%' : 'deviation limit 100%'),
        ],
      },
    ],
    resolve: { scale: { y: 'independent' } },
  }),
});
