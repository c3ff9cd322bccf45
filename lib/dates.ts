/** A real calendar date written YYYY-MM-DD (2024-02-30 and 2024-13-45 are not). */
export function isCalendarDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/** Inside ClickHouse's Date range, so a bound {x:Date} parameter cannot fail in the engine. */
export const isEngineDate = (d: string) => isCalendarDate(d) && d >= '1970-01-01' && d <= '2149-06-06';

/** Month-end of any date in a month (periods are whole months). */
export function monthEndOf(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The month-end `k` months after (k < 0: before) the month of `date`. */
export const addMonthEnds = (date: string, k: number) =>
  monthEndOf(
    new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + k, 1)).toISOString().slice(0, 10),
  );
