import type { MetricDefinition } from '../definition.ts';
import { loanDims } from './common.ts';
const atT = { balance: 'balance at t of loans in from_bucket', count: 'loans in from_bucket at t' };
/** a move's month-ends: t (from_month) and t + 1 (month_end, the month it ends in: what the period filter reads) */
const moveMonths = { month_end: 'month_end', from_month: 'from_month' } as const;

/**
 * 迁徙率 matrix: for consecutive month-ends t → t + 1, the share of the balance (or count) at t of
 * loans in bucket i that is in bucket j at t + 1 (j includes PO and WO). Over a period, flows and
 * balances are summed before dividing. Each row sums to 1; `from_month` is t, `month_end` t + 1.
 */
export const rollRate = {
  name: 'roll_rate',
  title: 'Roll-rate (migration) matrix',
  description:
    'Share of from_bucket at t found in to_bucket at t + 1; flow_share divides by the from_bucket total at t.',
  source: 'transitions',
  // loan_id: the ECL walk reads which loans were written off in a month
  dimensions: { from_bucket: 'prev_bucket', to_bucket: 'bucket', ...moveMonths, ...loanDims, loan_id: 'loan_id' },
  defaultDimensions: ['from_bucket', 'to_bucket'],
  requiredDimensions: ['from_bucket', 'to_bucket'],
  weight: { balance: 'prev_balance', count: 'toUInt64(1)' },
  measures: { flow: {} },
  ratios: {},
  shape: { kind: 'share', of: 'to_bucket', shares: ['flow'], denominatorLabel: atT },
} as const satisfies MetricDefinition;

/** Cure rate: the part of from_bucket at t that is current (C) at t + 1. */
export const cureRate = {
  name: 'cure_rate',
  title: 'Cure rate (bucket → C)',
  description:
    'Balance (or count) at t of loans in from_bucket that are current at t + 1, over the from_bucket total at t.',
  source: 'transitions',
  dimensions: { from_bucket: 'prev_bucket', ...moveMonths, ...loanDims },
  defaultDimensions: ['from_bucket'],
  requiredDimensions: ['from_bucket'],
  weight: { balance: 'prev_balance', count: 'toUInt64(1)' },
  measures: { from_total: {}, cured: { when: "bucket = 'C'" } },
  ratios: { cure_rate: { numerator: 'cured', denominator: 'from_total', denominatorLabel: atT } },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/**
 * Roll-forward (loan-level flow) rate: of the balance (or loans) in bucket i at t, the part in a
 * later delinquency bucket at t + 1 (i + 1 or beyond: months of 28 to 31 days let DPD skip one),
 * and apart from it the part written off in the month, by the bucket it was written off from.
 * Both are shares of the same loans' balance at t, so neither can exceed 100 %; the aggregate flow
 * rate (flow_rate) can, when loans skip a bucket or a small bucket refills from elsewhere.
 */
export const rollForward = {
  name: 'roll_forward',
  title: 'Roll-forward and write-off rates by bucket (loan level)',
  description:
    'Of bucket i at t: the part in a later delinquency bucket at t + 1 (roll_forward_rate), written off in the month (write_off_rate) or current again (cure_rate); each over the bucket total at t.',
  source: 'transitions',
  dimensions: { from_bucket: 'prev_bucket', ...moveMonths, ...loanDims },
  defaultDimensions: ['from_bucket'],
  requiredDimensions: ['from_bucket'],
  weight: { balance: 'prev_balance', count: 'toUInt64(1)' },
  measures: {
    from_total: {},
    rolled: {
      when: "bucket NOT IN ('PO', 'WO') AND indexOf({bucket_order:Array(String)}, bucket) > indexOf({bucket_order:Array(String)}, prev_bucket)",
    },
    written_off: { when: "bucket = 'WO'" },
    cured: { when: "bucket = 'C'" },
  },
  ratios: {
    roll_forward_rate: { numerator: 'rolled', denominator: 'from_total', denominatorLabel: atT },
    write_off_rate: { numerator: 'written_off', denominator: 'from_total', denominatorLabel: atT },
    cure_rate: { numerator: 'cured', denominator: 'from_total', denominatorLabel: atT },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/**
 * Flow rate (the collections convention): balance in bucket i + 1 at t + 1 over balance in bucket i
 * at t, whatever bucket the t + 1 balance came from, for C … M6 (M7+ has no next delinquency bucket;
 * write-offs by the bucket they came from are roll_forward's). `month_end` is t + 1.
 */
export const flowRate = {
  name: 'flow_rate',
  title: 'Flow rate (bucket i at t → bucket i + 1 at t + 1)',
  description: 'Aggregate balances, not loan-level transitions.',
  source: 'bucket_flows',
  dimensions: { from_bucket: 'from_bucket', to_bucket: 'to_bucket', month_end: 'to_month', from_month: 'from_month' },
  defaultDimensions: ['from_bucket', 'to_bucket'],
  requiredDimensions: ['from_bucket', 'to_bucket'],
  weight: { balance: 'from_balance', count: 'from_loans' },
  measures: {
    from_total: {},
    next_bucket_total: { weight: { balance: 'ifNull(to_balance, toDecimal64(0, 2))', count: 'ifNull(to_loans, 0)' } },
  },
  ratios: {
    flow_rate: {
      numerator: 'next_bucket_total',
      denominator: 'from_total',
      denominatorLabel: {
        balance: 'balance in from_bucket at t (every loan in the bucket)',
        count: 'loans in from_bucket at t',
      },
    },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
