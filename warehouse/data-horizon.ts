import { addDays, epochDay } from '../lib/dates.ts';
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
export function dataLastDate(wh: Warehouse): Promise<string | null> {
  // once per HTTP request (request-memo.ts): a console queue shows it and its case list checks its date against it
  return requestMemo(wh, 'data-last-date', () => readDataLastDate(wh));
}

async function readDataLastDate(wh: Warehouse): Promise<string | null> {
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

/** A date before the loaded data's first day: an answer about it would be empty, not true. */
export class BeforeTheDataError extends UserError {}

/**
 * The first day the loaded data speaks for: the first loan's origination or the first tape
 * month's first day (as the snapshot's first month-end is judged). Null when nothing is loaded.
 */
export function dataFirstDate(wh: Warehouse): Promise<string | null> {
  // once per HTTP request, as the last day
  return requestMemo(wh, 'data-first-date', () => readDataFirstDate(wh));
}

async function readDataFirstDate(wh: Warehouse): Promise<string | null> {
  const [r] = await queryRows<{ d: string }>(
    wh,
    // an empty table's min() is 1970-01-01: the other table's first day then decides
    `SELECT toString(least(
      (SELECT if(count() = 0, toDate('2149-06-06'), min(origination_date)) FROM ${tableRef(wh, 'loans')}),
      (SELECT if(count() = 0, toDate('2149-06-06'), toStartOfMonth(min(as_of_month))) FROM ${tableRef(wh, 'performance')}))) AS d`,
  );
  return !r || r.d === '2149-06-06' ? null : r.d;
}

/**
 * Refuses a date before the data's first day (dataFirstDate): every list on it is empty, and an
 * empty list with exit 0 reads as an answer (a year typed 2019 for 2024). `label` is how the caller
 * names the date (`--as-of` on the CLI, `as_of` in the API); `shown` the date as the user gave it
 * when the check is made on another day of it (a month's last day for `--month 2019-01`).
 */
export async function assertNotBeforeData(
  wh: Warehouse,
  date: string,
  label: string,
  shown: string = date,
): Promise<void> {
  const first = await dataFirstDate(wh);
  if (!first) throw new PastTheDataError('no loans loaded yet: run `loanwatch ingest` first');
  if (date < first)
    throw new BeforeTheDataError(`${label} ${shown} is before the data's first day ${first}: there is nothing on it`);
}

/**
 * How many days past the data's last day a date may be, by default: a month-end whose last business
 * day fell before a weekend or a public holiday (春节 and 国庆 run a week) has no files for its last
 * days, and a small book has days without a payment. Beyond it a date counts every installment
 * falling due since as unpaid — a month-end closed on the 3rd's files put 81 % of a book overdue
 * (review 2026-12-06) — so `snapshot`, `cases`, `dpd` and every state on a date refuse it. A book
 * whose files go longer without any row sets LOANWATCH_DATA_LAG_DAYS (the warehouse carries it).
 */
export const defaultDataLagDays = 7;

/** the bound of this warehouse's connection (LOANWATCH_DATA_LAG_DAYS) */
export const lagDaysOf = (wh: Pick<Warehouse, 'dataLagDays'>) => wh.dataLagDays ?? defaultDataLagDays;

/** Whether `date` is past what the loaded data (its last day `last`) speaks for. */
export const isPastData = (wh: Pick<Warehouse, 'dataLagDays'>, date: string, last: string) =>
  date > addDays(last, lagDaysOf(wh));

/** the refusal's words: how far past the data's last day, and the bound */
export const pastDataWords = (wh: Pick<Warehouse, 'dataLagDays'>, date: string, last: string) =>
  `${epochDay(date) - epochDay(last)} days after the data's last day ${last} (at most ${lagDaysOf(wh)})`;

/**
 * Refuses a state on a date more than lagDaysOf(wh) days after the data's last day: every installment due
 * since would count as unpaid — a list of loans that are not late (a year on, every active loan). A
 * date before the data's first day is refused too (assertNotBeforeData). `label` names the date in
 * the message as the caller's user knows it (`--as-of`, `as_of`).
 */
export async function assertWithinData(
  wh: Warehouse,
  date: string,
  label: string,
  /** what a date past the data would do to the caller's answer (default: the DPD's unpaid installments) */
  pastWhy?: string,
): Promise<void> {
  await Promise.all([assertNotBeforeData(wh, date, label), assertNotAfterData(wh, date, label, date, pastWhy)]);
}

/** assertWithinData's bound after the data alone: for the start of a range, which may reach back before the data. */
export async function assertNotAfterData(
  wh: Warehouse,
  date: string,
  label: string,
  shown: string = date,
  why = 'installments due since would count as unpaid (load the newer files first)',
): Promise<void> {
  const last = await dataLastDate(wh);
  if (!last) throw new PastTheDataError('no loans loaded yet: run `loanwatch ingest` first');
  if (isPastData(wh, date, last))
    throw new PastTheDataError(
      `${label} ${shown} is ${pastDataWords(wh, date, last)}: ${why}`,
      // the date shown as a month (`--month 2024-08`) is answered with the data's month
      { hint: `use ${label} ${shown === date ? last : last.slice(0, shown.length)} or earlier` },
    );
}

/** Why a compliance period starting past the data's last day is refused: its actions are not loaded yet (no instalment is judged). */
export const contactsNotLoaded = 'the collection actions of the period are not loaded yet (load the newer files first)';

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

/**
 * The settings label (snapshot-settings.ts settingsLabel: grace days, DPD convention, bucket bounds)
 * the snapshot's rows of a month-end were computed with, or null without rows there.
 */
export async function snapshotSettingsAt(wh: Warehouse, monthEnd: string): Promise<string | null> {
  const [r] = await queryRows<{ settings: string }>(
    wh,
    `SELECT any(settings) AS settings FROM ${tableRef(wh, 'loan_month')} WHERE month_end = {me:Date}`,
    { me: monthEnd },
  );
  return r && r.settings !== '' ? r.settings : null;
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
