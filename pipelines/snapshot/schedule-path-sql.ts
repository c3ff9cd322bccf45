import { tableRef } from '../../warehouse/ddl.ts';
import { scheduleArraysSql } from '../../warehouse/schedule/build-schedule.ts';
import { classifyColumns } from './classify-sql.ts';

type Db = { database: string };

/**
 * Evaluation dates per loan: every month-end from the origination month to
 * {last_me} ('month_ends'), or the single date {as_of} ('as_of').
 */
export type EvalMode = 'month_ends' | 'as_of';

/**
 * Loans with a schedule (from the file, else generated from the terms) and
 * payments: SPEC §4 in arrays per loan. All money is integer cents.
 *
 * - P(d)  = amount applied (payments less penalty, paid before any charge-off,
 *           plus restructure credits) up to and including d;
 * - i*(d) = oldest installment not fully paid: first i with C_i > P(d), C the
 *           cumulative amount due (integer cents, so "within half a cent" is exact);
 * - k(d)  = installments with due_date + grace < d (past due);
 * - DPD   = d − due(i*) when i* ≤ k, else 0;
 * - allocation is the cumulative waterfall (oldest first, interest then principal).
 * Both i* and k come from sorting the loan's thresholds together with its
 * evaluation points, so the cost is O((n + T) log) per loan, not O(n·T).
 */
