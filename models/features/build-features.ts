import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { lastSnapshotMonthEnd } from '../../warehouse/data-horizon.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { inLoanPart, wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';
import { loanRangeParts } from '../../warehouse/loan-ranges.ts';
import { modelTables } from '../../warehouse/tables.ts';
import { targetName, type TargetSpec } from '../../warehouse/feature-catalogue.ts';

export interface FeatureBuildOptions {
  target: TargetSpec;
  /** loans are processed in this many passes (ranges of loan ids) to bound the window sort's memory */
  buckets?: number;
  log?: (line: string) => void;
}

const months = (n: number) => trusted(`RANGE BETWEEN ${n - 1} PRECEDING AND CURRENT ROW`);

/**
 * One row per active loan at each month-end with the catalogue's features and the target.
 * Every feature window ends at CURRENT ROW on a month index, so a feature at t reads only
 * month-ends ≤ t; collection counts are keyed by the month of the action, broken promises by
 * the month their outcome became known (promised date + 3 days), which is ≤ t when counted.
 * Only the label reads the FOLLOWING frame. Frame offsets are integers validated by the caller
 * (ClickHouse does not accept bound parameters in a window frame). `dataEnd` is the last snapshot
 * month-end (a Date param); `bucket` the part of the loans this pass reads (a range of ids, or a hash bucket).
 */
