/**
 * Whether a cell is written as a date or a month, and in which form: the data-quality gate drops a
 * column whose values mostly are (quality-gate.ts). A month kept as a categorical put every row of a
 * new month in the riskiest bin, and a day was dropped as a categorical of too many levels with no
 * word of what it was. Forms: ISO days (`2023-01-15`, `/` or `.` between, a time after), ISO months
 * (`2023-01`), day and month either way round (`15/01/2023`, `01-15-23`), month and year
 * (`01/2023`), month names (`Jan-2015`, `15 Jan 2015`, `January 15, 2015`, and the `15-Dec` a
 * spreadsheet makes of `Dec-15`), Chinese (`2023年1月15日`, `2023年1月`) and compact digits
 * (`20230115`, `202301`). Each is checked as a calendar date (month 1–12, the day within its month,
 * years 1800–2199), so a range label (`10-20-30`) or a code is not taken for one.
 */

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1–12 for a month's English name or its three-letter (or `sept`) abbreviation, any case, else 0. */
function monthOf(word: string): number {
  const w = word.toLowerCase();
  const k = monthNames.findIndex((name) => name === w || name.slice(0, 3) === w || (w === 'sept' && name === 'september'));
  return k + 1;
}

const yearOk = (y: number) => y >= 1800 && y <= 2199;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const dayOk = (y: number, m: number, d: number) => yearOk(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
/** A two-digit year's century does not matter for a check of the day: a leap year stays one. */
const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

const time = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const isoDay = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${time}$`, 'u');
const isoMonth = /^(\d{4})[-/](\d{1,2})$/u;
const dayMonthYear = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})${time}$`, 'u');
const monthYear = /^(\d{1,2})\/(\d{4})$/u;
const namedMonthYear = /^(?:(\d{1,2})[-\s/])?([A-Za-z]{3,9})\.?[-\s/,]+(\d{4}|\d{2})$/u;
const namedMonthDayYear = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/u;
const dayNamedMonth = /^(\d{1,2})[-\s]([A-Za-z]{3,9})$/u;
const chinese = /^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?$/u;
const compact = /^(\d{4})(\d{2})(\d{2})?$/u;

/** The form a cell is written in when it is a date or a month (`YYYY-MM-DD`, `YYYY-MM`, …), else null. */
export function dateForm(cell: string): string | null {
  const v = cell.trim();
  let m = isoDay.exec(v);
  if (m) return dayOk(Number(m[1]), Number(m[3]), Number(m[4])) ? 'YYYY-MM-DD' : null;
  if ((m = isoMonth.exec(v))) return dayOk(Number(m[1]), Number(m[2]), 1) ? 'YYYY-MM' : null;
  if ((m = dayMonthYear.exec(v))) {
    const [a, b, y] = [Number(m[1]), Number(m[3]), fullYear(m[4]!)];
    return dayOk(y, b, a) || dayOk(y, a, b) ? 'DD/MM/YYYY or MM/DD/YYYY' : null;
  }
  if ((m = monthYear.exec(v))) return dayOk(Number(m[2]), Number(m[1]), 1) ? 'MM/YYYY' : null;
  if ((m = namedMonthYear.exec(v))) {
    const month = monthOf(m[2]!);
    return month && dayOk(fullYear(m[3]!), month, m[1] ? Number(m[1]) : 1) ? 'a month by name and a year' : null;
  }
  if ((m = namedMonthDayYear.exec(v))) {
    const month = monthOf(m[1]!);
    return month && dayOk(Number(m[3]), month, Number(m[2])) ? 'a month by name and a year' : null;
  }
  if ((m = dayNamedMonth.exec(v))) {
    const month = monthOf(m[2]!);
    return month && dayOk(2000, month, Number(m[1])) ? 'a day (or year) and a month by name' : null;
  }
  if ((m = chinese.exec(v))) return dayOk(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1) ? 'YYYY年M月' : null;
  if ((m = compact.exec(v)))
    return dayOk(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1) ? (m[3] ? 'YYYYMMDD' : 'YYYYMM') : null;
  return null;
}

/** At least this share of a column's non-missing cells written as dates makes it a date column. */
export const dateShare = 0.8;

/**
 * Whether values (each with its count of cells) are mostly dates: the share of the cells that are,
 * and their commonest form; null when below `dateShare`.
 */
export function dateColumn(values: Iterable<readonly [string, number]>): { share: number; form: string } | null {
  let cells = 0;
  let dated = 0;
  const forms = new Map<string, number>();
  for (const [v, k] of values) {
    cells += k;
    const f = dateForm(v);
    if (!f) continue;
    dated += k;
    forms.set(f, (forms.get(f) ?? 0) + k);
  }
  if (cells === 0 || dated < dateShare * cells) return null;
  const form = [...forms].sort((a, b) => b[1] - a[1])[0]![0];
  return { share: dated / cells, form };
}
