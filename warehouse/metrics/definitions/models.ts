import type { MetricDefinition } from '../definition.ts';
import { both } from './common.ts';

/** The current champion's scores by grade: loans, balance and mean probability (SPEC §6 grades). */
export const scoreDistribution = {
  name: 'score_distribution',
  title: 'Champion score distribution by grade',
  description:
    "The current champion model's stored scores at each month-end, by grade: loans, principal balance and the mean predicted probability.",
  source: 'champion_scores',
  stockAt: 'month_end',
  dimensions: { grade: 'grade', month_end: 'month_end', product: 'product', region: 'region', branch: 'branch' },
  defaultDimensions: ['month_end', 'grade'],
  weight: { balance: 'principal_balance', count: 'toUInt64(1)' },
  measures: {
    loans: both('toUInt64(1)'),
    balance: both('principal_balance'),
    // summed as Decimal (exact, so the same in any order): a Float64 sum's last digits follow the engine's threads
    probability_sum: { ...both('toDecimal128(probability, 18)'), internal: true },
  },
  ratios: {
    mean_probability: { numerator: 'probability_sum', denominator: 'loans', denominatorLabel: 'scored loans' },
  },
  filters: ['product', 'region', 'branch', 'channel', 'period'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** The champion's stored monitoring (loanwatch evaluate / warnings): PSI and realised AUC by month-end. */
export const modelMonitoring = {
  name: 'model_monitoring',
  title: 'Champion monitoring: score PSI and realised AUC',
  description:
    "The latest stored monitoring of the current champion per month-end: score PSI against its training scores, AUC on outcomes observed since, and the eligible loans monitored (`loans`: active with dpd ≤ the target's threshold, the model's population; `score` scores every active loan, so its count is larger).",
  source: 'champion_monitoring',
  dimensions: { month_end: 'month_end' },
  defaultDimensions: ['month_end'],
  requiredDimensions: ['month_end'],
  weight: { balance: 'loans', count: 'loans' },
  measures: {
    score_psi: { ...both('score_psi'), aggregate: 'max', kind: 'number' },
    auc: { ...both('auc'), aggregate: 'max', kind: 'number' },
    loans: { aggregate: 'max' },
  },
  ratios: {},
  filters: ['period'],
  bases: ['count'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** Early warnings fired, by rule and severity. */
export const warningsSummary = {
  name: 'warnings_summary',
  title: 'Early warnings fired',
  description: 'Warnings fired at each as-of date, by rule and severity (loan rules and portfolio rules alike).',
  source: 'warnings_fired',
  dimensions: {
    month_end: 'month_end',
    rule_id: 'rule_id',
    kind: 'kind',
    severity: 'severity',
    product: 'product',
    region: 'region',
    branch: 'branch',
  },
  defaultDimensions: ['rule_id', 'severity'],
  weight: { balance: 'toUInt64(1)', count: 'toUInt64(1)' },
  measures: { warnings: {} },
  ratios: {},
  filters: ['product', 'region', 'branch', 'period'],
  bases: ['count'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/**
 * The days the warning rules were computed for: a report can tell a quiet day (0 fired) from one
 * the rules never ran for (no row), which warnings_summary — built from what fired — cannot.
 */
export const warningDays = {
  name: 'warning_days',
  title: 'Early-warning days computed',
  description:
    'The dates the early-warning rules were computed for (the latest run of the day finished; a day fired before runs were recorded counts by its warnings) and the warnings that run stored, bank-wide. A day with 0 ran and fired none; a day not listed was never computed.',
  source: 'warning_days',
  dimensions: { month_end: 'month_end' },
  defaultDimensions: ['month_end'],
  weight: { balance: 'toUInt64(1)', count: 'toUInt64(1)' },
  measures: { days: {}, fired: { weight: { balance: 'fired', count: 'fired' } } },
  ratios: {},
  filters: ['period'],
  bases: ['count'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
