import { csvCell } from '../csv-cell.ts';
import type { MetricResult } from './run.ts';

/**
 * Rows as CSV text in pieces (header first, then a piece per `rowsPerChunk` rows, every line
 * ended by a newline as csvTable ends them; RFC 4180 cells, nested values as JSON): an export is
 * written or sent as it is produced, never held as one string. Joined, it is csvTable's text.
 */
export function* csvChunks<R extends object>(
  cols: readonly (keyof R & string)[],
  rows: Iterable<R>,
  rowsPerChunk = 1000,
): Generator<string> {
  const cell = (v: unknown) =>
    csvCell(v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as string | number));
  yield `${cols.join(',')}\n`;
  let piece: string[] = [];
  for (const r of rows) {
    piece.push(`${cols.map((k) => cell(r[k])).join(',')}\n`);
    if (piece.length >= rowsPerChunk) {
      yield piece.join('');
      piece = [];
    }
  }
  if (piece.length > 0) yield piece.join('');
}

/** A metric result as CSV pieces, the same for the CLI and the API. */
export const metricCsvChunks = (r: MetricResult) =>
  csvChunks(
    r.columns.map((c) => c.name),
    r.rows,
  );

/** A metric result as one CSV string (small results; exports use metricCsvChunks). */
export function metricCsv(r: MetricResult): string {
  return [...metricCsvChunks(r)].join('');
}
