import { tableRef } from '../../warehouse/ddl.ts';
import { effectiveSchedule } from '../../warehouse/schedule/effective-schedule.ts';
import { render, sql, trusted, underLayers, type Param, type Sql } from '../../warehouse/sql.ts';

/** moved down to warehouse/ (the derived facts evaluate DPD on action days with it); re-exported for the snapshot's readers */
export { effectiveSchedule, type ScheduleReach } from '../../warehouse/schedule/effective-schedule.ts';
import { noNextMonthEnd } from '../../warehouse/tables.ts';
import { bucketSql, classifyColumns, everBitsSql } from './classify-sql.ts';
import { inPassBucket, type SnapshotPass } from './snapshot-settings.ts';

interface Db {
  database: string;
}

/** bench/ingest-snapshot.ts's form of effectiveSchedule's columns, as text: its loans are aliased lwq_l. */
export const effectiveScheduleColumns = () =>
  render(effectiveSchedule({ database: '' }, { loans: 'lwq_l', as: 'lwq_sf' }).columns).query;
/** bench/ingest-snapshot.ts's form of effectiveSchedule's join, as text: its loans are aliased lwq_l. */
export const fileScheduleJoin = (db: Db) => render(effectiveSchedule(db, { loans: 'lwq_l', as: 'lwq_sf' }).join).query;

/**
 * Evaluation dates per loan: every month-end from the origination month to `through`
 * ('month_ends'), or the single date `date` ('as_of').
 */
