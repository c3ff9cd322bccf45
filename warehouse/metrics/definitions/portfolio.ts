import type { MetricDefinition } from '../definition.ts';
import { loanDims, ratiosOver } from './common.ts';
const outstanding = {
  balance: 'outstanding balance of active loans at the month-end',
  count: 'active loans at the month-end',
};

/** 逾期率 M1+…M4+, PAR30/PAR90, 不良率, 偏离度 and the outstanding book, by month-end (SPEC §5). */
export const overdue = {
  name: 'overdue',
  title: 'Overdue ratios, PAR, NPL ratio and deviation',
  description:
    'At each month-end, over active loans: share with DPD > 0 / 30 / 60 / 90 (PAR30 = M2+, PAR90 = M4+ by the classic definition; m3plus_ratio = 逾期60天以上, m4plus_ratio = 逾期90天以上), NPL (次级+可疑+损失) and 关注类 shares, and 偏离度 = DPD > 90 balance / NPL balance.',
  source: 'loan_months',
  stockAt: 'month_end',
  dimensions: {
    month_end: 'month_end',
    ...loanDims,
    bucket: 'bucket',
    five_class: 'five_class',
    ifrs9_stage: 'ifrs9_stage',
  },
  defaultDimensions: ['month_end'],
  weight: {
    balance: "if(status = 'active', principal_balance, toDecimal64(0, 2))",
    count: "toUInt64(status = 'active')",
  },
  measures: {
    outstanding: {},
    m1plus: { when: 'dpd > 0' },
    m2plus: { when: 'dpd > 30' },
    m3plus: { when: 'dpd > 60' },
    m4plus: { when: 'dpd > 90' },
    npl: { when: "five_class IN ('substandard', 'doubtful', 'loss')" },
    special_mention: { when: "five_class = 'special_mention'" },
  },
  ratios: {
    ...ratiosOver('outstanding', outstanding, [
      ['overdue_ratio', 'm1plus'],
      ['m2plus_ratio', 'm2plus'],
      ['m3plus_ratio', 'm3plus'],
      ['m4plus_ratio', 'm4plus'],
      ['par30', 'm2plus'],
      ['par90', 'm4plus'],
      ['npl_ratio', 'npl'],
      ['special_mention_ratio', 'special_mention'],
    ]),
    deviation: {
      numerator: 'm4plus',
      denominator: 'npl',
      denominatorLabel: { balance: 'NPL balance (次级+可疑+损失)', count: 'NPL loans (次级+可疑+损失)' },
    },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** Loans booked in each month (their origination month-end row). */
export const newBusiness = {
  name: 'new_business',
  title: 'New business',
  description: 'Original principal and number of loans originated in each month.',
  source: 'loan_months',
  dimensions: { month_end: 'month_end', ...loanDims },
  defaultDimensions: ['month_end'],
  weight: { balance: 'original_principal', count: 'toUInt64(1)' },
  measures: { new_business: { when: 'mob = 0' } },
  ratios: {},
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

const classShare = {
  balance: 'outstanding balance of active loans at the month-end',
  count: 'active loans at the month-end',
};

/**
 * 五级分类 (2023 rules on risk classification): outstanding balance (or loans) by class at each
 * month-end, and each class's share of the month-end's book (of the segment, when filtered).
 */
export const fiveCategory = {
  name: 'five_category',
  title: 'Five-category classification (五级分类): amounts and shares',
  description:
    'Outstanding balance (or active loans) by five-category class at each month-end, and the share of the month-end total.',
  source: 'loan_months',
  stockAt: 'month_end',
  dimensions: { month_end: 'month_end', five_class: 'five_class', ...loanDims },
  defaultDimensions: ['month_end', 'five_class'],
  requiredDimensions: ['five_class'],
  weight: overdue.weight,
  measures: { outstanding: {} },
  ratios: {},
  shape: { kind: 'share', of: 'five_class', shares: ['outstanding'], denominatorLabel: classShare },
} as const satisfies MetricDefinition;

/** IFRS 9 stages: outstanding balance (or loans) by stage at each month-end, and its share of the month-end total. */
export const ifrs9Mix = {
  name: 'ifrs9_mix',
  title: 'IFRS 9 stage mix',
  description: 'Outstanding balance (or active loans) by IFRS 9 stage at each month-end, and the share of the total.',
  source: 'loan_months',
  stockAt: 'month_end',
  dimensions: { month_end: 'month_end', stage: 'ifrs9_stage', ...loanDims },
  defaultDimensions: ['month_end', 'stage'],
  requiredDimensions: ['stage'],
  weight: overdue.weight,
  measures: { outstanding: {} },
  ratios: {},
  shape: { kind: 'share', of: 'stage', shares: ['outstanding'], denominatorLabel: classShare },
} as const satisfies MetricDefinition;
