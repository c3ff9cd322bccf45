import { defineChart } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { codeColour, labelExpr, moneyAxis, shown, units } from '../../spec.ts';
import { disposalOptions } from '../../../warehouse/workout/disposal-value.ts';
import { moneyText } from './five-category.ts';

/** The disposal options in both languages (the lender's own words for each: 常规催收, 重组/协商还款, 抵押物处置, 债权转让, 核销). */
export const disposalOptionLabels = {
  collection: { 'zh-CN': '常规催收', en: 'Collection as usual' },
  restructure: { 'zh-CN': '重组/协商还款', en: 'Restructure / repayment plan' },
  collateral_sale: { 'zh-CN': '抵押物处置', en: 'Collateral sale' },
  debt_sale: { 'zh-CN': '债权转让', en: 'Debt sale' },
  write_off: { 'zh-CN': '核销', en: 'Write-off' },
} as const satisfies Record<(typeof disposalOptions)[number], Record<Lang, string>>;

const optionLabel = (lang: Lang) => ({
  calculate: labelExpr('recommended', disposalOptionLabels, lang),
  as: 'option_label',
});
const optionColours = ['#1f5fa8', '#29a36a', '#f2a541', '#e4572e', '#8c8c8c'];
const optionTitle = { 'zh-CN': '建议处置方式', en: 'Recommended option' } as const;

/**
 * Late loans (DPD > 90, or charged off with the workout open) by the disposal option with the
 * highest expected net recovery, from the `disposal_options` metric with the default terms.
 */
export const disposalOptionsChart = defineChart({
  id: 'disposal-options',
  pack: 'regulatory',
  title: {
    'zh-CN': '逾期 90 天以上及已核销未结清贷款：建议处置方式',
    en: 'Late and defaulted loans by recommended disposal option',
  },
  note: {
    'zh-CN':
      '报告月末逾期 90 天以上、或已核销但清收未结束的贷款，按预期净回收（按年 8% 折现）最高的处置方式分组：余额、笔数与预期净回收占余额的比例。各方式的估计取自本行历史（回收曲线、重组后还款、已实现的抵押物处置与债权转让价格），样本不足时用默认假设（docs/collections.md）。',
    en: "Loans over 90 days past due, or charged off with the workout still open, at the month-end, grouped by the option with the highest expected net recovery (discounted at 8% a year): balance, number of loans and expected net recovery as a share of the balance. Estimates come from the book's own history (recovery curves, repayment after restructuring, realised collateral and debt sales), or the default assumptions where it has too few (docs/collections.md).",
  },
  unit: units.moneyPct,
  shows: shown.monthEnd,
  data: (p) => ({ metric: 'disposal_options', request: { as_of: p.monthEnd } }),
  size: { height: 180 },
  body: (_rows, lang) => ({
    transform: [
      optionLabel(lang),
      {
        calculate: `${moneyText('balance', lang)} + ' · ' + datum.loans + ${JSON.stringify(lang === 'zh-CN' ? ' 笔 · 预期回收 ' : ' loans · expected ')} + format(datum.recovery_rate, '.1%')`,
        as: 'label',
      },
    ],
    encoding: {
      y: {
        field: 'option_label',
        type: 'nominal',
        title: optionTitle[lang],
        sort: disposalOptions.map((o) => disposalOptionLabels[o][lang]),
      },
      x: {
        field: 'balance',
        type: 'quantitative',
        title: labels.balance[lang],
        axis: moneyAxis(lang, 380),
        // room for the label of the largest option
        scale: { rangeMax: 380 },
      },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          color: {
            ...codeColour('recommended', disposalOptions, disposalOptionLabels, lang, optionTitle[lang]),
            // the theme's palette has no disposal codes: the house blue, green, amber and red, grey for a write-off
            scale: { domain: [...disposalOptions], range: optionColours },
            legend: null,
          },
          tooltip: [
            { field: 'option_label', type: 'nominal' },
            { field: 'loans', type: 'quantitative', format: ',d' },
            { field: 'balance', type: 'quantitative', format: ',.2f' },
            { field: 'expected_recovery', type: 'quantitative', format: ',.2f' },
            { field: 'recovery_rate', type: 'quantitative', format: '.2%' },
            { field: 'mean_margin', type: 'quantitative', format: ',.2f' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  }),
});