export type EvalDates = { kind: 'month_ends'; through: Param } | { kind: 'as_of'; date: Param };

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
export function scheduleLoanMonthsSql(
  db: Db,
  dates: EvalDates,
  pass: SnapshotPass,
  /** wholeSchedules: every installment of every schedule (the reference the prefix is tested against) */
  o: { wholeSchedules?: boolean } = {},
): Sql {
  const t = (name: string) => trusted(tableRef(db, name));
  const p = pass.settings;
  const evalDates =
    dates.kind === 'month_ends'
      ? sql`arrayMap(k -> toLastDayOfMonth(addMonths(toStartOfMonth(lwq_l.origination_date), k)), range(toUInt32(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), toStartOfMonth(${dates.through})) + 1))))`
      : sql`if(lwq_l.origination_date <= ${dates.date}, [${dates.date}], [])`;
  const lastDate = dates.kind === 'month_ends' ? dates.through : dates.date;
  // the loans are lwq_l below: the schedule's join and columns are told so
  const schedule = effectiveSchedule(db, {
    loans: 'lwq_l',
    as: 'lwq_sf',
    filter: inPassBucket('loan_id', pass),
    // no date's P exceeds the positive payments' and restructure credits' sum
    reach: o.wholeSchedules
      ? undefined
      : { through: lastDate, credits: trusted('ifNull(lwq_pay.credit_bound, 0) + ifNull(lwq_ev.credit_bound, 0)') },
  });
  return sql`
SELECT loan_id, customer_id, product, region, branch, channel, cohort_month, original_principal, non_retail, is_card,
  v.1 AS month_end, toUInt16(dateDiff('month', cohort_month, toStartOfMonth(v.1))) AS mob,
  toUInt32(greatest(v.2, 0)) AS dpd, v.3 AS status, v.4 AS restructure_obs,
  CAST(v.5 AS Decimal(18, 2)) / 100 AS principal_balance,
  CAST(v.6 AS Decimal(18, 2)) / 100 AS overdue_principal,
  CAST(v.7 AS Decimal(18, 2)) / 100 AS overdue_interest,
  CAST(v.8 AS Decimal(18, 2)) / 100 AS paid_in_month,
  toUInt8(v.9 > 0) AS default_flag,
  if(v.10 < 0, '', ${bucketSql('v.10', 'v.11', p.bucketBounds)}) AS prev_bucket,
  CAST(v.12 AS Decimal(18, 2)) / 100 AS prev_balance,
  v.13 AS ever_bits,
  bitAnd(v.13, bitNot(v.14)) AS new_ever_bits,
  -- rows are every month-end up to the terminal one (or the last evaluation date)
  if(v.1 = last_row_me, toDate('${trusted(noNextMonthEnd)}'), toLastDayOfMonth(addMonths(v.1, 1))) AS next_month_end,
  ${classifyColumns({ dpd: 'dpd', status: 'status', isCard: 'is_card', restructureObs: 'restructure_obs' }, p)}
FROM (${underLayers(
    sql`
    SELECT lwq_l.loan_id AS loan_id, lwq_l.customer_id AS customer_id, lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch,
      lwq_l.channel AS channel, toStartOfMonth(lwq_l.origination_date) AS cohort_month, lwq_l.principal AS original_principal,
      toUInt8(lwq_c.borrower_type = 'non_retail' OR has(${p.nonRetailProducts}, lwq_l.product)) AS non_retail,
      toUInt8(has(${p.cardProducts}, lwq_l.product)) AS is_card,
      ${evalDates} AS E,
      ${schedule.columns},
      lwq_pay.pd AS pd, lwq_pay.pa AS pa, lwq_pay.pc AS pc, lwq_pay.pp AS pp, lwq_pay.explicit_split AS explicit_split,
      if(lwq_ev.has_co, lwq_ev.co_raw, toDate('2149-06-06')) AS co, lwq_ev.rd AS rd, lwq_ev.ra AS ra
    FROM ${t('loans')} AS lwq_l
    LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS lwq_c ON lwq_c.customer_id = lwq_l.customer_id
    ${schedule.join}
    LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64((amount - ifNull(penalty_paid, 0)) * 100)) AS pa,
                 groupArray(toInt64(amount * 100)) AS pc, groupArray(toInt64(ifNull(principal_paid, 0) * 100)) AS pp,
                 toUInt8(countIf(isNull(principal_paid)) = 0) AS explicit_split,
                 sum(greatest(toInt64((amount - ifNull(penalty_paid, 0)) * 100), 0)) AS credit_bound
               FROM ${t('payments')} WHERE ${inPassBucket('loan_id', pass)} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 arraySort(groupArrayIf(event_date, type = 'restructure')) AS rd,
                 arrayMap(x -> x.2, arraySort(groupArrayIf((event_date, toInt64(amount * 100)), type = 'restructure'))) AS ra,
                 sumIf(greatest(toInt64(amount * 100), 0), type = 'restructure') AS credit_bound
               FROM ${t('loan_events')} WHERE ${inPassBucket('loan_id', pass)} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
    WHERE ${inPassBucket('lwq_l.loan_id', pass)} AND lwq_l.loan_id NOT IN (SELECT loan_id FROM ${t('performance')})
      AND (${pass.nonRetailOnly} = 0 OR non_retail = 1)
      AND notEmpty(E)`,
    [
      `-- credits and evaluation dates merged in date order (a payment on the date counts)
    -- sorts use one integer key (value·2 + tag) passed as a second array: comparing tuples is far slower
    arraySort((x, k) -> k, arrayConcat(
        arrayMap((d, a, c, p) -> (d, toUInt8(0), a, c, p, toInt64(0)), pd, pa, pc, pp),
        arrayMap((d, a) -> (d, toUInt8(0), a, toInt64(0), toInt64(0), a), rd, ra),
        arrayMap(e -> (e, toUInt8(1), toInt64(0), toInt64(0), toInt64(0), toInt64(0)), E)),
      arrayConcat(arrayMap(d -> toUInt32(d) * 2, pd), arrayMap(d -> toUInt32(d) * 2, rd), arrayMap(e -> toUInt32(e) * 2 + 1, E))) AS ev0,
    arraySum(ra) AS r_total,
    arrayCumSum(arrayMap((a, b) -> a + b, s_pr, s_int)) AS C,
    arrayCumSum(s_pr) AS CPR,
    arrayCumSum(s_int) AS CI,
    length(s_due) AS n`,
      `-- cash on or after the charge-off date is recovery, not a payment that moves DPD
    arrayFilter(x -> x.2 = 1 OR x.1 < co OR x.6 != 0, ev0) AS ev,
    -- a prefix's principal is not all of it; the interest total is read only when P covers every installment (then whole)
    ${o.wholeSchedules ? 'CPR[n]' : 'if(s_prefix, s_principal_cents, CPR[n])'} AS principal_total,
    CI[n] AS interest_total`,
      `arrayMap(x -> x.2 = 1, ev) AS is_eval`,
      `arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.3, ev)), is_eval) AS P,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.4, ev)), is_eval) AS CASH,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.5, ev)), is_eval) AS PR,
    arrayFilter((v, f) -> f, arrayCumSum(arrayMap(x -> x.6, ev)), is_eval) AS R`,
      sql`-- oldest installment not fully paid at each evaluation date: the first C_i > P; arrayReverseFill
    -- hands each P the tuple of the next installment (no lambda captures a long array: those are O(n·T))
    arraySort((x, k) -> k, arrayConcat(
        arrayMap((c, d, cprev, prprev, iprev, i, p) -> (c, toUInt8(0), d, cprev, prprev, iprev, i, p), C, s_due,
          arrayPushFront(arrayPopBack(C), toInt64(0)), arrayPushFront(arrayPopBack(CPR), toInt64(0)), arrayPushFront(arrayPopBack(CI), toInt64(0)), s_int, s_pr),
        arrayMap(p -> (p, toUInt8(1), toDate(0), toInt64(0), toInt64(0), toInt64(0), toInt64(0), toInt64(0)), P)),
      arrayConcat(arrayMap(c -> c * 2, C), arrayMap(p -> p * 2 + 1, P))) AS m1,
    -- last installment past due (due + grace < d): arrayFill hands each date the previous due installment
    arraySort((x, k) -> k, arrayConcat(
        arrayMap((d, cpr, ci) -> (d + ${p.grace}, toUInt8(1), cpr, ci), s_due, CPR, CI),
        arrayMap(e -> (e, toUInt8(0), toInt64(0), toInt64(0)), E)),
      arrayConcat(arrayMap(d -> (toUInt32(d) + ${p.grace}) * 2 + 1, s_due), arrayMap(e -> toUInt32(e) * 2, E))) AS m2`,
      `arrayFilter((f, x) -> x.2 = 1, arrayReverseFill(x -> x.2 = 0, m1), m1) AS OLDEST,
    arrayFilter((f, x) -> x.2 = 0, arrayFill(x -> x.2 = 1, m2), m2) AS PASTDUE`,
      sql`arrayMap((e, p, o) -> if(o.2 = 0 AND o.3 + ${p.grace} < e, toInt64(dateDiff('day', o.3, e)) - if(${p.graceEnd} = 1, ${p.grace}, 0), 0), E, P, OLDEST) AS DPD,
    arrayMap((p, o) -> if(o.2 = 1, principal_total, o.5 + least(greatest(p - o.4 - o.7, 0), o.8)), P, OLDEST) AS PPAID,
    arrayMap((p, o) -> if(o.2 = 1, interest_total, o.6 + least(greatest(p - o.4, 0), o.7)), P, OLDEST) AS IPAID,
    arrayMap((e, o) -> multiIf(e >= co, 'charged_off', o.2 = 1, 'paid_off', 'active'), E, OLDEST) AS ST,
    arrayMap(e -> arrayExists(d -> d <= e AND e < addMonths(d, ${p.obsMonths}), rd), E) AS RO,
    -- previous month-end's cash, length-preserving (pushFront/popBack would turn [] into [0])
    arrayMap((c, prev) -> c - prev, CASH, arrayResize(arrayPushFront(CASH, toInt64(0)), length(CASH))) AS PAID_IN_MONTH`,
      sql`arrayMap((pd_, pp_) -> if(pd_.2 = 1, greatest(pd_.3 - pp_, 0), 0), PASTDUE, PPAID) AS ODP,
    arrayMap((pd_, ip_) -> if(pd_.2 = 1, greatest(pd_.4 - ip_, 0), 0), PASTDUE, IPAID) AS ODI,
    arrayMap((pp_, pr_, r) -> greatest(principal_total - if(explicit_split, pr_, pp_) - (r_total - r), 0), PPAID, PR, R) AS BAL,
    arrayFirstIndex(s -> s != 'active', ST) AS terminal_at,
    arrayCumSum(arrayMap((d, s) -> toUInt32(d > 90 OR s = 'charged_off'), DPD, ST)) AS DEF,
    -- the previous month-end's values (length-preserving shift) and DPD-ever bits, for one-scan metrics
    arrayResize(arrayPushFront(DPD, toInt64(-1)), length(E)) AS PREV_DPD,
    arrayResize(arrayPushFront(ST, ''), length(E)) AS PREV_ST,
    arrayMap((a, b, c, d) -> ${everBitsSql('a', 'b', 'c', 'd')},
      arrayCumSum(arrayMap(d -> toUInt32(d > 0), DPD)), arrayCumSum(arrayMap(d -> toUInt32(d > 30), DPD)),
      arrayCumSum(arrayMap(d -> toUInt32(d > 60), DPD)), arrayCumSum(arrayMap(d -> toUInt32(d > 90), DPD))) AS EVER`,
      `arrayResize(arrayPushFront(BAL, toInt64(0)), length(E)) AS PREV_BAL,
    arrayResize(arrayPushFront(EVER, toUInt8(0)), length(E)) AS PREV_EVER,
    if(terminal_at = 0, length(E), terminal_at) AS row_count`,
      `E[row_count] AS last_row_me,
    arraySlice(arrayZip(E, DPD, ST, RO, BAL, ODP, ODI, PAID_IN_MONTH, DEF, PREV_DPD, PREV_ST, PREV_BAL, EVER, PREV_EVER), 1, row_count) AS rows_`,
    ],
  )})
ARRAY JOIN rows_ AS v`;
}
