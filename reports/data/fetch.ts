import type { Warehouse } from '../../warehouse/connection.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import type { DataRequest, Row } from '../template.ts';

/**
 * Rows for one chart. `rows` are as the metrics layer returned them (money as exact decimal
 * strings: the CSV beside each chart); `chartRows` hold the same values with numeric strings
 * as numbers, which is what Vega-Lite needs to plot them.
 */
export async function fetchChartData(wh: Warehouse, req: DataRequest): Promise<{ rows: Row[]; chartRows: Row[] }> {
  const rows: Row[] = (await runMetric(wh, req.metric, req.request)).rows;
  return { rows, chartRows: rows.map(numeric) };
}

const numeric = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) =>
  [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/u.test(v) && !/^\d{4}-\d{2}-\d{2}$/u.test(v) ? Number(v) : v]));
