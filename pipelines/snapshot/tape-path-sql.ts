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
    SELECT lwq_p.loan_id AS loan_id, lwq_l.customer_id AS customer_id, lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch,
      lwq_l.channel AS channel, toStartOfMonth(lwq_l.origination_date) AS cohort_month, lwq_l.principal AS original_principal,
      toUInt8(lwq_c.borrower_type = 'non_retail' OR has({nonretail_products:Array(String)}, lwq_l.product)) AS non_retail,
      toUInt8(has({card_products:Array(String)}, lwq_l.product)) AS is_card,
      toLastDayOfMonth(lwq_p.as_of_month) AS month_end,
      toUInt16(greatest(0, dateDiff('month', toStartOfMonth(lwq_l.origination_date), lwq_p.as_of_month))) AS mob,
      lwq_p.dpd AS dpd, lwq_p.principal_balance AS principal_balance, ifNull(lwq_p.overdue_amount, toDecimal64(0, 2)) AS overdue_principal,
      toDecimal64(0, 2) AS overdue_interest, toDecimal64(0, 2) AS paid_in_month,
      multiIf(lwq_ev.has_co AND month_end >= lwq_ev.co_raw, 'charged_off',
        lwq_p.principal_balance = 0 AND lwq_p.dpd = 0 AND lwq_p.as_of_month = max(lwq_p.as_of_month) OVER (PARTITION BY lwq_p.loan_id) AND month_end < {last_me:Date}, 'paid_off',
        'active') AS status,
      arrayExists(d -> d <= month_end AND month_end < addMonths(d, {obs_months:UInt16}), lwq_ev.rd) AS restructure_obs
    FROM ${t('performance')} AS lwq_p
    INNER JOIN ${t('loans')} AS lwq_l ON lwq_l.loan_id = lwq_p.loan_id
    LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${t('customers')} GROUP BY customer_id) AS lwq_c ON lwq_c.customer_id = lwq_l.customer_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 groupArrayIf(event_date, type = 'restructure') AS rd
               FROM ${t('loan_events')} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_p.loan_id
    WHERE toLastDayOfMonth(lwq_p.as_of_month) <= {last_me:Date} AND cityHash64(lwq_p.loan_id) % {nb:UInt32} = {b:UInt32}
      AND ({non_retail_only:UInt8} = 0 OR non_retail = 1)
  )
)
WHERE month_end <= terminal_month`;
}
