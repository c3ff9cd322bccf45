import { addDays } from '../../lib/dates.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';

/** Days without any row between the data and a load that are taken as a weekend and a holiday, not missing files. */
export const quietDays = 3;

export interface LoadGap {
  /** the data's last day before the load */
  data_ended: string;
  /** the last payment, file action or event day of the load */
  load_reaches: string;
  /** the days between the two without their files after the load: no payment, file action or event, or only a few payments dated back (daysWithoutFiles) */
  days_without_rows: string[];
}

/**
 * A load that reaches days past the day the data ended before it, with more than quietDays between
 * them that have no row at all (a daily run that skipped days: review 2026-12-06 loaded 07-03 right
 * after 06-27) — the month-end and the case lists built before the missing files arrive count their
 * payments as unpaid. A day's late rows (payments arriving two days late) do not hide the days
 * without any (daysWithoutFiles). Told, not refused: the files themselves are good,
 * and missing days' files loaded afterwards end where a full load does.
 */
export async function loadGap(wh: Warehouse, dataEnded: string | null): Promise<LoadGap | null> {
  if (!dataEnded) return null;
  // the load's rows per day, payments apart: every row dated after the data ended is the load's
  const perDay = await queryRows<{ day: string; payments: string; others: string }>(
    wh,
    `SELECT toString(d) AS day, toString(countIf(k = 0)) AS payments, toString(countIf(k = 1)) AS others FROM (
      SELECT paid_date AS d, 0 AS k FROM ${tableRef(wh, 'payments')} WHERE paid_date > {from:Date}
      UNION ALL SELECT action_date, 1 FROM ${tableRef(wh, 'collection_actions')} WHERE source = 'file' AND action_date > {from:Date}
      UNION ALL SELECT event_date, 1 FROM ${tableRef(wh, 'loan_events')} WHERE event_date > {from:Date})
    GROUP BY d ORDER BY d`,
    { from: dataEnded },
  );
  const last = perDay.at(-1)?.day;
  if (!last || last <= addDays(dataEnded, quietDays + 1)) return null;
  const empty = daysWithoutFiles(
    perDay.map((r) => ({ day: r.day, payments: Number(r.payments), others: Number(r.others) })),
    dataEnded,
    last,
  );
  return empty.length > quietDays ? { data_ended: dataEnded, load_reaches: last, days_without_rows: empty } : null;
}

/** a day with only payments, fewer than this share of the load's usual day's, is taken as late payments, not the day's files */
export const lateShareOfDay = 0.25;

/**
 * The days strictly between `from` and `to` without their files, from the load's rows per day. A day
 * with a collection action or a loan event has its files; a day with payments alone has them when it
 * has at least a quarter of the payments of the load's usual day (the upper median of its days with
 * payments) — a few payments dated back into the gap, loaded with a later day's files (a day's
 * payments arriving two days late: review 2026-12-07 loaded 07-08 straight after 07-03, and one late
 * payment dated 07-06 left 3 empty days, a weekend's, so no word). The median, not the busiest day:
 * payments cluster on due dates, and a catch-up load of complete files with one busy due date
 * must not call its quieter days missing.
 */
export function daysWithoutFiles(
  perDay: readonly { day: string; payments: number; others: number }[],
  from: string,
  to: string,
): string[] {
  const paying = perDay
    .map((d) => d.payments)
    .filter((n) => n > 0)
    .sort((a, b) => a - b);
  const usual = paying[Math.floor(paying.length / 2)] ?? 0;
  const enough = Math.max(1, Math.ceil(usual * lateShareOfDay));
  const withFiles = new Set(perDay.filter((d) => d.others > 0 || d.payments >= enough).map((d) => d.day));
  const empty: string[] = [];
  for (let d = addDays(from, 1); d < to; d = addDays(d, 1)) if (!withFiles.has(d)) empty.push(d);
  return empty;
}

/** the warning's words */
export const loadGapWords = (g: LoadGap) => {
  const n = g.days_without_rows.length;
  const days = n > 4 ? `${g.days_without_rows[0]} … ${g.days_without_rows[n - 1]}` : g.days_without_rows.join(', ');
  return `the data ended on ${g.data_ended} and this load reaches ${g.load_reaches}: ${n} days between have no payment, action or event, or only a few payments dated back (${days}) — if their files are missing, load them before the next snapshot`;
};
