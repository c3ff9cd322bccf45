import { tableRef } from '../../warehouse/ddl.ts';
import { noNextMonthEnd } from '../../warehouse/tables.ts';
import { sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { bucketSql, classifyColumns, everBitsSql } from './classify-sql.ts';
import { inPassBucket, type SnapshotPass } from './snapshot-settings.ts';

/**
 * Loans reported by servicer month-end tapes (performance): DPD and balance
 * are taken as given. Status: charged_off from the first month-end on or after
 * a charge_off event; paid_off on a loan's last tape row when it reports zero
 * balance and zero DPD before the data's last month-end. No rows after a
 * terminal row. Paid-in-month and overdue interest are unknown on a tape (0).
 * `lastMe` is the data's last month-end (a Date param).
 */
export function tapeLoanMonthsSql(db: { database: string }, lastMe: Param, pass: SnapshotPass): Sql {
  const t = (name: string) => trusted(tableRef(db, name));
  const p = pass.settings;
  return sql`
SELECT loan_id, customer_id, product, region, branch, channel, cohort_month, original_principal, non_retail, is_card,
  month_end, mob, dpd, status, restructure_obs, principal_balance, overdue_principal, overdue_interest, paid_in_month, default_flag,
  -- the previous row counts only when it is the previous month-end (a tape may have gaps)
  if(prev_month = toLastDayOfMonth(addMonths(month_end, -1)), ${bucketSql('prev_dpd', 'prev_status', p.bucketBounds)}, '') AS prev_bucket,
  if(prev_month = toLastDayOfMonth(addMonths(month_end, -1)), prev_balance_, toDecimal64(0, 2)) AS prev_balance,
  ever_bits, bitAnd(ever_bits, bitNot(prev_ever_bits)) AS new_ever_bits, next_month_end,
  ${classifyColumns({ dpd: 'dpd', status: 'status', isCard: 'is_card', restructureObs: 'restructure_obs' }, p)}
FROM (
SELECT *, lagInFrame(ever_bits, 1, toUInt8(0)) OVER w AS prev_ever_bits,
  leadInFrame(month_end, 1, toDate('${trusted(noNextMonthEnd)}')) OVER (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_month_end
FROM (
SELECT *,
  toUInt8(max(toUInt8(dpd > 90 OR status = 'charged_off')) OVER w) AS default_flag,
  ${everBitsSql('max(dpd > 0) OVER w', 'max(dpd > 30) OVER w', 'max(dpd > 60) OVER w', 'max(dpd > 90) OVER w')} AS ever_bits,
  lagInFrame(month_end, 1, toDate(0)) OVER w AS prev_month,
  lagInFrame(dpd, 1, toUInt32(0)) OVER w AS prev_dpd,
  lagInFrame(status, 1, '') OVER w AS prev_status,
  lagInFrame(principal_balance, 1, toDecimal64(0, 2)) OVER w AS prev_balance_
FROM (
  SELECT *, min(if(status != 'active', month_end, toDate('2149-06-06'))) OVER (PARTITION BY loan_id) AS terminal_month
  FROM (
    SELECT lwq_p.loan_id AS loan_id, lwq_l.customer_id AS customer_id, lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch,
      lwq_l.channel AS channel, toStartOfMonth(lwq_l.origination_date) AS cohort_month, lwq_l.principal AS original_principal,
      toUInt8(lwq_c.borrower_type = 'non_retail' OR has(${p.nonRetailProducts}, lwq_l.product)) AS non_retail,
      toUInt8(has(${p.cardProducts}, lwq_l.product)) AS is_card,
      toLastDayOfMonth(lwq_p.as_of_month) AS month_end,
      toUInt16(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), lwq_p.as_of_month))) AS mob,
      lwq_p.dpd AS dpd, lwq_p.principal_balance AS principal_balance, ifNull(lwq_p.overdue_amount, toDecimal64(0, 2)) AS overdue_principal,
      toDecimal64(0, 2) AS overdue_interest, toDecimal64(0, 2) AS paid_in_month,
      multiIf(lwq_ev.has_co AND month_end >= lwq_ev.co_raw, 'charged_off',
        lwq_p.principal_balance = 0 AND lwq_p.dpd = 0 AND lwq_p.as_of_month = max(lwq_p.as_of_month) OVER (PARTITION BY lwq_p.loan_id) AND month_end < ${lastMe}, 'paid_off',
        'active') AS status,
      arrayExists(d -> d <= month_end AND month_end < addMonths(d, ${p.obsMonths}), lwq_ev.rd) AS restructure_obs
    FROM ${t('performance')} AS lwq_p
    INNER JOIN ${t('loans')} AS lwq_l ON lwq_l.loan_id = lwq_p.loan_id
    LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS lwq_c ON lwq_c.customer_id = lwq_l.customer_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 groupArrayIf(event_date, type = 'restructure') AS rd
               FROM ${t('loan_events')} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_p.loan_id
    WHERE toLastDayOfMonth(lwq_p.as_of_month) <= ${lastMe} AND ${inPassBucket('lwq_p.loan_id', pass)}
      AND (${pass.nonRetailOnly} = 0 OR non_retail = 1)
  )
)
WHERE month_end <= terminal_month
WINDOW w AS (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
WINDOW w AS (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))`;
}
