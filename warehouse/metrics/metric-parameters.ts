import { compileMetric, requestFilterKeys } from './compile.ts';
import { filterKeys, type Basis } from './definition.ts';
import type { MetricEntry } from './index.ts';
import { metricRequestSchema, type MetricRequestField } from './request.ts';

/**
 * The request fields one catalogue metric takes, read from its definition: as_of always; group_by
 * over its own dimensions (a derived metric: those it declares, or none); basis where it has one;
 * cohort_grain where the grain changes its answer; the fields of each filter it applies (dpd_over
 * is the `dpd` filter); months for the metric that projects ahead. The API lists exactly these on
 * the metric's route and refuses any other by name, so the document and the answers agree.
 */
export interface MetricParameters {
  fields: MetricRequestField[];
  /** the dimensions group_by takes, and those a request without it gets */
  dimensions: readonly string[];
  defaultDimensions: readonly string[];
  bases: readonly Basis[];
}

/**
 * Whether the cohort grain changes a declared metric's query: compiled grouped by every dimension
 * with monthly and with quarterly cohorts, the two differ exactly where a cohort is labelled by it.
 */
function grainMatters(entry: Exclude<MetricEntry, { kind: 'derived' }>): boolean {
  const at = (grain: 'month' | 'quarter') =>
    compileMetric(
      entry,
      // past the public cap of six dimensions: this request is the catalogue's own, not a caller's
      { ...metricRequestSchema.parse({ cohort_grain: grain }), group_by: Object.keys(entry.dimensions) },
      { database: 'loanwatch', asOf: '2024-06-30' },
    ).query;
  return at('month') !== at('quarter');
}

export function metricParameters(entry: MetricEntry): MetricParameters {
  const filters = (entry.filters ?? filterKeys).flatMap((k) => requestFilterKeys[k]);
  if ('kind' in entry) {
    const dimensions = entry.groupBy ?? [];
    return {
      fields: [
        'as_of',
        ...(dimensions.length ? (['group_by'] as const) : []),
        ...filters,
        ...(entry.takesMonths ? (['months'] as const) : []),
      ],
      dimensions,
      defaultDimensions: [],
      bases: [],
    };
  }
  const bases = entry.bases ?? (['balance', 'count'] as const);
  return {
    fields: ['as_of', 'group_by', 'basis', ...(grainMatters(entry) ? (['cohort_grain'] as const) : []), ...filters],
    dimensions: Object.keys(entry.dimensions),
    defaultDimensions: entry.defaultDimensions,
    bases,
  };
}