export function featureSelectSql(wh: Warehouse, target: TargetSpec, o: { dataEnd: Param; bucket: LoanPart }): Sql {
  const t = (n: string) => trusted(tableRef(wh, n));
  const h = target.horizonMonths;
  if (!Number.isInteger(h) || h < 1 || h > 24) throw new Error(`horizon must be an integer 1…24, got ${h}`);
  const threshold = param(target.dpdThreshold, 'UInt32');
  const inBucket = (loanId: string) => inLoanPart(loanId, o.bucket);
  // the horizon is inlined: a window frame takes no bound parameter (validated just above)
  const horizon = trusted(String(h));
  return sql`
  SELECT * FROM (
    SELECT lwq_m.loan_id AS loan_id, lwq_m.month_end AS month_end, lwq_m.customer_id AS customer_id, lwq_m.branch AS branch,
      lwq_m.principal_balance AS principal_balance, lwq_m.dpd AS dpd, lwq_m.bucket AS bucket, lwq_m.status AS status,
      toFloat64(lwq_m.dpd) AS dpd_now,
      toFloat64(max(lwq_m.dpd) OVER w3) AS max_dpd_3m,
      toFloat64(max(lwq_m.dpd) OVER w6) AS max_dpd_6m,
      toFloat64(max(lwq_m.dpd) OVER w12) AS max_dpd_12m,
      toFloat64(countIf(lwq_m.dpd > 0) OVER w6) AS months_delinquent_6m,
      toFloat64(countIf(lwq_m.dpd > 0) OVER w12) AS months_delinquent_12m,
      toFloat64(countIf(lwq_m.dpd > 30) OVER w12) AS months_30plus_12m,
      toFloat64(lwq_m.mi) - max(if(lwq_m.dpd > 0, toNullable(toFloat64(lwq_m.mi)), NULL)) OVER wall AS months_since_delinquent,
      toFloat64(lwq_m.mob) AS mob,
      toFloat64(lwq_l.term_months) - toFloat64(lwq_m.mob) AS remaining_term,
      toFloat64(lwq_l.annual_rate) AS annual_rate,
      log(greatest(toFloat64(lwq_m.original_principal), 0.01)) AS log_principal,
      1 - toFloat64(lwq_m.principal_balance) / nullIf(toFloat64(lwq_m.original_principal), 0) AS balance_paid_down,
      if(count() OVER wlag3 = 1, toFloat64(lwq_m.principal_balance) / nullIf(toFloat64(any(lwq_m.principal_balance) OVER wlag3), 0), NULL) AS balance_change_3m,
      toFloat64(sum(lwq_m.paid_in_month) OVER w3) / nullIf(toFloat64(lwq_m.original_principal), 0) AS paid_ratio_3m,
      toFloat64(sum(lwq_m.paid_in_month) OVER w3) / nullIf(toFloat64(sum(lwq_m.paid_in_month) OVER w3 + lwq_m.overdue_principal + lwq_m.overdue_interest), 0) AS paid_share_3m,
      toFloat64(lwq_m.overdue_principal + lwq_m.overdue_interest) / nullIf(toFloat64(lwq_m.original_principal), 0) AS overdue_ratio,
      if(ifNull(lwq_l.collateral_value, 0) > 0, toFloat64(lwq_m.principal_balance) / toFloat64(assumeNotNull(lwq_l.collateral_value)), NULL) AS ltv,
      if(lwq_c.birth_year IS NULL OR lwq_c.birth_year = 0, NULL, toFloat64(toYear(lwq_m.month_end)) - toFloat64(assumeNotNull(lwq_c.birth_year))) AS age,
      toFloat64(sum(lwq_m.n_actions) OVER w6) AS actions_6m,
      toFloat64(sum(lwq_m.n_contacts) OVER w3) AS contacts_3m,
      toFloat64(sum(lwq_m.n_promises) OVER w6) AS promises_6m,
      toFloat64(sum(lwq_m.n_broken) OVER w6) AS broken_promises_6m,
      toString(lwq_m.product) AS product, toString(lwq_l.repayment_method) AS repayment_method,
      toString(lwq_l.collateral_type) AS collateral_type, toString(lwq_m.region) AS region, toString(lwq_m.channel) AS channel,
      toString(ifNull(lwq_c.income_band, '')) AS income_band, toString(ifNull(lwq_c.borrower_type, '')) AS borrower_type,
      toUInt8(lwq_m.status = 'active' AND lwq_m.dpd <= ${threshold}) AS eligible,
      toUInt8(toLastDayOfMonth(addMonths(lwq_m.month_end, ${horizon})) <= ${o.dataEnd}) AS label_observed,
      toUInt8(max(lwq_m.dpd) OVER wnext > ${threshold}) AS label
    FROM (
      SELECT lwq_s.loan_id AS loan_id, lwq_s.month_end AS month_end, lwq_s.customer_id AS customer_id, lwq_s.branch AS branch,
        lwq_s.principal_balance AS principal_balance, lwq_s.dpd AS dpd, lwq_s.bucket AS bucket, lwq_s.status AS status, lwq_s.mob AS mob,
        lwq_s.original_principal AS original_principal, lwq_s.paid_in_month AS paid_in_month, lwq_s.overdue_principal AS overdue_principal,
        lwq_s.overdue_interest AS overdue_interest, lwq_s.product AS product, lwq_s.region AS region, lwq_s.channel AS channel,
        toInt64(toRelativeMonthNum(lwq_s.month_end)) AS mi,
        ifNull(lwq_a.n_actions, 0) AS n_actions, ifNull(lwq_a.n_contacts, 0) AS n_contacts, ifNull(lwq_a.n_promises, 0) AS n_promises,
        ifNull(lwq_k.n_broken, 0) AS n_broken
      FROM ${t('loan_month')} AS lwq_s
      LEFT JOIN (
        SELECT loan_id, toLastDayOfMonth(action_date) AS month_end, count() AS n_actions,
          countIf(outcome IN ('contacted', 'promise_to_pay', 'refused', 'paid')) AS n_contacts, countIf(outcome = 'promise_to_pay') AS n_promises
        FROM ${t('collection_actions')} WHERE ${inBucket('loan_id')} GROUP BY loan_id, month_end
      ) AS lwq_a ON lwq_a.loan_id = lwq_s.loan_id AND lwq_a.month_end = lwq_s.month_end
      LEFT JOIN (
        SELECT loan_id, toLastDayOfMonth(settles) AS month_end, countIf(paid < promised) AS n_broken FROM (
          SELECT lwq_q.action_id, any(lwq_q.loan_id) AS loan_id, any(lwq_q.settles) AS settles, any(lwq_q.promised) AS promised,
            sumIf(lwq_p.amount, lwq_p.paid_date >= lwq_q.action_date AND lwq_p.paid_date <= lwq_q.settles) AS paid
          FROM (SELECT action_id, loan_id, action_date, addDays(ifNull(promised_date, action_date), 3) AS settles, ifNull(promised_amount, toDecimal64(0, 2)) AS promised
                FROM ${t('collection_actions')} WHERE outcome = 'promise_to_pay' AND ${inBucket('loan_id')}) AS lwq_q
          LEFT JOIN (SELECT loan_id, paid_date, amount FROM ${t('payments')} WHERE ${inBucket('loan_id')}
                       AND loan_id IN (SELECT loan_id FROM ${t('collection_actions')} WHERE outcome = 'promise_to_pay')) AS lwq_p
            ON lwq_p.loan_id = lwq_q.loan_id
          GROUP BY lwq_q.action_id)
        GROUP BY loan_id, month_end
      ) AS lwq_k ON lwq_k.loan_id = lwq_s.loan_id AND lwq_k.month_end = lwq_s.month_end
      WHERE ${inBucket('lwq_s.loan_id')}
    ) AS lwq_m
    INNER JOIN (SELECT loan_id, customer_id, term_months, annual_rate, repayment_method, collateral_type, collateral_value
                FROM ${t('loans')} WHERE ${inBucket('loan_id')}) AS lwq_l ON lwq_l.loan_id = lwq_m.loan_id
    LEFT JOIN ${t('customers')} AS lwq_c ON lwq_c.customer_id = lwq_l.customer_id
    WINDOW w3 AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi ${months(3)}),
      w6 AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi ${months(6)}),
      w12 AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi ${months(12)}),
      wall AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
      wlag3 AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi RANGE BETWEEN 3 PRECEDING AND 3 PRECEDING),
      wnext AS (PARTITION BY lwq_m.loan_id ORDER BY lwq_m.mi RANGE BETWEEN 1 FOLLOWING AND ${horizon} FOLLOWING)
  ) WHERE status = 'active'`;
}

