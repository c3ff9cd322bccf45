import { monthEndOf } from '../lib/dates.ts';
import { UserError } from '../lib/user-error.ts';
import { queryRows, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { requestMemo } from './request-memo.ts';

/**
 * The last day the loaded data speaks for: the latest payment, action, event, origination or tape
 * month of the loaded files. A date after it would count every installment falling due since as
 * unpaid, because the payments that settle them are not loaded yet. An outcome a user recorded
 * (console or API: `source` not `file`) does not move it — one collector's action, or a mistyped
 * date of it, would move every user's day. Null when nothing is loaded (no tape either: the last day
 * of the month of an empty table's zero date is no date of the data).
 */
export async function dataLastDate(wh: Warehouse): Promise<string | null> {
  const [r] = await queryRows<{ d: string }>(
    wh,
    `SELECT toString(greatest(
      (SELECT max(paid_date) FROM ${tableRef(wh, 'payments')}),
      (SELECT max(action_date) FROM ${tableRef(wh, 'collection_actions')} WHERE source = 'file'),
      (SELECT max(event_date) FROM ${tableRef(wh, 'loan_events')}),
      (SELECT max(origination_date) FROM ${tableRef(wh, 'loans')}),
      (SELECT if(count() = 0, toDate(0), toLastDayOfMonth(max(as_of_month))) FROM ${tableRef(wh, 'performance')}))) AS d`,
  );
  return !r || r.d === '1970-01-01' ? null : r.d;
}

/** A date past what the loaded data speaks for. */
export class PastTheDataError extends UserError {}

/**
 * Refuses a state on a date after the month the loaded data ends in (dataLastDate's month, the
 * snapshot's own limit): every installment due since would count as unpaid — a list of loans that
 * are not late (a year on, every active loan). Within that month a day's files may still be
 * coming, and a small book's last payment can be days before its files' date. `label` names the
 * date in the message.
 */
export async function assertWithinData(wh: Warehouse, date: string, label: string): Promise<void> {
  const last = await dataLastDate(wh);
  if (!last) throw new PastTheDataError('no loans loaded yet: run `loanwatch ingest` first');
  if (date > monthEndOf(last))
    throw new PastTheDataError(
      `${label} ${date} is after the month the data ends in (its last day ${last}): installments due since would count as unpaid (load the newer files first)`,
    );
}

export class NoSnapshotError extends UserError {}

/**
 * The latest month-end of the snapshot (loan_month), or null before the first snapshot: the one
 * place "the latest month-end" is asked (metrics, cases, reports, features, bureau, score).
 */
export function lastSnapshotMonthEnd(wh: Warehouse): Promise<string | null> {
  // once per HTTP request (request-memo.ts): a dashboard view runs a dozen metrics, each checked against it
  return requestMemo(wh, 'last-snapshot-month-end', async () => {
    const [r] = await queryRows<{ me: string }>(
      wh,
      `SELECT toString(max(month_end)) AS me FROM ${tableRef(wh, 'loan_month')}`,
    );
    return !r || r.me === '1970-01-01' ? null : r.me;
  });
}

/** lastSnapshotMonthEnd for steps that need a snapshot: before the first one, says what to run. */
export async function requireSnapshotMonthEnd(wh: Warehouse): Promise<string> {
  const last = await lastSnapshotMonthEnd(wh);
  if (!last) throw new NoSnapshotError('no snapshot yet: run `loanwatch snapshot --as-of …` first');
  return last;
}

/** The first month-end of the snapshot (loan_month), or null before the first snapshot. */
export function firstSnapshotMonthEnd(wh: Warehouse): Promise<string | null> {
  // once per HTTP request, as the last one: a dashboard's metrics each check their period against it
  return requestMemo(wh, 'first-snapshot-month-end', async () => {
    const [r] = await queryRows<{ me: string; n: string }>(
      wh,
      `SELECT toString(min(month_end)) AS me, toString(count()) AS n FROM (SELECT month_end FROM ${tableRef(wh, 'loan_month')} ORDER BY month_end LIMIT 1)`,
    );
    return r && r.n !== '0' ? r.me : null;
  });
}
