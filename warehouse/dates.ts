/** A real calendar date written YYYY-MM-DD (2024-02-30 and 2024-13-45 are not). */
export function isCalendarDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/** Inside ClickHouse's Date range, so a bound {x:Date} parameter cannot fail in the engine. */
export const isEngineDate = (d: string) => isCalendarDate(d) && d >= '1970-01-01' && d <= '2149-06-06';
