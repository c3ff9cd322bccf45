import { sql, trusted, type Sql } from '../sql.ts';
import type { SourceContext } from './sources.ts';

/**
 * The promise-to-pay lifecycle (issue 22, item 2; SPEC §5): every `promise_to_pay` action is a
 * promise of its `promised_amount` by its `promised_date` (the action date when absent), judged at
 * the deadline = promised date + grace days (SPEC §5: 3):
 *
 *   open     the deadline is after the as-of date (with what has been paid against it so far);
 *   kept     paid against it ≥ the promised amount by the deadline;
 *   partial  0 < paid < promised by the deadline;
 *   broken   nothing paid against it by the deadline.
 *
 * Paid against a promise: payments from the day the promise was made to its deadline. When a loan's
 * promises overlap, a payment is not counted twice: each payment (in date order, then payment id)
 * goes to the loan's promises whose window holds its date, earliest deadline first (then the
 * earlier made, then the action id), each taking what it still lacks; what is left goes to the
 * next; what is left after all of them is not a promise's. (200.00 paid into the windows of a
 * 100.00 promise due first and a 150.00 one: 100.00 + 100.00 — one kept, one partial.) A promise
 * without an amount takes nothing from that allocation: it is kept when anything was paid in its
 * window, else broken (never partial). Amounts run in integer cents.
 *
 * Days late (kept promises): from the promised date to the day the promised amount was complete,
 * 0 when paid by the promised date; at most the grace days.
 */
const cents = (x: string) => `toInt64(${x} * 100)`;

/**
 * The last day a promise can be judged on: the date, or the data's last day when the date is past it
 * (a case list or the promises may be asked up to a week after the files: today's list on
 * yesterday's files). A deadline after the data's last day has payments in its window that are not
 * loaded yet: judging it would call a promise broken that may have been kept — and escalate its
 * case (review 2026-12-06) — so it stays open until the files reach it.
 */
export const judgedThrough = (asOf: string, dataLast: string | null) =>
  dataLast !== null && dataLast < asOf ? dataLast : asOf;

/**
 * per-promise rows at `asOf`, reading `db` (a trusted database name); asOf a Date fragment (a
 * parameter), grace a UInt16 one; `loans` a condition on loan_id limiting the loans read (every
 * promise of a loan read is judged, so a loan's allocation stays whole); `through` the last day
 * whose payments are loaded (judgedThrough), when it is before asOf: a deadline after it stays open
 */
