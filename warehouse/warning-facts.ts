import type { Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { warningHorizons, warningLevels } from './metrics/warning-sources.ts';

/**
 * What judging a loan-month for warning effectiveness needs from its loan's history, kept per
 * loan-month by the snapshot (warning_facts) instead of re-derived at each request from every
 * loan-month of the book with two window functions (5 s of each warning metric on the 1M book):
 * the consecutive-overdue streak at m (month-ends back to the last one at DPD 0, or the loan's
 * first; 0 unless active and overdue) and the next month-ends up to the longest horizon, each as
 * (month number, DPD, month-end). Only loan-months that can be judged are kept: active, DPD at most
 * the highest level. Neither depends on a request's as-of date: the streak reads month-ends up to
 * m, and the judging keeps a later month-end only when m + horizon is on or before the as-of date.
 */
const ahead = Math.max(...warningHorizons);
const highestLevel = Math.max(...warningLevels);

export const warningFactsSelect = (wh: Pick<Warehouse, 'database'>, loans?: string) => `
  SELECT loan_id, month_end, product, region, branch, channel, cohort_month, dpd, overdue, streak, nexts
  FROM (
    SELECT loan_id, month_end, product, region, branch, channel, cohort_month, status, dpd,
      overdue_principal + overdue_interest AS overdue, toInt64(toRelativeMonthNum(month_end)) AS mi,
      if(status = 'active' AND dpd > 0,
        toUInt32(mi - ifNull(max(if(dpd = 0, toNullable(mi), NULL)) OVER lwq_all, min(mi) OVER lwq_all - 1)), 0) AS streak,
      groupArray((mi, dpd, month_end)) OVER lwq_next AS nexts
    FROM ${tableRef(wh, 'loan_month')}${loans ? ` WHERE loan_id IN (${loans})` : ''}
    WINDOW lwq_all AS (PARTITION BY loan_id ORDER BY mi RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
      lwq_next AS (PARTITION BY loan_id ORDER BY mi RANGE BETWEEN 1 FOLLOWING AND ${ahead} FOLLOWING))
  WHERE status = 'active' AND dpd <= ${highestLevel}`;
