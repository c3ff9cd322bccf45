import { csvTable } from '../csv-cell.ts';
import type { MetricResult } from './run.ts';

/** A metric result as CSV (RFC 4180 quoting), the same for the CLI and the API. */
export function metricCsv(r: MetricResult): string {
  return csvTable(r.columns.map((c) => c.name), r.rows);
}

