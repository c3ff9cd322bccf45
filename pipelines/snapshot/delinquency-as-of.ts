import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import { settingsLabel, snapshotParams, type SnapshotSettings } from './snapshot-settings.ts';

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
export function delinquencyAsOfQuery(wh: Warehouse, asOf: string, settings: SnapshotSettings) {
  const query = `
    SELECT loan_id, toString({as_of:Date}) AS as_of, 'schedule' AS source, dpd, bucket, status,
      toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
    FROM (${scheduleLoanMonthsSql(wh, 'as_of')})
    UNION ALL
    SELECT loan_id, toString({as_of:Date}), 'performance', dpd, bucket, status, toString(principal_balance), toString(overdue_principal), toString(overdue_interest)
    FROM (SELECT * FROM ${tableRef(wh, 'loan_month')} WHERE source = 'performance' AND month_end <= {as_of:Date}
          ORDER BY month_end DESC LIMIT 1 BY loan_id)`;
  return {
    query,
    query_params: {
      ...snapshotParams(settings),
      as_of: asOf,
      last_me: lastMonthEnd(asOf),
      nb: 1,
      b: 0,
      non_retail_only: 0,
    },
  };
}

export async function delinquencyAsOf(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
): Promise<DelinquencyAsOf[]> {
  const { query, query_params } = delinquencyAsOfQuery(wh, asOf, settings);
  return queryRows<DelinquencyAsOf>(wh, `SELECT * FROM (${query}) ORDER BY loan_id`, query_params);
}

/**
 * DPD on a date for readers that want active loans (case lists, warnings). On a month-end covered
 * by the latest snapshot — built with the same settings and after the last ingest finished — the
 * snapshot rows are the answer (the same SQL made them, evaluated at that month-end); any other
 * date, or a stale snapshot, is evaluated from the history as delinquencyAsOfQuery does.
 */
export async function activeDelinquencyQuery(wh: Warehouse, asOf: string, settings: SnapshotSettings) {
  const history = delinquencyAsOfQuery(wh, asOf, settings);
  if (lastMonthEnd(asOf) !== asOf) return { ...history, source: 'history' as const };
  const [fresh] = await queryRows<{ ok: number }>(
    wh,
    `SELECT
      (SELECT argMax(settings, started_at) FROM ${tableRef(wh, 'snapshot_runs')}) = {label:String}
      AND (SELECT argMax(last_month_end, started_at) FROM ${tableRef(wh, 'snapshot_runs')}) >= {d:Date}
      AND (SELECT max(started_at) FROM ${tableRef(wh, 'snapshot_runs')}) >= (SELECT max(finished_at) FROM ${tableRef(wh, 'ingest_receipts')}) AS ok`,
    { label: settingsLabel(settings), d: asOf },
  );
  if (fresh?.ok !== 1) return { ...history, source: 'history' as const };
  return {
    query: `SELECT loan_id, toString(month_end) AS as_of, toString(source) AS source, dpd, toString(bucket) AS bucket, toString(status) AS status,
        toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
      FROM ${tableRef(wh, 'loan_month')} WHERE month_end = {as_of:Date} AND status = 'active'`,
    query_params: { as_of: asOf },
    source: 'snapshot' as const,
  };
}
