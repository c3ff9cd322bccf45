import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { systemTables } from '../../warehouse/tables.ts';
import { classNameOf } from './classify-sql.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { param, sql, trusted, type Param } from '../../warehouse/sql.ts';
import {
  settingsLabel,
  snapshotParams,
  snapshotPass,
  type SnapshotPass,
  type SnapshotSettings,
} from './snapshot-settings.ts';
import { tapeLoanMonthsSql } from './tape-path-sql.ts';
import { fillAccrual } from '../accrual/fill-accrual.ts';
import {
  createLoanKeysStatements,
  loanKeyOf,
  loanKeysTable,
  rebuildDerivedFacts,
} from '../../warehouse/derived-facts.ts';

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

/** Both input paths, as one stream of classified loan-months up to the month-end `lastMe`. */
const loanMonths = (wh: Warehouse, lastMe: Param, pass: SnapshotPass) => sql`
  SELECT *, 'schedule' AS source FROM (${scheduleLoanMonthsSql(wh, { kind: 'month_ends', through: lastMe }, pass)})
  UNION ALL
  SELECT *, 'performance' AS source FROM (${tapeLoanMonthsSql(wh, lastMe, pass)})`;

/**
 * Rebuilds loan_month (one row per loan per month-end, SPEC §4) inside ClickHouse.
 * A pre-pass over non-retail loans only finds the contagious borrower-months
 * (2023 rules, art. 13: a non-retail borrower whose non-performing share of exposure
 * exceeds the threshold has all its active loans at least 次级); the main pass then
 * writes every final row once, with contagion and manual overrides joined in, into a
 * new table that replaces the live one atomically (EXCHANGE), so readers never see a
 * half-built snapshot.
 */
export async function buildMonthEndSnapshots(
  wh: Warehouse,
  o: SnapshotOptions,
): Promise<{ rows: number; lastMonthEnd: string }> {
  const log = o.log ?? (() => undefined);
  const lastMe = lastMonthEnd(o.asOf);
  const settings = snapshotParams(o.settings);
  const lastMeParam = param(lastMe, 'Date');
  const contagion = tableRef(wh, 'loan_month_contagion');
  const next = tableRef(wh, 'loan_month_next');
  const live = tableRef(wh, 'loan_month');
  const nb = Math.max(1, o.buckets ?? 1);
  const startedAt = Date.now();
  const t0 = performance.now();
  await exec(wh, `DROP TABLE IF EXISTS ${contagion}`);
  const prePass = snapshotPass(settings, { buckets: 1, bucket: 0, nonRetailOnly: true });
  await execSql(
    wh,
    sql`CREATE TABLE ${trusted(contagion)} ENGINE = Memory AS
    SELECT customer_id, month_end FROM (${loanMonths(wh, lastMeParam, prePass)})
    WHERE non_retail = 1 AND status = 'active'
    GROUP BY customer_id, month_end
    HAVING sumIf(principal_balance, class_ord >= 3) > ${settings.contagionShare} * sum(principal_balance)`,
  );
  log(`snapshot contagion pre-pass in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  for (const s of createLoanKeysStatements(wh)) await exec(wh, s);
  const columns = systemTables.loan_month.columns.map(([n]) => n);
  for (let b = 0; b < nb; b++) {
    const t1 = performance.now();
    const pass = snapshotPass(settings, { buckets: nb, bucket: b, nonRetailOnly: false });
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(next)} (${trusted(columns.join(', '))})
      SELECT lwq_b.loan_id, lwq_b.month_end, lwq_b.source, lwq_b.customer_id, lwq_b.product, lwq_b.region, lwq_b.branch, lwq_b.channel,
        lwq_b.cohort_month, lwq_b.original_principal, lwq_b.mob, lwq_b.dpd, lwq_b.bucket, lwq_b.principal_balance, lwq_b.overdue_principal,
        lwq_b.overdue_interest, lwq_b.paid_in_month, lwq_b.status,
        multiIf(lwq_o.loan_id != '', lwq_o.five_class, ${classNameOf('final_ord')}) AS five_class,
        multiIf(lwq_o.loan_id != '', 'manual_override', contagious AND lwq_b.class_ord < 3, 'contagion', lwq_b.class_rule) AS five_class_rule,
        lwq_b.ifrs9_stage, lwq_b.default_flag, ${settings.label},
        lwq_b.prev_bucket, lwq_b.prev_balance, lwq_b.ever_bits, lwq_b.new_ever_bits, lwq_b.next_month_end, ${trusted(loanKeyOf(wh, 'lwq_b.loan_id'))}
      FROM (
        SELECT *, (lwq_g.customer_id != '' AND non_retail = 1 AND status = 'active') AS contagious,
          if(contagious, greatest(class_ord, 3), class_ord) AS final_ord
        FROM (${loanMonths(wh, lastMeParam, pass)}) AS lwq_m
        LEFT JOIN ${trusted(contagion)} AS lwq_g ON lwq_g.customer_id = lwq_m.customer_id AND lwq_g.month_end = lwq_m.month_end
      ) AS lwq_b
      ASOF LEFT JOIN (SELECT loan_id, effective_date, argMax(five_class, set_at) AS five_class FROM ${trusted(tableRef(wh, 'classification_overrides'))} GROUP BY loan_id, effective_date) AS lwq_o
        ON lwq_o.loan_id = lwq_b.loan_id AND lwq_b.month_end >= lwq_o.effective_date`,
      { max_insert_threads: 2 },
    );
    log(`snapshot pass ${b + 1}/${nb} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `DROP TABLE IF EXISTS ${contagion}`);
  await exec(wh, `DROP TABLE IF EXISTS ${loanKeysTable(wh)}`);
  await rebuildDerivedFacts(wh);
  await fillAccrual(wh, { settings: o.settings }); // issue 23: what is owed beyond the schedule, per loan-month
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${live}`);
  // when the inputs were read: a later ingest makes this snapshot stale for readers that check (delinquency on a date)
  await wh.client.insert({
    table: tableRef(wh, 'snapshot_runs'),
    format: 'JSONEachRow',
    values: [
      { started_at: startedAt, last_month_end: lastMe, settings: settingsLabel(o.settings), rows: Number(r!.n) },
    ],
  });
  return { rows: Number(r!.n), lastMonthEnd: lastMe };
}
