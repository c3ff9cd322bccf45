import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sql, trusted, type Sql } from '../../warehouse/sql.ts';

/**
 * The loans whose promises collection_facts does not hold as they are stored now, though no file was
 * loaded since the snapshot: a promise recorded in the console or the API since (a recorded action is
 * not an ingest, so the snapshot still reads fresh), corrected since (its date, deadline or amount
 * moved), or withdrawn since (its facts row has no action any more). A reader that takes promise
 * states from a fresh snapshot's facts judges these loans' promises from the actions instead. Only
 * recorded actions are compared on the actions' side (a file's rows are the snapshot's while it is
 * fresh); on the facts' side, the promises whose deadline is after `dueAfter` (the reader's window).
 */
export function promisesSinceSnapshotSql(wh: Pick<Warehouse, 'database'>, o: { dueAfter: Sql }): Sql {
  const actions = trusted(tableRef(wh, 'collection_actions'));
  const facts = trusted(tableRef(wh, 'collection_facts'));
  // one key per stored promise: the facts' deadline is the promised date (or the action's day) + 3 days
  const actionKey = trusted(
    '(action_id, action_date, addDays(ifNull(promised_date, action_date), 3), ifNull(toFloat64(promised_amount), -1))',
  );
  const factKey = trusted('(action_id, action_date, promise_due, ifNull(toFloat64(promised_amount), -1))');
  // each side compared with the other's rows of the same loans only: not every promise of the book
  const recorded = sql`SELECT loan_id FROM ${actions} WHERE outcome = 'promise_to_pay' AND source != 'file'`;
  const inWindow = sql`SELECT loan_id FROM ${facts} WHERE outcome = 'promise_to_pay' AND promise_due > ${o.dueAfter}`;
  return sql`
    SELECT loan_id FROM ${actions}
    WHERE outcome = 'promise_to_pay' AND source != 'file'
      AND ${actionKey} NOT IN (SELECT ${factKey} FROM ${facts} WHERE outcome = 'promise_to_pay' AND loan_id IN (${recorded}))
    UNION DISTINCT
    SELECT loan_id FROM ${facts}
    WHERE outcome = 'promise_to_pay' AND promise_due > ${o.dueAfter}
      AND ${factKey} NOT IN (SELECT ${actionKey} FROM ${actions} WHERE outcome = 'promise_to_pay' AND loan_id IN (${inWindow}))`;
}
