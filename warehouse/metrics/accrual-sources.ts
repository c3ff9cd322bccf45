import { noNextMonthEnd } from '../tables.ts';
import { param, sql } from '../sql.ts';
import type { SourceContext } from './sources.ts';

/** what the accrual rows take from the snapshot row: the loan's segment and the month-end's bucket */
const snapshotDimensions = ['product', 'region', 'branch', 'channel', 'cohort', 'bucket'] as const;
const segmentFilters = ['product', 'region', 'branch', 'channel', 'cohort'] as const;

/**
 * The accrual's relation (issue 23): loan_month_accrual (what each schedule loan owes beyond its
 * schedule at each month-end, pipelines/accrual) with the snapshot row's segment, bucket and
 * default flag. Tape loans have no accrual rows. A written-off loan's month-ends after its
 * charge-off month (its 表外欠息 until settled or sold) and a paid-off loan's after its payoff month
 * (while it owes charges) have no snapshot row of their own: they read the last row's
 * (snapshot_month_end; bucket WO, or the payoff month's), their cash in the month being the charges
 * paid — none after a charge-off (what comes then is recovery, not allocated to charges).
 */
const accrualMonths = (c: SourceContext) => sql`
    SELECT lwq_a.*, lwq_m.product AS product, lwq_m.region AS region, lwq_m.branch AS branch, lwq_m.channel AS channel,
      toStartOfMonth(lwq_m.cohort_month) AS cohort, lwq_m.bucket AS bucket, lwq_m.default_flag AS default_flag,
      if(lwq_m.month_end = lwq_a.month_end, lwq_m.paid_in_month, lwq_a.charges_paid_in_month) AS paid_in_month
    FROM ${c.db}.loan_month_accrual AS lwq_a
    INNER JOIN (SELECT loan_id, month_end, product, region, branch, channel, cohort_month, bucket, default_flag, paid_in_month
                FROM ${c.db}.loan_month WHERE source = 'schedule' AND month_end <= {as_of:Date}
                  AND (${c.where({ period: 'month_end', product: null, region: null, branch: null, channel: null, cohort: null, dpd: null })}
                    OR (status IN ('charged_off', 'paid_off') AND next_month_end = ${param(noNextMonthEnd, 'Date')}))
                  AND ${c.where({ period: null, product: 'product', region: 'region', branch: 'branch', channel: 'channel', cohort: 'cohort_month' })}) AS lwq_m
      ON lwq_m.loan_id = lwq_a.loan_id AND lwq_m.month_end = lwq_a.snapshot_month_end
    -- the period on both sides: the accrual table holds every loan-month, the join would otherwise build on all of them
    WHERE lwq_a.month_end <= {as_of:Date}
      AND ${c.where({ period: 'lwq_a.month_end', product: null, region: null, branch: null, channel: null, cohort: null })}`;

export const accrualSources = {
  accrual_months: accrualMonths,
  /**
   * The accrual rows for measures of their own columns (interest arrears): joined to the snapshot
   * rows only when the request filters by segment or groups by a segment or the bucket. Otherwise
   * the accrual rows alone, which are exactly the schedule loans' month-ends the join would keep
   * (the accrual is evaluated at those: pipelines/accrual/accrual-sql.ts) — the join of 6.4M rows
   * was 3 of the regulatory pack's 11 s.
   */
  accrual_arrears: (c: SourceContext) => {
    const segmented = snapshotDimensions.some((d) => c.grouped(d)) || segmentFilters.some((k) => c.filtered(k));
    if (segmented) return accrualMonths(c);
    return sql`
    SELECT *, '' AS product, '' AS region, '' AS branch, '' AS channel, toDate(0) AS cohort, '' AS bucket
    FROM ${c.db}.loan_month_accrual
    WHERE month_end <= {as_of:Date} AND ${c.where({ period: 'month_end', product: null, region: null, branch: null, channel: null, cohort: null })}`;
  },
};
