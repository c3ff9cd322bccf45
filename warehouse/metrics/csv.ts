import { rowCell, type CsvColumnOptions } from '../csv-cell.ts';
import type { MetricRow } from './definition.ts';
import { csvValue, valueTypeOf } from './column-values.ts';
import type { MetricResult } from './run.ts';

/**
 * Rows as CSV text in pieces (header first, then a piece per `rowsPerChunk` rows, every line
 * ended by a newline as csvTable ends them; RFC 4180 cells, nested values as JSON, `money` columns to
 * the cent): an export is
 * written or sent as it is produced, never held as one string. Joined, it is csvTable's text.
 */
export function* csvChunks<R extends object>(
  cols: readonly (keyof R & string)[],
  rows: Iterable<R>,
  rowsPerChunk = 1000,
  o: CsvColumnOptions = {},
): Generator<string> {
  const cell = rowCell(o);
  yield `${cols.join(',')}\n`;
  let piece: string[] = [];
  for (const r of rows) {
    piece.push(`${cols.map((k) => cell(k, r[k])).join(',')}\n`);
    if (piece.length >= rowsPerChunk) {
      yield piece.join('');
      piece = [];
    }
  }
  if (piece.length > 0) yield piece.join('');
}

/**
 * A metric result as CSV pieces, the same for the CLI and the API: each value formatted by its
 * column's type (column-values.ts: money "1234.50", not the engine's "1234.5"; an ECL to the cent,
 * not a float's nine decimals; ratios to 6 decimals).
 */
export function metricCsvChunks(r: MetricResult): Generator<string> {
  const columns = r.columns.map((c) => ({ name: c.name, format: csvValue[valueTypeOf(c)] }));
  function* formatted(): Generator<MetricRow> {
    for (const row of r.rows) {
      const out: MetricRow = {};
      for (const c of columns) {
        const v = row[c.name];
        out[c.name] = v === null || v === undefined ? null : c.format(v);
      }
      yield out;
    }
  }
  return csvChunks(
    columns.map((c) => c.name),
    formatted(),
  );
}

/** A metric result as one CSV string (small results; exports use metricCsvChunks). */
export function metricCsv(r: MetricResult): string {
  return [...metricCsvChunks(r)].join('');
}
