import { addDays } from '../../lib/dates.ts';

/**
 * What a recorded promise to pay must say, beyond the file contract's per-field rules (which a
 * file's historical rows keep to: loaded history is not refused for a promise made years ago). A
 * person recording today's contact is held to more, because each of these slipped through and then
 * counted against someone:
 * - a promise to pay names an amount above zero and a date: without them it showed as an open promise
 *   of "0.00 @ <the contact date>", judged broken at once (promise KPIs, the collector's incentives);
 * - the promised date is on or after the contact date (a date before it is broken the moment it is
 *   recorded) and within the window (LOANWATCH_PROMISE_MAX_DAYS, read with the configuration at
 *   start-up: warehouse/config.ts; default 60 days: two monthly pay cycles, the longest a bank
 *   usually accepts as a promise before it is a restructuring; a date such as 2099-12-31 kept a loan
 *   "promised" for good, which holds back escalation);
 * - other outcomes carry no promise fields: an amount on a "no contact" would read as a promise.
 * (A contact before the loan's origination is refused by the ingest's own rule, beforeOriginationSelect.)
 */

export interface TypedAction {
  outcome: string;
  action_date: string;
  /** null when the row has none */
  promised_amount: number | null;
  promised_date: string | null;
}

/** Each broken term as `{ field, message }` (none: the action may be recorded). */
export function promiseTermProblems(a: TypedAction, o: { windowDays: number }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (a.outcome !== 'promise_to_pay') {
    if (a.promised_amount !== null)
      problems.push({ field: 'promised_amount', message: 'only a promise to pay (promise_to_pay) names an amount' });
    if (a.promised_date !== null)
      problems.push({ field: 'promised_date', message: 'only a promise to pay (promise_to_pay) names a date' });
    return problems;
  }
  if (a.promised_amount === null)
    problems.push({ field: 'promised_amount', message: 'missing: a promise to pay names an amount' });
  else if (!(a.promised_amount > 0)) problems.push({ field: 'promised_amount', message: 'must be more than 0' });
  const latest = addDays(a.action_date, o.windowDays);
  if (a.promised_date === null)
    problems.push({ field: 'promised_date', message: 'missing: a promise to pay names a date' });
  else if (a.promised_date < a.action_date)
    problems.push({ field: 'promised_date', message: `before the contact date ${a.action_date}` });
  else if (a.promised_date > latest)
    problems.push({
      field: 'promised_date',
      message: `more than ${o.windowDays} days after the contact date (at the latest ${latest})`,
    });
  return problems;
}