export function promiseRowsSql(db: Sql, asOf: Sql, grace: Sql, loans?: Sql, through?: Sql): Sql {
  // the payments read: of the given loans, else of every loan with a promise. Not both: with a few
  // thousand loans given, testing each of the book's payments against every promise loan as well
  // was half the statement (a case list's broken promises, 1.1 s → 0.6 s on the 1M book)
  const paymentsOf =
    loans ?? sql`loan_id IN (SELECT loan_id FROM ${db}.collection_actions WHERE outcome = 'promise_to_pay')`;
  const promisesOf = loans ?? trusted('1');
  // the allocation of one payment p = (date, cents) over the promises, given what each still lacks (rem):
  // e = what an eligible promise lacks (0 when p is outside its window); a promise takes min(e, what is left
  // of p after the promises before it in deadline order took theirs) — a prefix sum, so no loop per promise
  const e = `arrayMap((lwq_r, lwq_m, lwq_d) -> if(lwq_m <= lwq_p.1 AND lwq_p.1 <= lwq_d, lwq_r, toInt64(0)), lwq_acc.1, lwq_made, lwq_dl)`;
  const alloc = `arrayMap((lwq_e, lwq_c) -> least(lwq_e, greatest(toInt64(0), lwq_p.2 - (lwq_c - lwq_e))), ${e}, arrayCumSum(${e}))`;
  const step = `(arrayMap((lwq_r, lwq_a) -> lwq_r - lwq_a, lwq_acc.1, ${alloc}),
      arrayMap((lwq_f, lwq_r, lwq_a) -> if(lwq_a > 0 AND lwq_r = lwq_a, lwq_p.1, lwq_f), lwq_acc.2, lwq_acc.1, ${alloc}))`;
  return sql`
  SELECT lwq_x.1 AS action_id, lwq_l.loan_id AS loan_id, lwq_x.2 AS action_date, lwq_x.3 AS deadline, lwq_x.4 AS promised_cents,
    lwq_x.5 AS has_amount, lwq_x.6 AS promised_date, lwq_x.7 AS agent, lwq_x.8 AS team, lwq_x.9 AS channel,
    if(has_amount, promised_cents - lwq_l.st.1[lwq_i],
       arraySum(arrayMap(lwq_p -> if(lwq_x.2 <= lwq_p.1 AND lwq_p.1 <= lwq_x.3, lwq_p.2, toInt64(0)), lwq_l.pays))) AS paid_cents,
    if(has_amount, lwq_l.st.2[lwq_i],
       arrayMin(arrayMap(lwq_p -> if(lwq_x.2 <= lwq_p.1 AND lwq_p.1 <= lwq_x.3, lwq_p.1, toDate('2149-06-06')), arrayPushBack(lwq_l.pays, (toDate('2149-06-06'), toInt64(0)))))) AS complete_date,
    multiIf(deadline > ${through ?? asOf}, 'open', has_amount AND paid_cents >= promised_cents, 'kept', NOT has_amount AND paid_cents > 0, 'kept',
      has_amount AND paid_cents > 0, 'partial', 'broken') AS status,
    if(status = 'kept', greatest(0, dateDiff('day', promised_date, complete_date)), 0) AS days_late
  FROM (
    SELECT lwq_q.loan_id AS loan_id, lwq_q.ps AS ps, arrayMap(lwq_v -> lwq_v.2, lwq_q.ps) AS lwq_made, arrayMap(lwq_v -> lwq_v.3, lwq_q.ps) AS lwq_dl,
      lwq_y.pays AS pays,
      arrayFold((lwq_acc, lwq_p) -> ${trusted(step)}, pays,
        (arrayMap(lwq_v -> if(lwq_v.5, lwq_v.4, toInt64(0)), lwq_q.ps), arrayMap(lwq_v -> toDate(0), lwq_q.ps))) AS st
    FROM (SELECT loan_id, arraySort(lwq_v -> (lwq_v.3, lwq_v.2, lwq_v.1), groupArray(
              (action_id, action_date, addDays(ifNull(promised_date, action_date), ${grace}), ${trusted(cents('ifNull(promised_amount, 0)'))},
               isNotNull(promised_amount), ifNull(promised_date, action_date), agent_id, toString(team), toString(channel)))) AS ps
          FROM ${db}.collection_actions WHERE outcome = 'promise_to_pay' AND action_date <= ${asOf} AND ${promisesOf}
          GROUP BY loan_id) AS lwq_q
    LEFT JOIN (SELECT loan_id, arraySort(lwq_z -> (lwq_z.1, lwq_z.3), groupArray((paid_date, ${trusted(cents('amount'))}, payment_id))) AS pays3,
                 arrayMap(lwq_z -> (lwq_z.1, lwq_z.2), pays3) AS pays
               FROM ${db}.payments
               WHERE paid_date <= ${asOf} AND ${paymentsOf}
               GROUP BY loan_id) AS lwq_y ON lwq_y.loan_id = lwq_q.loan_id
  ) AS lwq_l
  ARRAY JOIN lwq_l.ps AS lwq_x, arrayEnumerate(lwq_l.ps) AS lwq_i`;
}

/**
 * A collection action's stage from collection_facts' `bucket_then`, the loan's bucket on the action's
 * day (its DPD that day, SPEC §4, with the configured grace: the stage as a collections team reads
 * it): C or PO current, M1 early, M2–M3 mid, M4 and later (WO too) late; `unknown` when the loan has
 * no state that day (a tape loan before its first month-end row). Past due = early, mid or late. The
 * collections and the promises metrics both read it, so an action has one stage in both.
 */
export const actionStageSql = (bucketThen: string) =>
  `multiIf(${bucketThen} IN ('C', 'PO'), 'current', ${bucketThen} = 'M1', 'early', ${bucketThen} IN ('M2', 'M3'), 'mid', ${bucketThen} = '', 'unknown', 'late')`;
