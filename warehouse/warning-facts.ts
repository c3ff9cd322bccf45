import type { Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { warningHorizons, warningLevels } from './metrics/warning-sources.ts';

/**
 * What judging a loan-month for warning effectiveness needs from its loan's history, kept per
 * loan-month by the snapshot (warning_facts) instead of re-derived at each request from every
 * loan-month of the book (5 s of each warning metric on the 1M book, and then 0.7 s to judge the
 * pairs): the consecutive-overdue streak at m (month-ends back to the last one at DPD 0, or the
 * loan's first; 0 unless active and overdue), and the (horizon h, level X) pairs it can be judged
 * on (DPD ≤ X at m), each as (h, X, rolled, event month-end, event day): rolled when DPD > X at some
 * month-end in m+1 … m+h, the event the first such month-end and the day DPD first exceeded X then
 * (that month-end − its DPD + X + 1, never before the day after the month-end preceding it). Only
 * loan-months that can be judged are kept: active, DPD at most the highest level. None of it
 * depends on a request's as-of date: the streak reads month-ends up to m, and a request keeps a
 * pair only when m + h is on or before its as-of date, so every month-end the pair read is too.
 */
const ahead = Math.max(...warningHorizons);
const highestLevel = Math.max(...warningLevels);

/**
 * Per level X, the first next month-end (month number, DPD, month-end) with DPD > X: the event of
 * every horizon that reaches it (most loan-months have none, so each level filters once and the
 * horizons read its first element).
 */
const firstHits = warningLevels
  .map((x) => `arraySort(arrayFilter(lwq_t -> lwq_t.2 > ${x}, nexts)) AS lwq_f${x}`)
  .join(', ');

const pairOf = (h: number, x: number) => {
  const hit = `notEmpty(lwq_f${x}) AND lwq_f${x}[1].1 <= mi + ${h}`;
  const me = `lwq_f${x}[1].3`;
  // horizon 0: not judged on this pair (DPD above its level), dropped below
  return `(toUInt8(if(dpd <= ${x}, ${h}, 0)), toUInt16(${x}), toUInt8(${hit}), if(${hit}, ${me}, toDate('1970-01-01')),
      if(${hit}, greatest(addDays(toLastDayOfMonth(addMonths(${me}, -1)), 1), subtractDays(${me}, toInt64(lwq_f${x}[1].2) - ${x + 1})), toDate('1970-01-01')))`;
};
/** the pairs a loan-month can be judged on, in a fixed order (horizon, then level) */
const pairsOf = `arrayFilter(lwq_p -> lwq_p.1 > 0, [${warningHorizons.flatMap((h) => warningLevels.map((x) => pairOf(h, x))).join(', ')}])`;

export const warningFactsSelect = (wh: Pick<Warehouse, 'database'>, loans?: string) => `
  SELECT loan_id, month_end, product, region, branch, channel, cohort_month, dpd, overdue, streak, ${pairsOf} AS pairs
  FROM (
    SELECT *, ${firstHits} FROM (
      SELECT loan_id, month_end, product, region, branch, channel, cohort_month, status, dpd,
        overdue_principal + overdue_interest AS overdue, toInt64(toRelativeMonthNum(month_end)) AS mi,
        if(status = 'active' AND dpd > 0,
          toUInt32(mi - ifNull(max(if(dpd = 0, toNullable(mi), NULL)) OVER lwq_all, min(mi) OVER lwq_all - 1)), 0) AS streak,
        groupArray((mi, dpd, month_end)) OVER lwq_next AS nexts
      FROM ${tableRef(wh, 'loan_month')}${loans ? ` WHERE loan_id IN (${loans})` : ''}
      WINDOW lwq_all AS (PARTITION BY loan_id ORDER BY mi RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        lwq_next AS (PARTITION BY loan_id ORDER BY mi RANGE BETWEEN 1 FOLLOWING AND ${ahead} FOLLOWING))
    WHERE status = 'active' AND dpd <= ${highestLevel})`;
