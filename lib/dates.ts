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

/*
 * Calendar arithmetic without Date objects: the generator and the schedule call these millions of
 * times per book, and a Date construction plus toISOString per call was a third of a book's
 * generation. Proleptic Gregorian, years 0–9999 (what toISOString writes with four digits), the same
 * results as the Date-based forms (property-tested against them).
 */
const cumulativeDays = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in month `month0` (0 = January) of year `y`. */
export const daysInMonth = (y: number, month0: number) =>
  month0 === 1 ? (isLeapYear(y) ? 29 : 28) : month0 === 3 || month0 === 5 || month0 === 8 || month0 === 10 ? 30 : 31;

const two = (n: number) => (n < 10 ? `0${String(n)}` : String(n));
/** YYYY-MM-DD of a valid year (0–9999), month0 (0–11) and day. */
export const isoDateOf = (y: number, month0: number, day: number) =>
  `${String(y).padStart(4, '0')}-${two(month0 + 1)}-${two(day)}`;

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function epochDay(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m0 = Number(iso.slice(5, 7)) - 1;
  const d = Number(iso.slice(8, 10));
  // whole years since 1970 counted through the leap days before year y
  const yb = y - 1;
  const leapDaysBefore = Math.floor(yb / 4) - Math.floor(yb / 100) + Math.floor(yb / 400) - 477;
  return (y - 1970) * 365 + leapDaysBefore + cumulativeDays[m0]! + (m0 > 1 && isLeapYear(y) ? 1 : 0) + d - 1;
}

/** The YYYY-MM-DD date `n` days after 1970-01-01 (civil-from-days, H. Hinnant's algorithm). */
export function isoOfEpochDay(n: number): string {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m0 = mp < 10 ? mp + 2 : mp - 10;
  return isoDateOf(yoe + era * 400 + (m0 < 2 ? 1 : 0), m0, d);
}

/** The YYYY-MM-DD date `days` days after `iso` (before it when negative). */
export const addDays = (iso: string, days: number) => isoOfEpochDay(epochDay(iso) + days);

/** The date `months` months after `iso`, its day clamped to the month's last (ClickHouse addMonths). */
export function addMonthsClamped(iso: string, months: number): string {
  const m = Number(iso.slice(5, 7)) - 1 + months;
  const y = Number(iso.slice(0, 4)) + Math.floor(m / 12);
  const month0 = ((m % 12) + 12) % 12;
  return isoDateOf(y, month0, Math.min(Number(iso.slice(8, 10)), daysInMonth(y, month0)));
}

/** Now as the engine's DateTime64(3) text in UTC, 'YYYY-MM-DD hh:mm:ss.sss' (receipts' and audits' times). */
export const nowDateTime64Text = (): string => new Date().toISOString().replace('T', ' ').replace('Z', '');

/**
 * A moment's calendar day where the server runs (its TZ): the bank's day, which a contact recorded
 * now is dated by default (the console's form and the API's), as its time of day is local too.
 */
export const localDateOf = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
