/** One CSV cell (RFC 4180): NULL is empty; a value with a quote, comma or line break is quoted. */
export type Cell = string | number | null;

const needsQuote = /[",\n\r]/;
export function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return needsQuote.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
