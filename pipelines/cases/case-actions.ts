import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { forLoanSet } from '../../warehouse/loan-set.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';

/** A case's collection history as the list shows it. */
export interface CaseActions {
  /** the team of the loan's latest action ('' without one) */
  team: string;
  /** the last three actions, latest first: date, channel, outcome */
  contacts: [string, string, string][];
  /** promises not yet due on the date (promised date ≥ the date): date, amount */
  promises: [string, number][];
}

/** A loan's collection team: the team of its latest action (on or before the date the query bounds). Cases and warnings both use it. */
export const latestTeamSql = 'argMax(team, (action_date, action_id))';

/**
 * Team, last contacts and open promises of the given loans from their actions on or before the date.
 * Read for the list's loans only, after the list is known: joined into every part's statement, the
 * same aggregate over every loan of the part with an action was 60 % of the statement.
 */
export async function caseActions(
  wh: Warehouse,
  asOf: string,
  loanIds: readonly string[],
): Promise<Map<string, CaseActions>> {
  const out = new Map<string, CaseActions>();
  const date = param(asOf, 'Date');
  await forLoanSet(wh, loanIds, async (loans) => {
    const rows = await querySql<CaseActions & { loan_id: string }>(
      wh,
      sql`SELECT loan_id, ${trusted(latestTeamSql)} AS team,
           -- sorted and filtered as dates, text made only of what is kept
           arrayMap(x -> (toString(x.1), toString(x.3), toString(x.4)),
             arraySlice(arrayReverseSort(x -> (x.1, x.2), groupArray((action_date, action_id, channel, outcome))), 1, 3)) AS contacts,
           arrayMap(x -> (toString(x.1), x.2), arrayFilter(x -> x.1 >= ${date},
             groupArrayIf((ifNull(promised_date, action_date), toFloat64(ifNull(promised_amount, 0))), outcome = 'promise_to_pay'))) AS promises
         FROM ${trusted(tableRef(wh, 'collection_actions'))}
         WHERE action_date <= ${date} AND loan_id IN (${loans})
         GROUP BY loan_id`,
    );
    for (const { loan_id, ...r } of rows) out.set(loan_id, r);
  });
  return out;
}
