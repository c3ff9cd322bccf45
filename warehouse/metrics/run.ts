import { bucketLabels, defaultBucketBounds } from '../classification.ts';
import { queryRows, type Warehouse } from '../connection.ts';
import { compileMetric, MetricRequestError } from './compile.ts';
import { addMonthEnds, monthEndOf } from '../../lib/dates.ts';
import { metricRequestSchema, type CompiledMetric, type MetricRequest } from './definition.ts';
import { metricDefinition, metricNames } from './index.ts';
import { assertWithinData } from './request-bounds.ts';
import { lastSnapshotMonthEnd } from '../data-horizon.ts';

export interface MetricResult {
  metric: string;
  title: string;
  as_of: string;
  basis: MetricRequest['basis'];
  request: MetricRequest;
  columns: CompiledMetric['columns'];
  rows: Record<string, string | number | null>[];
}

/** Bucket order for flow rates (C, M1…, M7+, WO): the default bucket bounds; paid-off is not a flow step. */
export const bucketOrder = bucketLabels(defaultBucketBounds).filter((b) => b !== 'PO');

export function parseMetricRequest(raw: unknown): MetricRequest {
  const r = metricRequestSchema.safeParse(raw);
  if (!r.success)
    throw new MetricRequestError(
      r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      { cause: r.error },
    );
  return r.data;
}

/** Compiles a request for a named metric, resolving the as-of month-end and period parameters. */
export async function compileNamedMetric(
  wh: Warehouse,
  name: string,
  raw: unknown,
): Promise<{ compiled: CompiledMetric; request: MetricRequest; asOf: string }> {
  const def = metricDefinition(name);
  if (!def) throw new MetricRequestError(`unknown metric ${name}; known: ${metricNames.join(', ')}`);
  const request = parseMetricRequest(raw);
  const last = await lastSnapshotMonthEnd(wh);
  // before any metric query: a date far past the data makes work without answers (CLI and API alike)
  assertWithinData(request, last);
  const asOf = request.as_of ? monthEndOf(request.as_of) : last;
  if (!asOf) throw new MetricRequestError('no snapshot yet: run `loanwatch snapshot --as-of …` first');
  const pTo = request.to ? monthEndOf(request.to) : asOf;
  const pFrom = request.from ? monthEndOf(request.from) : addMonthEnds(pTo, -12);
  const compiled = compileMetric(def, request, {
    database: wh.database,
    asOf,
    extraParams: { bucket_order: bucketOrder, p_from: pFrom, p_to: pTo },
  });
  return { compiled, request, asOf };
}

export async function runMetric(wh: Warehouse, name: string, raw: unknown): Promise<MetricResult> {
  const { compiled, request, asOf } = await compileNamedMetric(wh, name, raw);
  const rows = await queryRows<Record<string, string | number | null>>(wh, compiled.query, compiled.query_params, {
    output_format_json_quote_decimals: 1,
    join_use_nulls: 0,
  });
  return {
    metric: name,
    title: metricDefinition(name)!.title,
    as_of: asOf,
    basis: request.basis,
    request,
    columns: compiled.columns,
    rows,
  };
}
