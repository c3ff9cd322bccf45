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
  /** the days between the two with no payment, file action or event at all, after the load */
  days_without_rows: string[];
}

/**
 * A load that reaches days past the day the data ended before it, with more than quietDays between
 * them that have no row at all (a daily run that skipped days: review 2026-12-06 loaded 07-03 right
 * after 06-27) — the month-end and the case lists built before the missing files arrive count their
 * payments as unpaid. A day's late rows (payments arriving two days late) do not hide the days
 * without any: a day with less than a quarter of the load's busiest day counts as without its files
 * (a weekly load has its days' rows). Told, not refused: the files themselves are good,
 * and missing days' files loaded afterwards end where a full load does.
 */
export async function loadGap(wh: Warehouse, dataEnded: string | null, ingestId: string): Promise<LoadGap | null> {
  if (!dataEnded) return null;
  const [reach] = await queryRows<{ d: string }>(
    wh,
    `SELECT toString(max(d)) AS d FROM (
      SELECT paid_date AS d FROM ${tableRef(wh, 'payments')} WHERE ingest_id = {id:String}
      UNION ALL SELECT action_date FROM ${tableRef(wh, 'collection_actions')} WHERE ingest_id = {id:String} AND source = 'file'
      UNION ALL SELECT event_date FROM ${tableRef(wh, 'loan_events')} WHERE ingest_id = {id:String})`,
    { id: ingestId },
  );
  const last = reach?.d;
  if (!last || last <= addDays(dataEnded, quietDays + 1)) return null;
  // the load's rows per day (every row dated after the data ended is the load's): its own day's files
  // against a few late rows dated back into the gap (a day's payments arriving two days late, loaded
  // with the next day's files: review 2026-12-07 loaded 07-08 straight after 07-03, and one late
  // payment dated 07-06 left 3 empty days — a weekend's — so no word). A weekly load has its days' rows.
  const perDay = await queryRows<{ day: string; n: string }>(
    wh,
    `SELECT toString(d) AS day, toString(count()) AS n FROM (
      SELECT paid_date AS d FROM ${tableRef(wh, 'payments')} WHERE paid_date > {from:Date} AND paid_date <= {to:Date}
      UNION ALL SELECT action_date FROM ${tableRef(wh, 'collection_actions')} WHERE source = 'file' AND action_date > {from:Date} AND action_date <= {to:Date}
      UNION ALL SELECT event_date FROM ${tableRef(wh, 'loan_events')} WHERE event_date > {from:Date} AND event_date <= {to:Date})
    GROUP BY d`,
    { from: dataEnded, to: last },
  );
  const busiest = Math.max(0, ...perDay.map((r) => Number(r.n)));
  const enough = Math.max(1, Math.ceil(busiest * lateShareOfDay));
  const withRows = new Set(perDay.filter((r) => Number(r.n) >= enough).map((r) => r.day));
  const empty: string[] = [];
  for (let d = addDays(dataEnded, 1); d < last; d = addDays(d, 1)) if (!withRows.has(d)) empty.push(d);
  return empty.length > quietDays ? { data_ended: dataEnded, load_reaches: last, days_without_rows: empty } : null;
}

/** a day with fewer rows than this share of the load's busiest day is taken as late rows only, not the day's files */
export const lateShareOfDay = 0.25;

/** the warning's words */
export const loadGapWords = (g: LoadGap) => {
  const n = g.days_without_rows.length;
  const days = n > 4 ? `${g.days_without_rows[0]} … ${g.days_without_rows[n - 1]}` : g.days_without_rows.join(', ');
  return `the data ended on ${g.data_ended} and this load reaches ${g.load_reaches}: ${n} days between have no payment, action or event (${days}) — if their files are missing, load them before the next snapshot`;
};
