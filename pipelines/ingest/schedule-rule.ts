import { exec, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { CrossRowInput } from './cross-row-rules.ts';

/**
 * A schedule file is judged loan by loan, on the schedule the loan would have once the file is in:
 * the rows loaded for it before, with the file's accepted rows over them (the file's row wins for the
 * same installment_no; within the file the first line, as for duplicates). It must number its
 * installments 1..n (the key makes a number unique, so a gap is what can go wrong), have due dates
 * rising strictly with the number, and repay at least the loan's principal, to within half a cent an
 * installment: the snapshot takes a file schedule's principal total as the loan's exposure, so a
 * schedule repaying 175,000 of a 1,000,000 loan made 825,000 disappear from every balance. It may
 * repay more: an amended schedule after a restructure carries the arrears the restructure capitalised
 * (docs/delinquency.md), whose event may come after it (events load after schedules in a run).
 *
 * Every accepted row of a loan whose schedule fails goes to `rules` under one reason naming the loan,
 * each check it fails and the figures, so that no partial schedule lands.
 */
export async function scheduleRule(wh: Warehouse, x: Pick<CrossRowInput, 'stg' | 'rules' | 'loans'>): Promise<void> {
  const loaded = tableRef(wh, 'schedule');
  const fileLoans = `(SELECT loan_id FROM ${x.stg} WHERE reason = '')`;
  await exec(
    wh,
    `INSERT INTO ${x.rules} SELECT lws_s.line, lws_f.why
    FROM (SELECT line, loan_id FROM ${x.stg} WHERE reason = '') AS lws_s
    INNER JOIN (
      SELECT loan_id, concat('schedule of loan ', loan_id, ': ', arrayStringConcat(arrayFilter(m -> m != '', [
          if(missing > 0, concat('installment ', toString(missing), ' is missing (installment_no runs from 1 without a gap)'), ''),
          if(unordered > 0, concat('due_date of installment ', toString(nums[unordered + 1]), ' (', toString(dues[unordered + 1]),
            ') is not after that of installment ', toString(nums[unordered]), ' (', toString(dues[unordered]), ')'), ''),
          if((principal - repaid) * 200 > n, concat('principal_due sums to ', toDecimalString(repaid, 2),
            ', the loan''s principal is ', toDecimalString(principal, 2)), '')]), '; ')) AS why
      FROM (
        SELECT lws_e.loan_id AS loan_id, lws_p.principal AS principal, lws_e.s AS s,
          arrayMap(i -> i.1, s) AS nums, arrayMap(i -> i.2, s) AS dues, length(s) AS n,
          arraySum(arrayMap(i -> i.3, s)) AS repaid,
          -- the numbers ascend without repeats: the first that is not its position is one past a gap
          arrayFirstIndex((v, k) -> v != k, nums, arrayEnumerate(nums)) AS missing,
          arrayFirstIndex((d, before) -> d <= before, arrayPopFront(dues), arrayPopBack(dues)) AS unordered
        FROM (
          SELECT lws_a.loan_id AS loan_id,
            arraySort(i -> i.1, arrayConcat(lws_a.f, arrayFilter(i -> NOT has(arrayMap(j -> j.1, lws_a.f), i.1), lws_b.l))) AS s
          FROM (
            SELECT loan_id, arraySort(i -> (i.1, i.4), groupArray((installment_no, due_date, principal_due, line))) AS g,
              arrayMap(i -> (i.1, i.2, i.3), arrayFilter((i, k) -> k = 1 OR i.1 != g[k - 1].1, g, arrayEnumerate(g))) AS f
            FROM ${x.stg} WHERE reason = '' GROUP BY loan_id) AS lws_a
          LEFT JOIN (
            SELECT loan_id, groupArray((installment_no, due_date, principal_due)) AS l
            FROM (SELECT loan_id, installment_no, any(due_date) AS due_date, any(principal_due) AS principal_due
              FROM ${loaded} WHERE loan_id IN ${fileLoans} GROUP BY loan_id, installment_no)
            GROUP BY loan_id) AS lws_b ON lws_b.loan_id = lws_a.loan_id) AS lws_e
        INNER JOIN (SELECT loan_id, any(principal) AS principal FROM ${x.loans} WHERE loan_id IN ${fileLoans} GROUP BY loan_id) AS lws_p
          ON lws_p.loan_id = lws_e.loan_id)
      WHERE missing > 0 OR unordered > 0 OR (principal - repaid) * 200 > n) AS lws_f ON lws_f.loan_id = lws_s.loan_id`,
  );
}
