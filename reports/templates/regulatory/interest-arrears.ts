import { defineChart } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { moneyAxis, monthField, shown, units } from '../../spec.ts';

/** 表内欠息 / 表外欠息 in both languages, the off-balance part split into loans still on the book and written off. */
const sideLabels = {
  on_balance_sheet: { 'zh-CN': '表内欠息', en: 'On balance sheet' },
  off_non_accrual: { 'zh-CN': '表外欠息（非应计）', en: 'Off balance sheet: non-accrual' },
  off_written_off: { 'zh-CN': '表外欠息（已核销）', en: 'Off balance sheet: written off' },
} as const satisfies Record<string, Record<Lang, string>>;
const sides = ['on_balance_sheet', 'off_non_accrual', 'off_written_off'] as const;
// on balance sheet in the house blue, off balance sheet in the substandard amber (non-accrual, still on the
// book) and the loss red (written off): interest no longer recognised
const sideColours = ['#1f5fa8', '#e4572e', '#8c2d19'];
const labelOf = (lang: Lang, field: string) =>
  `${field} === 'on_balance_sheet' ? ${JSON.stringify(sideLabels.on_balance_sheet[lang])} : ${field} === 'off_non_accrual' ? ${JSON.stringify(sideLabels.off_non_accrual[lang])} : ${JSON.stringify(sideLabels.off_written_off[lang])}`;

/**
 * Interest arrears (欠息) at each month-end, split by where they are carried: on balance sheet while
 * the loan accrues, off balance sheet from the non-accrual DPD or a charge-off (the `interest_arrears`
 * metric, issue 23; rules in docs/accrual.md).
 */
export const interestArrearsChart = defineChart({
  id: 'interest-arrears',
  pack: 'regulatory',
  title: { 'zh-CN': '表内欠息与表外欠息', en: 'Interest arrears on and off balance sheet' },
  note: {
    'zh-CN':
      '各月末欠息 = 逾期未付的合同利息 + 未付罚息与复利（不含违约金）。贷款逾期未达非应计天数（默认 90 天）时计入表内；达到后停止确认收入、转入表外，直至逾期结清（逾期天数回到 0）再转回表内；已核销贷款的欠息在表外单独列示（已核销），每个月末均计入，直至和解结清或债权转让；已结清贷款尚欠的罚息与复利在收回或减免前仍计入表内。罚息 = 逾期本金 × 合同利率 × (1 + 上浮比例，默认 50%)，复利按罚息利率计收，按日计息（默认 实际天数/360）。仅含按还款计划与还款记录计算的贷款。',
    en: 'At each month-end, interest arrears = overdue contractual interest + unpaid penalty and compound interest (late fees excluded). Carried on balance sheet while the loan is below the non-accrual DPD (default 90); from it, no longer recognised in income and carried off balance sheet until the arrears are cleared (DPD back to 0); the arrears of charged-off loans are off balance sheet, shown apart (written off), at every month-end until the account is settled or sold; the penalty and compound interest a paid-off loan still owes stay on balance sheet until paid or waived. Penalty interest = overdue principal × contract rate × (1 + markup, default 50%), compound interest at the penalty rate, accrued daily (default actual/360). Loans evaluated from schedules and payments only.',
  },
  unit: units.money,
  shows: shown.monthEnds,
  // by accrual status: a written-off account's arrears stay off balance sheet until it is settled or sold,
  // a stock that grows with the write-offs — shown apart from the non-accrual loans still on the book
  data: (p) => ({
    metric: 'interest_arrears',
    request: { from: p.from, to: p.monthEnd, as_of: p.monthEnd, group_by: ['month_end', 'accrual_status'] },
  }),
  body: (_rows, lang) => ({
    transform: [
      {
        calculate:
          "datum.accrual_status === 'charged_off' ? 'off_written_off' : datum.accrual_status === 'non_accrual' ? 'off_non_accrual' : 'on_balance_sheet'",
        as: 'side',
      },
      { calculate: 'toNumber(datum.on_balance_sheet) + toNumber(datum.off_balance_sheet)', as: 'arrears' },
      {
        aggregate: [
          { op: 'sum', field: 'arrears', as: 'amount' },
          { op: 'sum', field: 'penalty_owed', as: 'penalty_owed' },
          { op: 'sum', field: 'compound_owed', as: 'compound_owed' },
          { op: 'sum', field: 'loans_in_arrears', as: 'loans_in_arrears' },
        ],
        groupby: ['month_end', 'side'],
      },
      { calculate: labelOf(lang, 'datum.side'), as: 'side_label' },
      // stacked from the axis up: on balance sheet, then off (non-accrual), then written off
      { calculate: `indexof(${JSON.stringify(sides)}, datum.side)`, as: 'side_order' },
    ],
    mark: 'bar',
    encoding: {
      x: monthField('month_end', labels.month_end[lang]),
      y: {
        field: 'amount',
        type: 'quantitative',
        stack: 'zero',
        title: { 'zh-CN': '欠息（元）', en: 'Interest arrears (CNY)' }[lang],
        axis: moneyAxis(lang),
      },
      color: {
        field: 'side',
        type: 'nominal',
        title: { 'zh-CN': '核算位置', en: 'Carried' }[lang],
        scale: { domain: [...sides], range: sideColours },
        legend: { labelExpr: labelOf(lang, 'datum.value') },
      },
      order: { field: 'side_order', type: 'quantitative', sort: 'ascending' },
      tooltip: [
        { field: 'month_end', type: 'nominal' },
        { field: 'side_label', type: 'nominal' },
        { field: 'amount', type: 'quantitative', format: ',.2f' },
        { field: 'penalty_owed', type: 'quantitative', format: ',.2f' },
        { field: 'compound_owed', type: 'quantitative', format: ',.2f' },
        { field: 'loans_in_arrears', type: 'quantitative', format: ',d' },
      ],
    },
  }),
});
