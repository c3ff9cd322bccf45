import type { MetricResult } from './run.ts';

/** A metric result as CSV (RFC 4180 quoting), the same for the CLI and the API. */
const csvCell = (v: unknown) => { const s = v === null || v === undefined ? '' : String(v); return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s; };

export function metricCsv(r: MetricResult): string {
  const cols = r.columns.map((c) => c.name);
  return [cols.join(','), ...r.rows.map((row) => cols.map((c) => csvCell(row[c])).join(','))].join('\n');
}

