/**
 * One CSV cell (RFC 4180): NULL is empty; a value with a quote, comma or line break is quoted.
 * Text a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return,
 * e.g. a collector's note `=HYPERLINK(…)`) gets a leading `'` (OWASP's CSV-injection advice);
 * numbers, signed ones included, stay as they are.
 */
export type Cell = string | number | null;

const needsQuote = /[",\n\r]/;
const formulaStart = /^[=+\-@\t\r]/;
const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export function csvCell(v: Cell): string {
  if (v === null) return '';
  const raw = String(v);
  const s = typeof v === 'string' && formulaStart.test(raw) && !plainNumber.test(raw) ? `'${raw}` : raw;
  return needsQuote.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Rows as a CSV table in the given column order (header first). Every line ends with a newline,
 * the last one too: `wc -l` counts the rows, `cat a.csv b.csv` does not glue two rows together,
 * and readers that expect a terminated last record take it. A nested value (a list of reason
 * codes, contacts, evidence) is one JSON cell; a missing one is empty.
 */
export function csvTable<R extends object>(
  cols: readonly (keyof R & string)[],
  rows: readonly R[],
  o: CsvColumnOptions = {},
): string {
  const cell = rowCell(o);
  return [cols.join(','), ...rows.map((r) => cols.map((k) => cell(k, r[k])).join(','))].map((l) => `${l}\n`).join('');
}

export interface CsvColumnOptions {
  /** amounts: written to the cent ("1766100.00"), as the metrics and cases CSVs write money */
  money?: readonly string[];
}

/** A row's cell by its column: money to the cent, a nested value as one JSON cell, a missing one empty. */
export function rowCell(o: CsvColumnOptions): (column: string, v: unknown) => string {
  const money = new Set(o.money ?? []);
  return (column, v) =>
    csvCell(
      v === undefined || v === null
        ? null
        : typeof v === 'number' && money.has(column)
          ? v.toFixed(2)
          : typeof v === 'object'
            ? JSON.stringify(v)
            : (v as string | number),
    );
}
