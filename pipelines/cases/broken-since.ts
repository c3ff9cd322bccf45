import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';

/**
 * Per loan of the part, its promises whose deadline (promised date + 3 days) fell after the scored
 * month-end and before the date with less paid from the promise to the deadline than promised
 * (ScoreUpdateInput.brokenPromises). A fresh snapshot's collection_facts holds each promise's
 * deadline and what was paid in that window (promise_paid): read there, ordered by action date, at
 * a few hundredths of a second a part. Otherwise (files loaded since the snapshot) the same from the
 * actions and the payments of their loans, which cost ten times that — as for the loans whose
 * promises were recorded, corrected or withdrawn in the console or the API since the snapshot.
 */
export function brokenSinceSql(
  wh: Warehouse,
  /** `through`: the last day whose payments are loaded (judgedThrough): a deadline after it is not judged yet */
  o: {
    asOf: Param;
    scoreMe: Param;
    through: Param;
    factsFresh: boolean;
    part: LoanPart;
    /**
     * with factsFresh: the loans with a promise recorded, corrected or withdrawn in the console or
     * the API since the snapshot (loansWithPromisesSinceSnapshot): its facts do not hold them as
     * stored, so they are judged from the actions
     */
    changedLoans: readonly string[];
  },
): Sql {
  const is = inLoanPart('loan_id', o.part);
  if (!o.factsFresh) return fromActions(wh, o, is);
  const changed = param(o.changedLoans, 'Array(String)');
  const fromFacts = sql`SELECT loan_id, countIf(promise_paid < ifNull(promised_amount, 0)) AS broken
      FROM ${trusted(tableRef(wh, 'collection_facts'))}
      WHERE outcome = 'promise_to_pay' AND action_date <= ${o.asOf} AND promise_due > ${o.scoreMe} AND promise_due < ${o.asOf} AND promise_due <= ${o.through} AND ${is}
        AND loan_id NOT IN ${changed}
      GROUP BY loan_id`;
  if (o.changedLoans.length === 0) return fromFacts;
  return sql`${fromFacts} UNION ALL ${fromActions(wh, o, sql`${is} AND loan_id IN ${changed}`)}`;
}

function fromActions(wh: Warehouse, o: { asOf: Param; scoreMe: Param; through: Param }, is: Sql): Sql {
  const deadline = trusted('(ifNull(promised_date, action_date) + 3)');
  const due = sql`outcome = 'promise_to_pay' AND action_date <= ${o.asOf} AND ${deadline} > ${o.scoreMe} AND ${deadline} < ${o.asOf} AND ${deadline} <= ${o.through} AND ${is}`;
  const actions = trusted(tableRef(wh, 'collection_actions'));
  return sql`SELECT loan_id, countIf(paid < amount) AS broken FROM (
      SELECT pr.loan_id AS loan_id, pr.action_id AS action_id, any(pr.amount) AS amount,
        sumIf(toFloat64(p.amount), p.paid_date >= pr.action_date AND p.paid_date <= pr.deadline) AS paid
      FROM (SELECT loan_id, action_id, action_date, ${deadline} AS deadline, toFloat64(ifNull(promised_amount, 0)) AS amount
            FROM ${actions} WHERE ${due}) AS pr
      -- the payments of those loans only, before the date (a deadline is): the part's every payment was a third of the statement
      LEFT JOIN (SELECT loan_id, paid_date, amount FROM ${trusted(tableRef(wh, 'payments'))}
                 WHERE ${is} AND paid_date < ${o.asOf} AND loan_id IN (SELECT loan_id FROM ${actions} WHERE ${due})) AS p
        ON p.loan_id = pr.loan_id
      GROUP BY pr.loan_id, pr.action_id)
    GROUP BY loan_id`;
}