/**
 * Rebuilds ew_features from loan_month for one target, into a new table swapped in atomically.
 * The label is kept only for eligible rows (active, dpd ≤ threshold) whose outcome window ends on
 * or before the last snapshot month-end; training uses exactly those rows.
 */
export async function buildFeatures(wh: Warehouse, o: FeatureBuildOptions): Promise<{ rows: number; dataEnd: string }> {
  const log = o.log ?? (() => undefined);
  const dataEnd = (await lastSnapshotMonthEnd(wh)) ?? '1970-01-01';
  const live = tableRef(wh, 'ew_features');
  const next = tableRef(wh, 'ew_features_next');
  const columns = modelTables.ew_features.columns.map(([n]) => n);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  const nb = Math.max(1, o.buckets ?? 1);
  const dataEndParam = param(dataEnd, 'Date');
  const target = param(targetName(o.target), 'String');
  // ranges of loan ids (about equal payments each): a pass reads only its own granules of the inputs
  const parts = nb === 1 ? [wholeBook] : await loanRangeParts(wh, nb, 'payments');
  for (const [b, bucket] of parts.entries()) {
    const t0 = performance.now();
    const features = featureSelectSql(wh, o.target, { dataEnd: dataEndParam, bucket });
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(next)} (${trusted(columns.join(', '))})
      SELECT ${trusted(columns.filter((c) => c !== 'target').join(', '))}, ${target} AS target FROM (${features})`,
    );
    log(`features pass ${b + 1}/${parts.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${live}`);
  return { rows: Number(r!.n), dataEnd };
}
