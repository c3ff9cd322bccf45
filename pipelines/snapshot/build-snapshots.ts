import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { systemTables } from '../../warehouse/tables.ts';
import { classNameOf } from './classify-sql.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { snapshotParams, type SnapshotSettings } from './snapshot-settings.ts';
import { tapeLoanMonthsSql } from './tape-path-sql.ts';

export interface SnapshotOptions {
  /** the data's as-of date; snapshots cover every month-end on or before it */
  asOf: string;
  settings: SnapshotSettings;
  /** loans are processed in this many hash buckets to bound memory */
  buckets?: number;
  log?: (line: string) => void;
}

/** The last month-end on or before a date. */
export function lastMonthEnd(asOf: string): string {
  const d = new Date(`${asOf}T00:00:00Z`);
  const next = new Date(d.getTime() + 86_400_000);
  if (next.getUTCMonth() !== d.getUTCMonth()) return asOf;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).toISOString().slice(0, 10);
}

const stagedColumns = 'loan_id, customer_id, product, region, branch, channel, cohort_month, original_principal, non_retail, month_end, mob, dpd, status, principal_balance, overdue_principal, overdue_interest, paid_in_month, default_flag, bucket, class_ord, class_rule, ifrs9_stage';

/**
 * Rebuilds loan_month (one row per loan per month-end, SPEC §4) inside
 * ClickHouse: both input paths into a build table, then borrower contagion
 * and manual overrides, then an atomic EXCHANGE so readers never see a
 * half-built snapshot.
 */
export async function buildMonthEndSnapshots(wh: Warehouse, o: SnapshotOptions): Promise<{ rows: number; lastMonthEnd: string }> {
  const log = o.log ?? (() => {});
  const lastMe = lastMonthEnd(o.asOf);
  const params = { ...snapshotParams(o.settings), last_me: lastMe };
  const build = tableRef(wh, 'loan_month_build');
  const next = tableRef(wh, 'loan_month_next');
  const live = tableRef(wh, 'loan_month');
  const nb = Math.max(1, o.buckets ?? 1);
  await exec(wh, `DROP TABLE IF EXISTS ${build}`);
  await exec(wh, `CREATE TABLE ${build} (
      loan_id String, customer_id String, product LowCardinality(String), region LowCardinality(String), branch LowCardinality(String),
      channel LowCardinality(String), cohort_month Date, original_principal Decimal(18, 2), non_retail UInt8, month_end Date, mob UInt16,
      dpd UInt32, status LowCardinality(String), principal_balance Decimal(18, 2), overdue_principal Decimal(18, 2),
      overdue_interest Decimal(18, 2), paid_in_month Decimal(18, 2), default_flag UInt8, bucket LowCardinality(String),
      class_ord UInt8, class_rule LowCardinality(String), ifrs9_stage UInt8, source LowCardinality(String)
    ) ENGINE = MergeTree ORDER BY (month_end, customer_id, loan_id)`);
  for (let b = 0; b < nb; b++) {
    const t0 = performance.now();
    await exec(wh, `INSERT INTO ${build} (${stagedColumns}, source) SELECT ${stagedColumns}, 'schedule' FROM (${scheduleLoanMonthsSql(wh, 'month_ends')})`, { ...params, nb, b }, { max_bytes_before_external_group_by: 2_000_000_000 });
    await exec(wh, `INSERT INTO ${build} (${stagedColumns}, source) SELECT ${stagedColumns}, 'performance' FROM (${tapeLoanMonthsSql(wh)})`, { ...params, nb, b });
    log(`snapshot bucket ${b + 1}/${nb} built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  const columns = systemTables.loan_month.columns.map(([n]) => n);
  // Contagion (2023 rules, art. 13): a non-retail borrower whose non-performing share of exposure exceeds
  // the threshold has all its active loans classified at least 次级 (substandard).
  await exec(wh, `INSERT INTO ${next} (${columns.join(', ')})
    SELECT b.loan_id, b.month_end, b.source, b.customer_id, b.product, b.region, b.branch, b.channel, b.cohort_month,
      b.original_principal, b.mob, b.dpd, b.bucket, b.principal_balance, b.overdue_principal, b.overdue_interest, b.paid_in_month, b.status,
      multiIf(o.loan_id != '', o.five_class, ${classNameOf('final_ord')}) AS five_class,
      multiIf(o.loan_id != '', 'manual_override', contagious AND b.class_ord < 3, 'contagion', b.class_rule) AS five_class_rule,
      b.ifrs9_stage, b.default_flag, {settings_label:String}
    FROM (
      SELECT *, (g.customer_id != '' AND non_retail = 1 AND status = 'active') AS contagious,
        if(contagious, greatest(class_ord, 3), class_ord) AS final_ord
      FROM ${build} AS bb
      LEFT JOIN (SELECT customer_id, month_end FROM ${build} WHERE non_retail = 1 AND status = 'active'
                 GROUP BY customer_id, month_end
                 HAVING sumIf(principal_balance, class_ord >= 3) > {contagion_share:Float64} * sum(principal_balance)) AS g
        ON g.customer_id = bb.customer_id AND g.month_end = bb.month_end
    ) AS b
    ASOF LEFT JOIN (SELECT loan_id, effective_date, argMax(five_class, set_at) AS five_class FROM ${tableRef(wh, 'classification_overrides')} GROUP BY loan_id, effective_date) AS o
      ON o.loan_id = b.loan_id AND b.month_end >= o.effective_date`, params);
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `DROP TABLE IF EXISTS ${build}`);
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${live}`);
  return { rows: Number(r!.n), lastMonthEnd: lastMe };
}
