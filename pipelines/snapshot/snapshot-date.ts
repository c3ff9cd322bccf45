import { monthEndOf } from '../../lib/dates.ts';
import { UserError } from '../../lib/user-error.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { dataLastDate, isPastData, lagDaysOf, pastDataWords } from '../../warehouse/data-horizon.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { lastCompletedRun } from './run-ledger.ts';
import { lastMonthEnd } from './build-snapshots.ts';

/** A snapshot date that would build nothing true, or undo a later snapshot unasked: exit 2, nothing rebuilt. */
export class SnapshotDateError extends UserError {}

/**
 * Refuses, before anything is rebuilt, the snapshot dates a typo gives: a month-end before the
 * first loan (a rebuild with nothing in it: the month-end rows would be gone), a month-end after
 * the month the loaded data ends in (every installment due since would count as unpaid, as `dpd`
 * refuses), and — without `full` — a month-end before the last run's (the later month-ends would be
 * dropped). The month the data ends in is built as its files stand (a day's files before the
 * month-end are the daily run's case).
 */
export async function assertSnapshotDate(wh: Warehouse, asOf: string, o: { full: boolean }): Promise<void> {
  const me = lastMonthEnd(asOf);
  const last = await dataLastDate(wh);
  if (!last) throw new SnapshotDateError('no loans loaded yet: run `loanwatch ingest` first');
  const [first] = await queryRows<{ d: string }>(
    wh,
    // an empty table's min() is 1970-01-01: the other table's first month then decides
    `SELECT toString(least(
      (SELECT if(count() = 0, toDate('2149-06-06'), min(origination_date)) FROM ${tableRef(wh, 'loans')}),
      (SELECT if(count() = 0, toDate('2149-06-06'), min(as_of_month)) FROM ${tableRef(wh, 'performance')}))) AS d`,
  );
  const firstMonthEnd = first ? monthEndOf(first.d) : me;
  if (isPastData(wh, me, last))
    throw new SnapshotDateError(
      `--as-of ${asOf} builds month-end ${me}, ${pastDataWords(wh, me, last)}: installments due since would count as unpaid`,
      {
        hint:
          lastMonthEnd(last) < firstMonthEnd
            ? firstMonthEndHint(wh, firstMonthEnd, last)
            : `use --as-of ${last} (the data's last day: the month-ends before it are built) or load the newer files first; a month-end is closed once the files reach within ${lagDaysOf(wh)} days of it (a book with longer spells without any row sets LOANWATCH_DATA_LAG_DAYS)`,
      },
    );
  if (me < firstMonthEnd)
    throw new SnapshotDateError(
      `--as-of ${asOf} is before the first month-end of the data (${firstMonthEnd}, the first loan's month): there is nothing to snapshot`,
      { hint: firstMonthEndHint(wh, firstMonthEnd, last) },
    );
  const run = await lastCompletedRun(wh);
  if (run && me < run.lastMonthEnd && !o.full)
    throw new SnapshotDateError(
      `--as-of ${asOf} is before the last snapshot's month-end ${run.lastMonthEnd}: rebuilding to it drops the later month-ends`,
      { hint: 'pass --full to rebuild to that date anyway' },
    );
}

/**
 * Where a snapshot can start: the data's last day (its month's end may be past the data, refused
 * above: the month-ends before it are built) — unless the data has not reached its first month-end
 * by then, when that date is refused the same way: the first month-end itself once the files reach
 * within the lag of it, else the files through it first.
 */
function firstMonthEndHint(wh: Warehouse, firstMonthEnd: string, last: string): string {
  if (lastMonthEnd(last) >= firstMonthEnd)
    return `use --as-of ${last} (the data's last day: the month-ends before it are built) or a month-end from ${firstMonthEnd}`;
  if (!isPastData(wh, firstMonthEnd, last))
    return `use --as-of ${firstMonthEnd} (the first month-end: the data's last day ${last} is within ${lagDaysOf(wh)} days of it)`;
  return `the data ends on ${last}, before its first month-end ${firstMonthEnd}: load the files through that month-end first (the daily commands, e.g. \`loanwatch dpd --as-of ${last}\`, work before it)`;
}
