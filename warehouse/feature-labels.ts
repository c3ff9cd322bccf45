import type { FeatureName } from './feature-catalogue.ts';

/**
 * The early-warning features in words a collector or a manager reads (the console's reason codes,
 * the card's tables): the catalogue's names are identifiers, and a reason code `max_dpd_3m` on a
 * loan page says nothing to the person calling the borrower. One entry per catalogue feature (the
 * type makes a missing one a compile error); a table model's own columns keep their names.
 */
export const featureLabels: Record<FeatureName, { en: string; 'zh-CN': string }> = {
  dpd_now: { en: 'Days past due now', 'zh-CN': '当前逾期天数' },
  max_dpd_3m: { en: 'Worst days past due, last 3 months', 'zh-CN': '近3个月最长逾期天数' },
  max_dpd_6m: { en: 'Worst days past due, last 6 months', 'zh-CN': '近6个月最长逾期天数' },
  max_dpd_12m: { en: 'Worst days past due, last 12 months', 'zh-CN': '近12个月最长逾期天数' },
  months_delinquent_6m: { en: 'Months past due, last 6 months', 'zh-CN': '近6个月逾期月数' },
  months_delinquent_12m: { en: 'Months past due, last 12 months', 'zh-CN': '近12个月逾期月数' },
  months_30plus_12m: { en: 'Months over 30 days past due, last 12 months', 'zh-CN': '近12个月逾期30天以上月数' },
  months_since_delinquent: { en: 'Months since last past due', 'zh-CN': '距上次逾期月数' },
  mob: { en: 'Months on book', 'zh-CN': '账龄（月）' },
  remaining_term: { en: 'Months left to maturity', 'zh-CN': '剩余期限（月）' },
  annual_rate: { en: 'Interest rate', 'zh-CN': '合同利率' },
  log_principal: { en: 'Loan amount (log)', 'zh-CN': '贷款金额（对数）' },
  balance_paid_down: { en: 'Share of the loan repaid', 'zh-CN': '已还本金比例' },
  balance_change_3m: { en: 'Balance now against 3 months ago', 'zh-CN': '余额较3个月前变化' },
  paid_ratio_3m: { en: 'Paid in the last 3 months, share of the loan', 'zh-CN': '近3个月还款额占贷款金额比例' },
  paid_share_3m: { en: 'Paid in the last 3 months against what was due', 'zh-CN': '近3个月还款额占应还比例' },
  overdue_ratio: { en: 'Overdue amount, share of the loan', 'zh-CN': '逾期金额占贷款金额比例' },
  ltv: { en: 'Balance against collateral value', 'zh-CN': '抵押率' },
  age: { en: 'Borrower age', 'zh-CN': '借款人年龄' },
  actions_6m: { en: 'Collection actions, last 6 months', 'zh-CN': '近6个月催收次数' },
  contacts_3m: { en: 'Borrower reached, last 3 months', 'zh-CN': '近3个月联系上次数' },
  promises_6m: { en: 'Promises to pay, last 6 months', 'zh-CN': '近6个月承诺还款次数' },
  broken_promises_6m: { en: 'Broken promises, last 6 months', 'zh-CN': '近6个月违约承诺次数' },
  product: { en: 'Product', 'zh-CN': '产品' },
  repayment_method: { en: 'Repayment method', 'zh-CN': '还款方式' },
  collateral_type: { en: 'Collateral type', 'zh-CN': '担保方式' },
  region: { en: 'Region', 'zh-CN': '地区' },
  channel: { en: 'Origination channel', 'zh-CN': '获客渠道' },
  income_band: { en: 'Income band', 'zh-CN': '收入档次' },
  borrower_type: { en: 'Borrower type', 'zh-CN': '借款人类型' },
};

/** A reason code in words: a catalogue feature's label, any other name (a table model's column) as it is. */
export function featureLabel(name: string, lang: 'en' | 'zh-CN'): string {
  return Object.hasOwn(featureLabels, name) ? featureLabels[name as FeatureName][lang] : name;
}
