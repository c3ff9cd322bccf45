import { compileMetric } from '../../warehouse/metrics/compile.ts';
import type { MetricColumn, MetricRow } from '../../warehouse/metrics/definition.ts';
import { defaultBasisOf, metrics, type MetricEntry, type MetricName } from '../../warehouse/metrics/index.ts';
import { parseMetricRequest, withDefaultPeriod } from '../../warehouse/metrics/run.ts';
import { normaliseMetricRequest } from '../../warehouse/metrics/request-bounds.ts';

/** the as-of date of every metric route's example */
const exampleAsOf = '2024-06-30';

/** a dimension's value in an example row, as the book's data has it (others: their name) */
const dimensionValues: Record<string, string | number> = {
  month_end: exampleAsOf,
  cohort: '2023-01-01',
  mob: 12,
  five_class: 'special_mention',
  from_class: 'normal',
  to_class: 'special_mention',
  stage: 2,
  from_stage: 1,
  to_stage: 2,
  move: 'worse',
  from_bucket: 'M1',
  to_bucket: 'M2',
  default_cohort: '2023-01-01',
  months_since_default: 6,
  grade: 'C',
  channel: 'phone',
  rule_id: 'broken_promise',
  severity: 'warning',
  month_ahead: 1,
  step_order: 1,
  step: 'opening',
  from_month: '2024-05-31',
  subject_kind: 'rule',
  subject: 'broken_promise',
  horizon: 1,
  level: 30,
  kind: 'score_above',
  recommended: 'collection',
  threshold: 0.25,
  current_threshold: 0.25,
  months_after: 3,
};

/** a value of each kind, as the route sends it: money as exact decimal text, counts and ratios as numbers */
const kindValues: Record<MetricColumn['kind'], string | number> = {
  dimension: '',
  measure: '1250000.00',
  count: 120,
  ratio: 0.0283,
  number: 1.5,
  text: 'example',
};

/**
 * Money a metric computes in floating point (a formula of the catalogue; the forecast's and the
 * disposal options' amounts) is sent as a number, a sum of amounts as exact decimal text; the
 * exceptions by metric and column (the API test compares every example value's type with the
 * route's answer, so this list cannot fall behind unnoticed).
 */
const moneyAsNumber = new Set(['agency_performance.cures', 'agency_performance.matched_cures']);
const formulaAsText = new Set(['interest_arrears.total_arrears', 'penalty_income.defaulted_other_cash']);
const floatMoney = (entry: MetricEntry, column: string): boolean => {
  const key = `${entry.name}.${column}`;
  if (moneyAsNumber.has(key)) return true;
  if ('kind' in entry) return entry.name === 'forecast' || entry.name === 'disposal_options';
  return Object.hasOwn(entry.formulas ?? {}, column) && !formulaAsText.has(key);
};

/** a derived metric declares its columns; a declared one's are what the compiler names */
const columnsOf = (entry: MetricEntry, groupBy?: string[]): MetricColumn[] => {
  if ('kind' in entry) return entry.columns(groupBy);
  const request = withDefaultPeriod(entry, parseMetricRequest(groupBy ? { group_by: groupBy } : {}), exampleAsOf);
  return compileMetric(entry, request, { database: 'example', asOf: exampleAsOf }).columns;
};

/**
 * The 200 answer a metric route shows in the OpenAPI document: its columns for a request without
 * parameters (from the catalogue's definition, as the compiler names them) and one row of values
 * of each column's kind.
 */
export function metricExample(name: MetricName, groupBy?: string[]) {
  const entry: MetricEntry = metrics[name];
  const columns = columnsOf(entry, groupBy);
  const row: MetricRow = Object.fromEntries(
    columns.map((c) => [
      c.name,
      c.kind === 'dimension'
        ? Object.hasOwn(dimensionValues, c.name)
          ? dimensionValues[c.name]!
          : c.name
        : c.kind === 'measure' && c.denominator
          ? // a share (a measure over a denominator) is a fraction, not money
            0.25
          : c.kind === 'measure' && floatMoney(entry, c.name)
            ? 1250000.5
            : kindValues[c.kind],
    ]),
  );
  return {
    metric: name,
    title: entry.title,
    as_of: exampleAsOf,
    basis: defaultBasisOf(name),
    // the request as the route echoes it: normalised, the default basis and the latest month-end filled in
    request: normaliseMetricRequest(
      parseMetricRequest(groupBy ? { group_by: groupBy } : {}),
      exampleAsOf,
      defaultBasisOf(name),
    ),
    columns,
    rows: [row],
  };
}
