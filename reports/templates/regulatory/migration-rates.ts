import { defineChart } from '../../template.ts';
import { endClassLabels, fiveClassLabels, labels } from '../../i18n.ts';
import { labelExpr, pctAxis, shown, units } from '../../spec.ts';
import { fiveClasses } from '../../../warehouse/classification.ts';
import { seriesColours } from '../../theme.ts';
import { moneyText } from './five-category.ts';

export default defineChart({
  id: 'migration-rates',
  pack: 'regulatory',
  // over 12 months, where the key figures are the month's: the period in the title, not only the note
  title: { 'zh-CN': '五级分类迁徙率（12个月）', en: 'Five-category migration rates over 12 months (迁徙率)' },
  note: {
    'zh-CN': '期初（上年同月末）各类贷款在期末（报告月末）向下迁徙的比例；分母：期初余额减去期内收回、处置与核销。',
    en: 'Share of each class at the opening month-end (12 months before) classified worse at the closing month-end; denominator: opening balance less amounts repaid, disposed of or written off in the period.',
  },
  unit: units.pct,
  shows: shown.opening,
  data: (p) => ({ metric: 'migration', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  size: { width: 480 },
  body: (_rows, lang) => ({
    transform: [{ calculate: labelExpr('from_class', fiveClassLabels, lang), as: 'class_label' }],
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
    },
    layer: [
      {
        mark: { type: 'bar', color: seriesColours.substandard },
        encoding: {
          tooltip: [
            { field: 'class_label', type: 'nominal' },
            { field: 'migration_rate', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        // 次级/可疑 rates are often 0 or near it: the value is printed either way
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
        encoding: { text: { field: 'migration_rate', type: 'quantitative', format: '.2%' } },
      },
    ],
  }),
});

const endClasses = [...fiveClasses, 'paid_off', 'charged_off'];

export const classMigrationMatrix = defineChart({
  id: 'class-migration-matrix',
  pack: 'regulatory',
  title: { 'zh-CN': '五级分类迁徙矩阵', en: 'Five-category migration matrix' },
  note: {
    'zh-CN':
      '行：期初（上年同月末）各类贷款；列：它们在期末（报告月末）所处类别，或期内结清/收回、核销。格内：占该行期初余额的比例、期初余额与笔数；每行合计 100%。',
    en: "Rows: loans by class at the opening month-end (12 months before); columns: their class at the closing month-end, or repaid/closed or written off in the period. Cells: share of the row's opening balance, the opening balance and loans; each row sums to 100%.",
  },
  unit: units.moneyPct,
  shows: shown.opening,
  data: (p) => ({ metric: 'class_migration', request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd } }),
  size: { width: 620, height: 260 },
  body: (_rows, lang) => ({
    transform: [
      { calculate: labelExpr('from_class', fiveClassLabels, lang), as: 'from_label' },
      { calculate: labelExpr('to_class', endClassLabels, lang), as: 'to_label' },
      {
        calculate: `${moneyText('start_balance', lang)} + ' · ' + datum.loans + ${JSON.stringify(lang === 'zh-CN' ? '笔' : '')}`,
        as: 'amount_label',
      },
    ],
    encoding: {
      x: {
        field: 'to_label',
        type: 'nominal',
        title: { 'zh-CN': '期末类别', en: 'Class at the end' }[lang],
        sort: endClasses.map((c) => endClassLabels[c]![lang]),
        axis: { labelAngle: 0, grid: false, orient: 'top' },
      },
      y: {
        field: 'from_label',
        type: 'nominal',
        title: { 'zh-CN': '期初类别', en: 'Class at the start' }[lang],
        sort: fiveClasses.map((c) => fiveClassLabels[c]![lang]),
        axis: { grid: false },
      },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'start_balance_share',
            type: 'quantitative',
            title: labels.share[lang],
            scale: { scheme: 'oranges', domain: [0, 1] },
            // quarters, not Vega's 20% steps: "80%" and the end label "100%" ran together
            legend: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] },
          },
          tooltip: [
            { field: 'from_label', type: 'nominal' },
            { field: 'to_label', type: 'nominal' },
            { field: 'start_balance', type: 'quantitative', format: ',.2f' },
            { field: 'loans', type: 'quantitative', format: ',' },
            { field: 'start_balance_share', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10, dy: -6 },
        encoding: {
          text: { field: 'start_balance_share', type: 'quantitative', format: '.1%' },
          color: { condition: { test: 'datum.start_balance_share > 0.5', value: 'white' }, value: 'black' },
        },
      },
      {
        mark: { type: 'text', fontSize: 8, dy: 7 },
        encoding: {
          text: { field: 'amount_label', type: 'nominal' },
          color: { condition: { test: 'datum.start_balance_share > 0.5', value: 'white' }, value: '#444444' },
        },
      },
    ],
  }),
});
