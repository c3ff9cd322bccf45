import { csvCell } from '../csv-cell.ts';
import type { MetricResult } from './run.ts';

/** A metric result as CSV (RFC 4180 quoting), the same for the CLI and the API. */
export function metricCsv(r: MetricResult): string {
  const cols = r.columns.map((c) => c.name);
  return [cols.join(','), ...r.rows.map((row) => cols.map((c) => csvCell(row[c] ?? null)).join(','))].join('\n');
}

