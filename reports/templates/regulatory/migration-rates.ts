import { defineChart } from '../../template.ts';
import { fiveClassLabels, labels } from '../../i18n.ts';
import { labelExpr, pctAxis } from '../../spec.ts';
import { fiveClasses } from '../../../warehouse/classification.ts';

export default defineChart({
  id: 'migration-rates',
  pack: 'regulatory',
  title: { 'zh-CN': '五级分类迁徙率', en: 'Five-category migration rates (迁徙率)' },
  note: {
    'zh-CN': '报告期（12 个月）内期初各类贷款向下迁徙的比例；分母：期初余额减去期内收回、处置与核销。',
    en: 'Share of each class at the start of the 12-month period that migrated to a worse class; denominator: start balance less amounts repaid, disposed of or written off.',
  },
  data: (p) => ({ metric: 'migration', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    transform: [{ calculate: labelExpr('from_class', fiveClassLabels, lang), as: 'class_label' }],
    mark: { type: 'bar', color: '#e4572e' },
    encoding: {
      x: {
        field: 'class_label',
        type: 'nominal',
        title: labels.five_class[lang],
        sort: fiveClasses.map((c) => fiveClassLabels[c]![lang]),
        axis: { labelAngle: 0 },
      },
      y: {
        field: 'migration_rate',
        type: 'quantitative',
        title: { 'zh-CN': '迁徙率', en: 'Migration rate' }[lang],
        axis: pctAxis,
      },
      tooltip: [
        { field: 'class_label', type: 'nominal' },
        { field: 'migration_rate', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});
