import { tableRef } from '../../warehouse/ddl.ts';
import { classifyColumns } from './classify-sql.ts';

/**
 * Loans reported by servicer month-end tapes (performance): DPD and balance
 * are taken as given. Status: charged_off from the first month-end on or after
 * a charge_off event; paid_off on a loan's last tape row when it reports zero
 * balance and zero DPD before the data's last month-end. No rows after a
 * terminal row. Paid-in-month and overdue interest are unknown on a tape (0).
 */
export function tapeLoanMonthsSql(db: { database: string }): string {
  const t = (name: string) => tableRef(db, name);
  return `
SELECT loan_id, customer_id, product, region, branch, channel, cohort_month, original_principal, non_retail, is_card,
  month_end, mob, dpd, status, restructure_obs, principal_balance, overdue_principal, overdue_interest, paid_in_month,
  toUInt8(max(toUInt8(dpd > 90 OR status = 'charged_off')) OVER (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS default_flag,
  ${classifyColumns({ dpd: 'dpd', status: 'status', isCard: 'is_card', restructureObs: 'restructure_obs' })}
FROM (
  SELECT *, min(if(status != 'active', month_end, toDate('2149-06-06'))) OVER (PARTITION BY loan_id) AS terminal_month
  FROM (
    SELECT p.loan_id AS loan_id, l.customer_id AS customer_id, l.product AS product, l.region AS region, l.branch AS branch,
      l.channel AS channel, toStartOfMonth(l.origination_date) AS cohort_month, l.principal AS original_principal,
      toUInt8(c.borrower_type = 'non_retail' OR has({nonretail_products:Array(String)}, l.product)) AS non_retail,
      toUInt8(has({card_products:Array(String)}, l.product)) AS is_card,
      toLastDayOfMonth(p.as_of_month) AS month_end,
      toUInt16(greatest(0, dateDiff('month', toStartOfMonth(l.origination_date), p.as_of_month))) AS mob,
      p.dpd AS dpd, p.principal_balance AS principal_balance, ifNull(p.overdue_amount, toDecimal64(0, 2)) AS overdue_principal,
      toDecimal64(0, 2) AS overdue_interest, toDecimal64(0, 2) AS paid_in_month,
      multiIf(ev.has_co AND month_end >= ev.co_raw, 'charged_off',
        p.principal_balance = 0 AND p.dpd = 0 AND p.as_of_month = max(p.as_of_month) OVER (PARTITION BY p.loan_id) AND month_end < {last_me:Date}, 'paid_off',
        'active') AS status,
      arrayExists(d -> d <= month_end AND month_end < addMonths(d, {obs_months:UInt16}), ev.rd) AS restructure_obs
    FROM ${t('performance')} AS p
    INNER JOIN ${t('loans')} AS l ON l.loan_id = p.loan_id
    LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS c ON c.customer_id = l.customer_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 groupArrayIf(event_date, type = 'restructure') AS rd
               FROM ${t('loan_events')} GROUP BY loan_id) AS ev ON ev.loan_id = p.loan_id
    WHERE toLastDayOfMonth(p.as_of_month) <= {last_me:Date} AND cityHash64(p.loan_id) % {nb:UInt32} = {b:UInt32}
  )
)
WHERE month_end <= terminal_month`;
}
