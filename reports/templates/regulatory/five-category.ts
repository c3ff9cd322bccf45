import { defineChart } from '../../template.ts';
import { fiveClassLabels, labels, moneyLabelExpr, type Lang } from '../../i18n.ts';
import { codeColour, labelExpr, moneyAxis, monthField, pctAxis, shown, units } from '../../spec.ts';
import { fiveClasses } from '../../../warehouse/classification.ts';
import { productLabels } from '../../summary/segments.ts';

const classLabel = (lang: Lang) => ({ calculate: labelExpr('five_class', fiveClassLabels, lang), as: 'class_label' });
/** a Vega expression formatting a field as money in the language (the axis format, on another field) */
export const moneyText = (field: string, lang: Lang) =>
  `(${moneyLabelExpr(lang).replaceAll('datum.value', `datum[${JSON.stringify(field)}]`)})`;
const nonNormal = fiveClasses.filter((c) => c !== 'normal');

export const fiveCategoryDistribution = defineChart({
  id: 'five-category-distribution',
  pack: 'regulatory',
  title: { 'zh-CN': '五级分类余额与占比', en: 'Five-category classification: balance and share' },
  note: {
    'zh-CN':
      '报告月末在贷余额按五级分类（2023 年《商业银行金融资产风险分类办法》：正常、关注、次级、可疑、损失），标注金额与占在贷余额的比例；不良 = 次级 + 可疑 + 损失。',
    en: 'Outstanding balance at the month-end by five-category class (2023 rules: normal, special mention, substandard, doubtful, loss), labelled with the amount and the share of the outstanding balance; NPL = substandard + doubtful + loss.',
  },
  unit: units.moneyPct,
  shows: shown.monthEnd,
  data: (p) => ({
    metric: 'five_category',
    request: { from: p.monthEnd, to: p.monthEnd, as_of: p.monthEnd, group_by: ['five_class'] },
  }),
  size: { height: 200 },
  body: (_rows, lang) => ({
    transform: [
      classLabel(lang),
      {
        // a share too small for two decimals reads <0.01%, not 0.00% beside a balance (a doubtful 19.1K)
        calculate: `${moneyText('outstanding', lang)} + ' · ' + (datum.outstanding_share > 0 && datum.outstanding_share < 0.00005 ? '<0.01%' : format(datum.outstanding_share, '.2%'))`,
        as: 'label',
      },
    ],
    encoding: {
      y: {
        field: 'class_label',
        type: 'nominal',
        title: labels.five_class[lang],
        sort: fiveClasses.map((c) => fiveClassLabels[c]![lang]),
      },
      x: {
        field: 'outstanding',
        type: 'quantitative',
        title: labels.balance[lang],
        axis: moneyAxis(lang, 430),
        // room for the labels of the largest class
        scale: { rangeMax: 430 },
      },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          color: {
            ...codeColour('five_class', fiveClasses, fiveClassLabels, lang, labels.five_class[lang]),
            legend: null,
          },
          tooltip: [
            { field: 'class_label', type: 'nominal' },
            { field: 'outstanding', type: 'quantitative', format: ',.2f' },
            { field: 'outstanding_share', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        // every class labelled: 可疑 and 损失 are slivers beside 正常
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  }),
});

export const fiveCategoryTrend = defineChart({
  id: 'five-category-trend',
  pack: 'regulatory',
  title: { 'zh-CN': '关注类及不良各类占比趋势', en: 'Special mention and NPL classes: share over time' },
  note: {
    'zh-CN':
      '各月末关注、次级、可疑、损失类余额占在贷余额的比例（各一条线，共用一个纵轴：可疑、损失类通常远小于其他类，贴近 0 线，其数值见五级分类表与本图 CSV；正常类占比 = 1 − 其余之和）。',
    en: "Share of outstanding balance in special mention, substandard, doubtful and loss at each month-end (one line each, on one shared axis: doubtful and loss are usually far smaller and lie near the 0 line; their values are in the five-category table and this chart's CSV; normal = 1 − the rest).",
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({
    metric: 'five_category',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'five_class'] },
  }),
  body: (_rows, lang) => ({
    transform: [
      // every class at every month-end: the metric has no row for a class without a loan, and the
      // line skipped that month (the data's first month, all normal, drew an empty frame); a
      // class without a row holds no balance, a share of 0
      { pivot: 'five_class', value: 'outstanding_share', groupby: ['month_end'] },
      { fold: nonNormal, as: ['five_class', 'outstanding_share'] },
      { calculate: 'isValid(datum.outstanding_share) ? datum.outstanding_share : 0', as: 'outstanding_share' },
      classLabel(lang),
    ],
    mark: { type: 'line', point: true },
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: { field: 'outstanding_share', type: 'quantitative', title: labels.share[lang], axis: pctAxis },
      color: codeColour('five_class', nonNormal, fiveClassLabels, lang, labels.five_class[lang]),
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'class_label', type: 'nominal' },
        { field: 'outstanding_share', type: 'quantitative', format: '.2%' },
      ],
    },
  }),
});

const productRatios = {
  special_mention_ratio: { 'zh-CN': '关注类占比', en: 'Special mention' },
  m3plus_ratio: { 'zh-CN': '逾期 60 天以上', en: 'Overdue > 60 days' },
  m4plus_ratio: { 'zh-CN': '逾期 90 天以上', en: 'Overdue > 90 days' },
};

export const watchByProduct = defineChart({
  id: 'watch-by-product',
  pack: 'regulatory',
  title: {
    'zh-CN': '分产品关注类与逾期 60/90 天以上占比',
    en: 'Special mention and overdue > 60 / > 90 days by product',
  },
  note: {
    'zh-CN': '报告月末各产品：关注类余额、逾期 60 天以上余额、逾期 90 天以上余额占该产品在贷余额的比例。',
    en: "At the month-end, per product: special-mention balance, balance overdue > 60 days and > 90 days, as shares of the product's outstanding balance.",
  },
  unit: units.pct,
  shows: shown.monthEnd,
  data: (p) => ({
    metric: 'overdue',
    request: { from: p.monthEnd, to: p.monthEnd, as_of: p.monthEnd, group_by: ['product'] },
  }),
  body: (_rows, lang) => ({
    transform: [{ fold: Object.keys(productRatios), as: ['measure', 'value'] }],
    encoding: {
      // the products by name, as the breakdowns and segment packs write them (the axis showed the codes)
      x: {
        field: 'product',
        type: 'nominal',
        title: labels.product[lang],
        axis: {
          labelAngle: 0,
          labelExpr: labelExpr('value', productLabels, lang).replaceAll('datum["value"]', 'datum.value'),
        },
      },
      xOffset: { field: 'measure', sort: Object.keys(productRatios) },
      y: { field: 'value', type: 'quantitative', title: labels.share[lang], axis: pctAxis },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          color: codeColour('measure', Object.keys(productRatios), productRatios, lang, labels.measure[lang]),
          tooltip: [
            { field: 'product', type: 'nominal' },
            { field: 'measure', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: '.2%' },
          ],
        },
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9 },
        encoding: { text: { field: 'value', type: 'quantitative', format: '.1%' } },
      },
    ],
  }),
});
