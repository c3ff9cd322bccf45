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
    'At each month-end, over active loans: share with DPD > 0 / 30 / 60 / 90 (PAR30 = M2+, PAR90 = M4+ by the classic definition), NPL (次级+可疑+损失) share, and 偏离度 = DPD > 90 balance / NPL balance.',
  source: 'loan_months',
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
