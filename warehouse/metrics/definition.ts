import type { MetricRequest } from './request.ts';

export type { MetricRequest } from './request.ts';

/**
 * A metric is data: which relation it reads, how it may be grouped and filtered,
 * what it measures, which ratios it reports (each naming its denominator) and how
 * the result is shaped. compile.ts is the one compiler from a definition plus a
 * validated request to { query, query_params }.
 */
export type Basis = 'balance' | 'count';

export interface Measure {
  /** SQL condition on a source row; the measure sums the basis weight over rows where it holds */
  when?: string;
  /** overrides the definition's weight for this measure (SQL per basis) */
  weight?: Partial<Record<Basis, string>>;
  /**
   * `max` for a value the source repeats on every row of a group (a stage's PD, the book's LGD, a
   * stored monitoring figure): the value itself, not a sum of copies. Default `sum`.
   */
  aggregate?: 'sum' | 'max';
  /** an input of formulas only, not an output column */
  internal?: true;
  /** `number` for a figure that is neither money nor a count (PSI, AUC) */
  kind?: 'measure' | 'number';
}

/**
 * An output computed from the group's measures and dimensions after aggregation (Cube's calculated
 * measures): SQL over those names, which ClickHouse lets later formulas of the same list reuse.
 * `ratio` outputs say what they are a share of (shown with the column like a ratio's denominator).
 */
export type Formula =
  { sql: string; kind: 'ratio'; label: string } | { sql: string; kind: 'measure' | 'number' | 'text'; label?: string };

export interface RatioDef {
  numerator: string;
  denominator: string;
  /** says what the denominator is, in every output (per basis when it differs) */
  denominatorLabel: string | Record<Basis, string>;
}

export type Shape =
  | { kind: 'aggregate' }
  /** measures listed in `cumulative` summed up along the ordered dimension `over` (curves; the source censors) */
  | { kind: 'cumulative'; over: string; cumulative: string[] }
  /** each listed measure also as a share of its total over the values of `of` (e.g. a roll-rate row over to_bucket) */
  | { kind: 'share'; of: string; shares: string[]; denominatorLabel: Record<Basis, string> };

export interface MetricDefinition {
  name: string;
  title: string;
  description: string;
  source: SourceName;
  /** dimensions a request may group by: name → SQL over the source */
  dimensions: Record<string, string>;
  defaultDimensions: readonly string[];
  /** dimensions always grouped by (the shape needs them) */
  requiredDimensions?: readonly string[];
  /** basis weights: SQL summed by each measure */
  weight: Record<Basis, string>;
  measures: Record<string, Measure>;
  ratios: Record<string, RatioDef>;
  /** outputs computed from the aggregated measures (after the ratios) */
  formulas?: Record<string, Formula>;
  /** the filters a request may use (default: all); others are refused, not silently dropped */
  filters?: readonly FilterKey[];
  /**
   * Without `from`/`to`, a metric taking the period filter covers the last 12 months (window.ts);
   * `all` keeps every period instead (cohort curves and workouts accumulate their whole history).
   */
  defaultPeriod?: 'window' | 'all';
  /**
   * `month_end`: a stock — balances or counts as they stand at each month-end, never added up over
   * month-ends. Not grouped by month_end, a request covers one month-end (the as-of one by default);
   * a longer period is refused rather than summed (twelve month-ends of balances read as one).
   */
  stockAt?: 'month_end';
  /** the bases a request may use (default: both) */
  bases?: readonly Basis[];
  shape: Shape;
}

/** the filters a metric takes unless its definition lists its own */
export const filterKeys: readonly FilterKey[] = ['product', 'region', 'branch', 'channel', 'cohort', 'period'];
/** every filter: `dpd` only where a definition lists it (its source names the column) */
export const allFilterKeys: readonly FilterKey[] = [...filterKeys, 'dpd'];

export type FilterKey = 'product' | 'region' | 'branch' | 'channel' | 'cohort' | 'period' | 'dpd';

export type SourceName =
  | 'loan_months'
  | 'transitions'
  | 'bucket_flows'
  | 'vintage_events'
  | 'migration_pairs'
  | 'recovery_flows'
  | 'workouts'
  | 'collection_actions'
  | 'ecl_exposures'
  | 'ecl_stage_moves'
  | 'provision_months'
  | 'champion_scores'
  | 'champion_monitoring'
  | 'promises'
  | 'incentive_awards'
  | 'warnings_fired'
  | 'warning_days'
  | 'warning_outcomes'
  | 'warning_thresholds'
  | 'disposal_candidates'
  | 'disposal_sales'
  | 'restructure_outcomes'
  | 'agency_placements'
  | 'accrual_months'
  | 'accrual_arrears';

export interface CompiledMetric {
  query: string;
  query_params: Record<string, unknown>;
  /** the request's basis, or the metric's own when it has one */
  basis: Basis;
  /** columns in order, with what each ratio divides by */
  columns: MetricColumn[];
}

/**
 * An output column: a dimension, a money measure (`measure`), a count, a ratio (with what it
 * divides by), a plain number (PSI, AUC, years) or text.
 */
export interface MetricColumn {
  name: string;
  kind: 'dimension' | 'measure' | 'count' | 'ratio' | 'number' | 'text';
  denominator?: string;
}

export type MetricRow = Record<string, string | number | null>;

/**
 * A metric computed in TypeScript from other catalogue metrics' results (each compiled by the one
 * compiler), for arithmetic SQL does not express well: the loss forecast iterates a transition
 * matrix. It takes the same request, and gives columns and rows like any metric.
 */
export interface DerivedMetric {
  name: string;
  title: string;
  description: string;
  kind: 'derived';
  filters?: readonly FilterKey[];
  /** the dimensions a request may group it by (none listed: it takes no group_by) */
  groupBy?: readonly string[];
  /** the request's `months` (how far ahead): read by the forecast only */
  takesMonths?: true;
  /** the answer's columns for a request's group_by: what derive answers with, and the API's example */
  columns(groupBy: readonly string[] | undefined): MetricColumn[];
  derive(
    run: (name: string, request: Partial<MetricRequest>) => Promise<{ columns: MetricColumn[]; rows: MetricRow[] }>,
    request: MetricRequest,
    asOf: string,
  ): Promise<{ columns: MetricColumn[]; rows: MetricRow[] }>;
}
