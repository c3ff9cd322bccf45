import type { Warehouse } from '../../warehouse/connection.ts';
import { querySqlCompact } from '../../warehouse/compact-rows.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { forLoanSet } from '../../warehouse/loan-set.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { inLoanPart, wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';
import { handledLater } from '../../lib/handled-later.ts';
import { specGraceDays } from '../../warehouse/metrics/promise-sources.ts';

/** A case's collection history as the list shows it. */
export interface CaseActions {
  /** the team of the loan's latest action ('' without one) */
  team: string;
  /** the last three actions, latest first: by date, time of day, then id (contactOrder, reversed) */
  contacts: { date: string; channel: string; outcome: string }[];
  /** promises not yet due on the date (promised date ≥ the date) */
  promises: { date: string; amount: number }[];
  /**
   * the loan's latest promise (by action date, then action id) when it is still open on the date —
   * its deadline, promised date + the grace days, on or after the date —, else nothing: when it was
   * made (action date) and its id. At most one; a broken promise made before it does not escalate.
   */
  latest_open_promise: { made: string; action_id: string }[];
}

/**
 * A loan's collection team: the team of its latest action (on or before the date the query bounds), in
 * the recorded order of contactOrder (pipelines/collections/contact-rules.ts): date, time of day (an
 * unrecorded time, '', first), then id. Cases, warnings and the API's team scope all use it.
 */
export const latestTeamSql = 'argMax(team, (action_date, action_time, action_id))';

/**
 * Team, last contacts and open promises of the given loans from their actions on or before the date.
 * Read for the list's loans only, after the list is known: joined into every part's statement, the
 * same aggregate over every loan of the part with an action was 60 % of the statement.
 */
export async function caseActions(
  wh: Warehouse,
  asOf: string,
  loanIds: readonly string[],
  /**
   * ranges of loan ids read by one statement each, sent together (default: one): Node parses an
   * answer while the engine computes the next, so only the last one's parsing is left after the engine
   */
  parts: readonly LoanPart[] = [wholeBook],
  /** days after its promised date a promise is still open (latest_open_promise): the escalation's grace */
  graceDays: number = specGraceDays,
): Promise<Map<string, CaseActions>> {
  const out = new Map<string, CaseActions>();
  const date = param(asOf, 'Date');
  const grace = param(graceDays, 'UInt16');
  await forLoanSet(wh, loanIds, async (set) => {
    const answers = parts.map((part) => actionsOf(wh, date, grace, set, part));
    for (const answer of answers)
      for (const row of await answer)
        out.set(row.loan_id, {
          team: row.team,
          contacts: row.contacts.map(([date, channel, outcome]) => ({ date, channel, outcome })),
          promises: row.promises.map(([date, amount]) => ({ date, amount })),
          latest_open_promise: row.latest_open_promise.map(([made, action_id]) => ({ made, action_id })),
        });
  });
  return out;
}

/**
 * A loan's row as the engine sends it: each contact and promise a tuple (a JSON array), made into the
 * list's objects here. As named tuples (objects) the keys were a third of the answer — 16.3 MB for the
 * 80,535 cases of a month-end on the 1M bench book, 10.6 MB as arrays — and writing and reading the
 * answer took twice as long as computing it.
 */
interface ActionsRow {
  loan_id: string;
  team: string;
  contacts: [date: string, channel: string, outcome: string][];
  promises: [date: string, amount: number][];
  latest_open_promise: [made: string, action_id: string][];
}

function actionsOf(wh: Warehouse, date: Param, grace: Param, loans: Sql, part: LoanPart) {
  const ca = trusted(tableRef(wh, 'collection_actions'));
  // the range on the table itself: ordered by loan id, each statement reads its own granules
  const inPart = inLoanPart('loan_id', part);
  return handledLater(
    querySqlCompact<ActionsRow>(
      wh,
      sql`SELECT loan_id, lwq_c.team AS team, lwq_c.contacts AS contacts, lwq_p.promises AS promises,
           lwq_p.latest_open_promise AS latest_open_promise
         -- each loan's last three actions, read in the table's order backwards and cut per loan, not gathered whole
         -- (the latest, whose team is the loan's, is among them); a loan without a promise joins empty arrays
         FROM (SELECT loan_id, ${trusted(latestTeamSql)} AS team,
                 arrayMap(x -> (toString(x.1), toString(x.4), toString(x.5)),
                   arrayReverseSort(x -> (x.1, x.2, x.3), groupArray((action_date, action_time, action_id, channel, outcome)))) AS contacts
               -- latest first in contactOrder's order (date, time of day with '' the earliest, id): the cut, the
               -- contacts' order and the team all by it
               FROM (SELECT loan_id, action_date, action_time, action_id, channel, outcome, team FROM ${ca}
                     WHERE ${inPart} AND action_date <= ${date} AND loan_id IN (${loans})
                     ORDER BY loan_id DESC, action_date DESC, action_time DESC, action_id DESC LIMIT 3 BY loan_id)
               GROUP BY loan_id) AS lwq_c
         -- promises not yet due, in the order they were made; the latest promise when its deadline has not passed
         -- (an empty array otherwise: the answer grows only for the loans that have one). The loans' promises are
         -- in the granules their actions are in: reading them all, not the open ones only, reads no more
         LEFT JOIN (SELECT loan_id, arrayMap(x -> (toString(x.3), x.4), arraySort(x -> (x.1, x.2),
                      groupArrayIf((action_date, action_id, ifNull(promised_date, action_date), toFloat64(ifNull(promised_amount, 0))),
                        ifNull(promised_date, action_date) >= ${date}))) AS promises,
                      arrayMap(x -> (toString(x.1), x.2),
                        arrayFilter(x -> x.3 >= ${date}, [argMax((action_date, action_id, addDays(ifNull(promised_date, action_date), ${grace})),
                          (action_date, action_id))])) AS latest_open_promise
                    FROM ${ca}
                    WHERE ${inPart} AND action_date <= ${date} AND outcome = 'promise_to_pay' AND loan_id IN (${loans})
                    GROUP BY loan_id) AS lwq_p ON lwq_p.loan_id = lwq_c.loan_id`,
      { join_use_nulls: 0 },
    ),
  );
}
