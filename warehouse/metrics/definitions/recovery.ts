import type { MetricDefinition } from '../definition.ts';
import { both } from './common.ts';

/**
 * 回收: cohort = default month (first month-end with DPD > 90 or charged off); EAD = principal balance
 * then; cumulative recovery rate at k months after default = cash received after default (payments,
 * recovery, collateral_sale, debt_sale, settlement) up to month k / EAD. Cohorts stop at the as-of
 * month. loans_over_100pct counts loans whose recoveries exceed EAD — flagged, not capped.
 */
export const recovery = {
  name: 'recovery',
  title: 'Recovery curves by default cohort',
  description:
    'Cumulative cash after default over EAD, by months since the default month; cohorts by default month or quarter (cohort_grain). Without from/to, every default cohort.',
  source: 'recovery_flows',
  dimensions: { default_cohort: 'default_cohort', months_since_default: 'k', product: 'product', region: 'region' },
  defaultDimensions: ['default_cohort', 'months_since_default'],
  requiredDimensions: ['default_cohort', 'months_since_default'],
  weight: { balance: 'ead', count: 'ead' },
  measures: {
    ead: {},
    recovered: both('ifNull(cash, toDecimal64(0, 2))'),
    defaulted_loans: both('toUInt64(defaulted)'),
    loans_over_100pct: both('toUInt64(over_100pct)'),
  },
  ratios: {
    recovery_rate: {
      numerator: 'recovered',
      denominator: 'ead',
      denominatorLabel: 'EAD: principal balance at default of the cohort',
    },
  },
  defaultPeriod: 'all',
  shape: {
    kind: 'cumulative',
    over: 'months_since_default',
    cumulative: ['ead', 'recovered', 'defaulted_loans', 'loans_over_100pct'],
  },
} as const satisfies MetricDefinition;

/** LGD = 1 − recovery rate of closed workouts (settled, sold, collateral sold, or paid off after default), EAD-weighted. */
export const lgd = {
  name: 'lgd',
  title: 'Loss given default of closed workouts',
  description: 'LGD = (EAD − cash after default) / EAD over closed workouts; open workouts are counted, not included.',
  source: 'workouts',
  dimensions: { default_cohort: 'default_cohort', product: 'product', region: 'region' },
  defaultDimensions: [],
  weight: { balance: 'ead', count: 'ead' },
  measures: {
    ead_closed: { when: 'closed' },
    recovered_closed: { when: 'closed', ...both('ifNull(cash, toDecimal64(0, 2))') },
    closed_workouts: { when: 'closed', ...both('toUInt64(1)') },
    open_workouts: { when: 'NOT closed', ...both('toUInt64(1)') },
    loans_over_100pct: { when: 'closed AND ifNull(cash, 0) > ead', ...both('toUInt64(1)') },
  },
  ratios: {
    lgd: {
      numerator: 'ead_closed - recovered_closed',
      denominator: 'ead_closed',
      denominatorLabel: 'EAD of closed workouts',
    },
    recovery_rate: {
      numerator: 'recovered_closed',
      denominator: 'ead_closed',
      denominatorLabel: 'EAD of closed workouts',
    },
  },
  defaultPeriod: 'all',
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
