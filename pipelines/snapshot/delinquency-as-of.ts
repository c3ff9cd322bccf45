import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import { snapshotParams, type SnapshotSettings } from './snapshot-settings.ts';

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
  return { query, query_params: { ...snapshotParams(settings), as_of: asOf, last_me: lastMonthEnd(asOf), nb: 1, b: 0, non_retail_only: 0 } };
}

export async function delinquencyAsOf(wh: Warehouse, asOf: string, settings: SnapshotSettings): Promise<DelinquencyAsOf[]> {
  const { query, query_params } = delinquencyAsOfQuery(wh, asOf, settings);
  const rows = await queryRows<DelinquencyAsOf>(wh, `SELECT * FROM (${query}) ORDER BY loan_id`, query_params);
  return rows.map((r) => ({ ...r, dpd: Number(r.dpd) }));
}
