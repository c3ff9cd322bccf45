/**
 * Numbers written for people rather than programs: `1,169` (thousands separators) and `12%`. Read
 * as text they made an amount a categorical of 653 levels that the gate dropped, and a rate a
 * categorical. A column is read as numbers when every cell that is not a plain number or a missing
 * marker is written in one of these forms (a column mixing the two is not). The form is recorded
 * in the model's artifact (`numberFormats`), so `score --table` and `POST /v1/scores` read a
 * column's cells as training did.
 *
 * - `thousands`: commas grouping threes, `^-?\d{1,3}(,\d{3})+(\.\d+)?$`; the commas are dropped.
 *   A column where a comma is anything else (`1,5`, a decimal comma) is not converted, so a decimal
 *   comma is never read as a thousands separator. (A decimal-comma column whose every value has
 *   exactly three decimals cannot be told apart: it is read as thousands.)
 * - `percent`: a number with a trailing `%`, read **as written**, in percentage points: `12%` is
 *   12, and a plain `12` in the same column is 12 too. Dividing by 100 would make a column that
 *   writes the sign on some cells only (`0`, `12%`) read two scales, and the card's bin edges
 *   would no longer read as the file's values.
 */
export type NumberFormat = 'thousands' | 'percent';

const grouped = /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/u;
const percent = /^-?(?:\d+(?:\.\d*)?|\.\d+)\s?%$/u;

/**
 * A cell as a plain number: JavaScript's Number, less the literals it reads that a table never means
 * (0x10 read as 16, 0b101, 0o17: a code or a garbled cell scored as a plausible number).
 */
export function plainNumber(cell: string): number {
  const x = Number(cell);
  return radixLiteral.test(cell) ? Number.NaN : x;
}
const radixLiteral = /0[xXbBoO]/u;

/** The form of a cell that is a number but not a plain one, else null (a plain number included). */
export function writtenForm(cell: string): NumberFormat | null {
  if (grouped.test(cell)) return 'thousands';
  if (percent.test(cell)) return 'percent';
  return null;
}

/** A cell read as a number: plain, or in the column's form; NaN when it is neither. */
export function readNumber(cell: string, format?: NumberFormat): number {
  const x = cell === '' ? Number.NaN : plainNumber(cell);
  if (Number.isFinite(x) || !format) return x;
  if (format === 'thousands' && grouped.test(cell)) return Number(cell.replaceAll(',', ''));
  if (format === 'percent' && percent.test(cell)) return Number(cell.slice(0, cell.indexOf('%')).trim());
  return Number.NaN;
}

/**
 * The one form a column's cells are written in beyond plain numbers and missing markers, or null
 * when every cell is a plain number, a cell is not a number in any form, or the forms are mixed.
 */
export function columnNumberFormat(cells: Iterable<string>, isMissing: (cell: string) => boolean): NumberFormat | null {
  let found: NumberFormat | null = null;
  for (const v of cells) {
    if (isMissing(v) || Number.isFinite(plainNumber(v))) continue;
    const f = writtenForm(v);
    if (!f || (found && f !== found)) return null;
    found = f;
  }
  return found;
}

/** How the gate and the card describe a form (no value of the column quoted). */
export const formatNote: Record<NumberFormat, string> = {
  thousands: 'numbers written with thousands separators (1,234.5), read as numbers',
  percent: 'numbers written as percentages (12%), read as written in percentage points (12% → 12)',
};