/** The stage of a promise the snapshot has not seen: recorded (console, API) since it; the next snapshot stages it. */
export const stageSinceSnapshot = 'since_snapshot';
/** whether the loan was past due at the action (stage early, mid or late): its bucket then is a delinquency bucket */
export const pastDueThenSql = (bucketThen: string) => `${bucketThen} NOT IN ('', 'C', 'PO')`;
/**
 * The month-end a cure is judged at: the first after the action's day — the action's own month-end,
 * or the next one for an action on the last day of its month (the stage is read that day, so a cure
 * must be seen later). collection_facts' `bucket_next` is the loan's bucket then.
 */
export const cureMonthEndSql = (actionDate: string) => `toLastDayOfMonth(addDays(${actionDate}, 1))`;

/** SPEC §5's grace: the catalogue's promise metrics and the collections metric's kept rate judge at promised date + 3 days */
export const specGraceDays = 3;

const money = (centsCol: string) => `toDecimal64(${centsCol}, 2) / 100`;

/**
 * Promises up to {as_of} with their state, amounts (promised, paid against), days late and the
 * attributes the KPIs group by: the action's agent, team and channel, the loan's stage when the
 * promise was made (as the collections metric: actionStageSql of collection_facts' bucket on the
 * action's day; `unknown` for a loan without a state then; `since_snapshot` for a promise recorded
 * after the last snapshot, or corrected to another day since, which the next one stages), product,
 * region and branch.
 */
export function promiseFactsSql(db: Sql, asOf: Sql, grace: Sql, where: Sql = trusted('1'), through?: Sql): Sql {
  return sql`
  SELECT lwq_o.action_id AS action_id, lwq_o.loan_id AS loan_id, lwq_o.agent AS agent, lwq_o.team AS team, lwq_o.channel AS channel,
    lwq_o.action_date AS action_date, lwq_o.promised_date AS promised_date, lwq_o.deadline AS deadline,
    toStartOfMonth(lwq_o.action_date) AS action_month, toStartOfMonth(lwq_o.promised_date) AS due_month,
    lwq_o.status AS status, lwq_o.has_amount AS has_amount,
    ${trusted(money('lwq_o.promised_cents'))} AS promised, ${trusted(money('lwq_o.paid_cents'))} AS paid,
    lwq_o.days_late AS days_late, if(lwq_o.status = 'kept', lwq_o.complete_date, NULL) AS kept_on,
    lwq_n.product AS product, lwq_n.region AS region, lwq_n.branch AS branch, lwq_n.channel AS loan_channel,
    toStartOfMonth(lwq_n.origination_date) AS cohort_month,
    -- no facts row: a promise recorded (console, API) since the last snapshot, or corrected to another
    -- day since (the stage is the loan's on the action's day), whose stage it has not judged yet
    if(lwq_f.action_id = '', '${trusted(stageSinceSnapshot)}', ${trusted(actionStageSql('lwq_f.bucket_then'))}) AS stage
  FROM (${promiseRowsSql(db, asOf, grace, undefined, through)}) AS lwq_o
  INNER JOIN ${db}.loans AS lwq_n ON lwq_n.loan_id = lwq_o.loan_id
  LEFT JOIN (SELECT action_id, action_date, bucket_then FROM ${db}.collection_facts WHERE outcome = 'promise_to_pay') AS lwq_f
    ON lwq_f.action_id = lwq_o.action_id AND lwq_f.action_date = lwq_o.action_date
  WHERE ${where}`;
}

export const promiseSources = {
  /** every promise up to {as_of}, judged at promised date + 3 days (promiseFactsSql); the period filter reads the action's month */
  promises: (c: SourceContext) =>
    promiseFactsSql(
      c.db,
      trusted('{as_of:Date}'),
      trusted(String(specGraceDays)),
      c.where({
        period: 'toLastDayOfMonth(action_date)',
        product: 'product',
        region: 'region',
        branch: 'branch',
        channel: 'loan_channel',
        cohort: 'cohort_month',
      }),
    ),
};
