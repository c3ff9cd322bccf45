import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, render, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import { settingsLabel, snapshotParams, snapshotPass, type SnapshotSettings } from './snapshot-settings.ts';

export interface DelinquencyAsOf {
  loan_id: string;
  as_of: string;
  source: 'schedule' | 'performance';
  dpd: number;
  bucket: string;
  status: string;
  principal_balance: string;
  overdue_principal: string;
  overdue_interest: string;
}

/**
 * DPD and bucket of every loan on any date (SPEC §4: case lists are pulled
 * daily). Schedule loans are evaluated exactly at the date with the snapshot's
 * own SQL; tape loans carry their latest month-end on or before the date
 * (a tape has no intra-month information).
 */
export function delinquencyAsOfSql(wh: Warehouse, asOf: string, settings: SnapshotSettings): Sql {
  const date = param(asOf, 'Date');
  const pass = snapshotPass(snapshotParams(settings), { buckets: 1, bucket: 0, nonRetailOnly: false });
  return sql`
    SELECT loan_id, toString(${date}) AS as_of, 'schedule' AS source, dpd, bucket, status,
      toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
    FROM (${scheduleLoanMonthsSql(wh, { kind: 'as_of', date }, pass)})
    UNION ALL
    SELECT loan_id, toString(${date}), 'performance', dpd, bucket, status, toString(principal_balance), toString(overdue_principal), toString(overdue_interest)
    FROM (SELECT * FROM ${trusted(tableRef(wh, 'loan_month'))} WHERE source = 'performance' AND month_end <= ${date}
          ORDER BY month_end DESC LIMIT 1 BY loan_id)`;
}

export async function delinquencyAsOf(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
): Promise<DelinquencyAsOf[]> {
  return querySql<DelinquencyAsOf>(wh, sql`SELECT * FROM (${delinquencyAsOfSql(wh, asOf, settings)}) ORDER BY loan_id`);
}

/**
 * Active loans' delinquency on a date, with where it came from. `sql` is the fragment to compose
 * into a larger statement; `query` and `query_params` are it rendered alone, for a caller that runs it
 * by itself.
 */
export interface DelinquencyQuery {
  sql: Sql;
  source: 'snapshot' | 'history';
  query: string;
  query_params: Record<string, unknown>;
}

const delinquencyQuery = (fragment: Sql, source: DelinquencyQuery['source']): DelinquencyQuery => ({
  sql: fragment,
  source,
  ...render(fragment),
});

/**
 * DPD on a date for readers that want active loans (case lists, warnings). On a month-end covered
 * by the latest snapshot — built with the same settings and after the last ingest finished — the
 * snapshot rows are the answer (the same SQL made them, evaluated at that month-end); any other
 * date, or a stale snapshot, is evaluated from the history as delinquencyAsOfSql does.
 */
export async function activeDelinquencyQuery(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
): Promise<DelinquencyQuery> {
  const history = () => delinquencyQuery(delinquencyAsOfSql(wh, asOf, settings), 'history');
  if (lastMonthEnd(asOf) !== asOf) return history();
  const runs = trusted(tableRef(wh, 'snapshot_runs'));
  const date = param(asOf, 'Date');
  const [fresh] = await querySql<{ ok: number }>(
    wh,
    sql`SELECT
      (SELECT argMax(settings, started_at) FROM ${runs}) = ${param(settingsLabel(settings), 'String')}
      AND (SELECT argMax(last_month_end, started_at) FROM ${runs}) >= ${date}
      AND (SELECT max(started_at) FROM ${runs}) >= (SELECT max(finished_at) FROM ${trusted(tableRef(wh, 'ingest_receipts'))}) AS ok`,
  );
  if (fresh?.ok !== 1) return history();
  return delinquencyQuery(
    sql`SELECT loan_id, toString(month_end) AS as_of, toString(source) AS source, dpd, toString(bucket) AS bucket, toString(status) AS status,
        toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
      FROM ${trusted(tableRef(wh, 'loan_month'))} WHERE month_end = ${date} AND status = 'active'`,
    'snapshot',
  );
}
