import type { Warehouse } from '../../warehouse/connection.ts';
import { filterKeys, type FilterKey, type MetricColumn } from '../../warehouse/metrics/definition.ts';
import { metricEntry } from '../../warehouse/metrics/index.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import type { DataRequest, ReportSegment, Row } from '../template.ts';

/**
 * The segment's filters a metric takes, and whether it took all of them: bank-wide figures (a
 * provision ledger, model monitoring) cannot be cut by segment, and their chart says so.
 */
export function segmentFilters(req: DataRequest, segment: ReportSegment): { filters: ReportSegment; whole: boolean } {
  const takes: readonly FilterKey[] = metricEntry(req.metric)?.filters ?? filterKeys;
  const given = (Object.keys(segment) as (keyof ReportSegment)[]).filter((k) => segment[k]?.length);
  const applied = given.filter((k) => takes.includes(k));
  return {
    filters: Object.fromEntries(applied.map((k) => [k, segment[k]])),
    whole: applied.length === given.length,
  };
}

/**
 * Rows for one chart, for the pack's segment. `rows` are as the metrics layer returned them
 * (money as exact decimal strings: the CSV beside each chart); `chartRows` hold the same values
 * with numeric strings as numbers, which is what Vega-Lite needs to plot them. `segmentApplied`
 * is false when the metric is bank-wide and the segment could not be applied.
 */
export async function fetchChartData(
  wh: Warehouse,
  req: DataRequest,
  segment: ReportSegment = {},
): Promise<{ rows: Row[]; chartRows: Row[]; columns: MetricColumn[]; segmentApplied: boolean }> {
  const { filters, whole } = segmentFilters(req, segment);
  const result = await runMetric(wh, req.metric, { ...req.request, ...filters });
  const rows: Row[] = result.rows;
  return { rows, chartRows: rows.map(numeric), columns: result.columns, segmentApplied: whole };
}

const numeric = (r: Row): Row =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [
      k,
      typeof v === 'string' && /^-?\d+(\.\d+)?$/u.test(v) && !/^\d{4}-\d{2}-\d{2}$/u.test(v) ? Number(v) : v,
    ]),
  );
