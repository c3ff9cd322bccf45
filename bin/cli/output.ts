import Table from 'cli-table3';
import { rowCell, type CsvColumnOptions } from '../../warehouse/csv-cell.ts';
import { visibleControls } from './visible-controls.ts';

/** Where a command writes its result (stdout); logs and progress go to stderr. */
export interface Output {
  /** one line of text */
  line(text: string): void;
  /** a chunk, resolved once the stream can take more (large CSV/JSON never sits in memory whole) */
  write(chunk: string): Promise<void>;
}

export const processOutput: Output = {
  line: (text) => {
    process.stdout.write(`${text}\n`);
  },
  write: (chunk) =>
    new Promise((resolve) => {
      if (process.stdout.write(chunk)) resolve();
      else process.stdout.once('drain', resolve);
    }),
};

/** How a table column is shown to a person: ratios as percentages, money with separators. */
export type ColumnFormat = 'text' | 'pct' | 'money' | 'int' | 'num';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** Any value as text for a person: primitives as they print, anything else as JSON. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  // undefined for a function or a symbol, whatever lib.d.ts says
  const json = JSON.stringify(v) as string | undefined;
  return json ?? '';
}

export function formatCell(v: unknown, format: ColumnFormat): string {
  if (v === null || v === undefined || v === '') return '';
  if (format === 'text' || (typeof v !== 'number' && (typeof v !== 'string' || !Number.isFinite(Number(v)))))
    return textOf(v);
  const n = Number(v);
  if (format === 'pct') return `${(100 * n).toFixed(2)}%`;
  if (format === 'money') return money.format(n);
  if (format === 'int') return integer.format(n);
  return decimal.format(n);
}

export interface TableColumn<R> {
  header: string;
  value: (row: R) => unknown;
  format?: ColumnFormat;
}

/** The first `limit` rows as a boxed table; when there are more, one line says so and how to get them all. */
export function printTable<R>(
  out: Output,
  rows: readonly R[],
  columns: readonly TableColumn<R>[],
  o: { limit?: number; total?: number } = {},
) {
  const limit = o.limit ?? 50;
  const total = o.total ?? rows.length;
  if (total === 0) {
    out.line('(no rows)');
    return;
  }
  const numeric = (f?: ColumnFormat) => f !== undefined && f !== 'text';
  const table = new Table({
    head: columns.map((c) => c.header),
    style: { head: [], border: [], compact: true },
    // no rule between rows: a long list stays readable in a terminal
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: columns.map((c) => (numeric(c.format) ? 'right' : 'left')),
  });
  for (const r of rows.slice(0, limit))
    table.push(columns.map((c) => visibleControls(formatCell(c.value(r), c.format ?? 'text'))));
  out.line(table.toString());
  const shown = Math.min(limit, rows.length);
  if (total > shown) out.line(`showing ${shown} of ${total}; use --format csv (or json) for all`);
}

/** Rows as RFC 4180 CSV, written in chunks; a nested value is one JSON cell, `money` columns to the cent. */
export async function writeCsv<R extends object>(
  out: Output,
  cols: readonly (keyof R & string)[],
  rows: Iterable<R> | AsyncIterable<R>,
  o: CsvColumnOptions = {},
) {
  const cell = rowCell(o);
  let chunk = `${cols.join(',')}\n`;
  for await (const r of rows) {
    chunk += `${cols.map((k) => cell(k, r[k])).join(',')}\n`;
    if (chunk.length > 65_536) {
      await out.write(chunk);
      chunk = '';
    }
  }
  if (chunk) await out.write(chunk);
}

/** Rows as one JSON array, written in chunks. */
export async function writeJson(out: Output, rows: Iterable<unknown> | AsyncIterable<unknown>) {
  let chunk = '[';
  let first = true;
  for await (const r of rows) {
    chunk += `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
    first = false;
    if (chunk.length > 65_536) {
      await out.write(chunk);
      chunk = '';
    }
  }
  await out.write(`${chunk}${first ? '' : '\n'}]\n`);
}