export function scheduleLoanMonthsSql(db: Db, mode: EvalMode): string {
  const t = (name: string) => tableRef(db, name);
  const gen = scheduleArraysSql({ orig: 'lwq_l.origination_date', principalCents: 'toInt64(lwq_l.principal * 100)', rate: 'lwq_l.annual_rate', term: 'lwq_l.term_months', method: 'lwq_l.repayment_method' });
  const evalDates = mode === 'month_ends'
    ? `arrayMap(k -> toLastDayOfMonth(addMonths(toStartOfMonth(lwq_l.origination_date), k)), range(toUInt32(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), toStartOfMonth({last_me:Date})) + 1))))`
    : `if(lwq_l.origination_date <= {as_of:Date}, [{as_of:Date}], [])`;
  const bucketFilter = (col: string) => `cityHash64(${col}) % {nb:UInt32} = {b:UInt32}`;
  return `
SELECT loan_id, customer_id, product, region, branch, channel, cohort_month, original_principal, non_retail, is_card,
  E[t] AS month_end, toUInt16(dateDiff('month', cohort_month, toStartOfMonth(E[t]))) AS mob,
  toUInt32(greatest(DPD[t], 0)) AS dpd, ST[t] AS status, RO[t] AS restructure_obs,
  CAST(BAL[t] AS Decimal(18, 2)) / 100 AS principal_balance,
  CAST(ODP[t] AS Decimal(18, 2)) / 100 AS overdue_principal,
  CAST(ODI[t] AS Decimal(18, 2)) / 100 AS overdue_interest,
  CAST(CASH[t] - if(t > 1, CASH[t - 1], 0) AS Decimal(18, 2)) / 100 AS paid_in_month,
  toUInt8(DEF[t] > 0) AS default_flag,
  ${classifyColumns({ dpd: 'dpd', status: 'status', isCard: 'is_card', restructureObs: 'restructure_obs' })}
FROM (
  SELECT *,
    arraySort(x -> (x.1, x.2), arrayConcat(
      arrayMap(i -> (pd[i], toUInt8(0), pa[i], pc[i], pp[i], toInt64(0)), arrayFilter(i -> pd[i] < co, arrayEnumerate(pd))),
      arrayMap((d, a) -> (d, toUInt8(0), a, toInt64(0), toInt64(0), a), rd, ra),
      arrayMap(e -> (e, toUInt8(1), toInt64(0), toInt64(0), toInt64(0), toInt64(0)), E))) AS ev,
    arrayMap(x -> x.2 = 1, ev) AS is_eval,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.3, ev)), is_eval) AS P,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.4, ev)), is_eval) AS CASH,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.5, ev)), is_eval) AS PR,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.6, ev)), is_eval) AS R,
    arraySum(ra) AS r_total,
    arrayCumSum(arrayMap((a, b) -> a + b, s_pr, s_int)) AS C,
    arrayCumSum(s_pr) AS CPR,
    arrayCumSum(s_int) AS CI,
    length(s_due) AS n,
    arraySort(arrayConcat(arrayMap(c -> (c, toUInt8(0)), C), arrayMap(p -> (p, toUInt8(1)), P))) AS m1,
    arrayMap(v -> v + 1, arrayFilter((v, x) -> x.2 = 1, arrayCumSum(arrayMap(x -> toUInt32(x.2 = 0), m1)), m1)) AS ISTAR,
    arraySort(arrayConcat(arrayMap(d -> (d + {grace:UInt16}, toUInt8(1)), s_due), arrayMap(e -> (e, toUInt8(0)), E))) AS m2,
    arrayFilter((v, x) -> x.2 = 0, arrayCumSum(arrayMap(x -> toUInt32(x.2 = 1), m2)), m2) AS K,
    arrayEnumerate(E) AS idx,
    arrayMap(t -> if(ISTAR[t] <= K[t], toInt64(dateDiff('day', s_due[ISTAR[t]], E[t])) - if({grace_end:UInt8} = 1, {grace:UInt16}, 0), 0), idx) AS DPD,
    arrayMap(t -> if(ISTAR[t] > n, CPR[n], if(ISTAR[t] > 1, CPR[ISTAR[t] - 1], 0)
      + least(greatest(P[t] - if(ISTAR[t] > 1, C[ISTAR[t] - 1], 0) - s_int[ISTAR[t]], 0), s_pr[ISTAR[t]])), idx) AS PPAID,
    arrayMap(t -> if(ISTAR[t] > n, CI[n], if(ISTAR[t] > 1, CI[ISTAR[t] - 1], 0)
      + least(greatest(P[t] - if(ISTAR[t] > 1, C[ISTAR[t] - 1], 0), 0), s_int[ISTAR[t]])), idx) AS IPAID,
    arrayMap(t -> if(K[t] > 0, greatest(CPR[K[t]] - PPAID[t], 0), 0), idx) AS ODP,
    arrayMap(t -> if(K[t] > 0, greatest(CI[K[t]] - IPAID[t], 0), 0), idx) AS ODI,
    arrayMap(t -> greatest(CPR[n] - if(explicit_split, PR[t], PPAID[t]) - (r_total - R[t]), 0), idx) AS BAL,
    arrayMap(t -> multiIf(E[t] >= co, 'charged_off', ISTAR[t] > n, 'paid_off', 'active'), idx) AS ST0,
    arrayFirstIndex(s -> s != 'active', ST0) AS terminal_at,
    arrayMap(t -> arrayExists(d -> d <= E[t] AND E[t] < addMonths(d, {obs_months:UInt16}), rd), idx) AS RO,
    arrayCumSum(arrayMap(t -> toUInt32(DPD[t] > 90 OR ST0[t] = 'charged_off'), idx)) AS DEF,
    ST0 AS ST
  FROM (
    SELECT lwq_l.loan_id AS loan_id, lwq_l.customer_id AS customer_id, lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch,
      lwq_l.channel AS channel, toStartOfMonth(lwq_l.origination_date) AS cohort_month, lwq_l.principal AS original_principal,
      toUInt8(lwq_c.borrower_type = 'non_retail' OR has({nonretail_products:Array(String)}, lwq_l.product)) AS non_retail,
      toUInt8(has({card_products:Array(String)}, lwq_l.product)) AS is_card,
      ${evalDates} AS E,
      length(lwq_sf.s) > 0 AS has_file_schedule,
      if(has_file_schedule, arrayMap(x -> x.2, lwq_sf.s), ${gen.due}) AS s_due,
      if(has_file_schedule, arrayMap(x -> x.4, lwq_sf.s), ${gen.interest}) AS s_int,
      if(has_file_schedule, arrayMap(x -> x.3, lwq_sf.s), ${gen.principalFrom('s_int')}) AS s_pr,
      lwq_pay.pd AS pd, lwq_pay.pa AS pa, lwq_pay.pc AS pc, lwq_pay.pp AS pp, lwq_pay.explicit_split AS explicit_split,
      if(lwq_ev.has_co, lwq_ev.co_raw, toDate('2149-06-06')) AS co, lwq_ev.rd AS rd, lwq_ev.ra AS ra
    FROM ${t('loans')} AS lwq_l
    LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS lwq_c ON lwq_c.customer_id = lwq_l.customer_id
    LEFT JOIN (SELECT loan_id, arraySort(groupArray((installment_no, due_date, toInt64(principal_due * 100), toInt64(interest_due * 100)))) AS s
               FROM ${t('schedule')} WHERE ${bucketFilter('loan_id')} GROUP BY loan_id) AS lwq_sf ON lwq_sf.loan_id = lwq_l.loan_id
    LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64((amount - ifNull(penalty_paid, 0)) * 100)) AS pa,
                 groupArray(toInt64(amount * 100)) AS pc, groupArray(toInt64(ifNull(principal_paid, 0) * 100)) AS pp,
                 toUInt8(countIf(isNull(principal_paid)) = 0) AS explicit_split
               FROM ${t('payments')} WHERE ${bucketFilter('loan_id')} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 arraySort(groupArrayIf(event_date, type = 'restructure')) AS rd,
                 arrayMap(x -> x.2, arraySort(groupArrayIf((event_date, toInt64(amount * 100)), type = 'restructure'))) AS ra
               FROM ${t('loan_events')} WHERE ${bucketFilter('loan_id')} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
    WHERE ${bucketFilter('lwq_l.loan_id')} AND lwq_l.loan_id NOT IN (SELECT loan_id FROM ${t('performance')})
  )
)
ARRAY JOIN arraySlice(idx, 1, if(terminal_at = 0, length(idx), terminal_at)) AS t`;
}
