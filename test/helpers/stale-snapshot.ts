import type { Warehouse } from '../../warehouse/connection.ts';

/**
 * A receipt of an ingest that finished after the snapshot read its inputs: the snapshot is stale,
 * and what reads state on a date goes to each loan's history instead (its rows change nothing).
 */
export async function markSnapshotStale(wh: Warehouse, entity: string): Promise<void> {
  await wh.client.insert({
    table: `${wh.database}.ingest_receipts`,
    format: 'JSONEachRow',
    values: [
      {
        ingest_id: 'late',
        entity,
        file: 'x',
        file_sha256: 'x',
        format: 'csv',
        rows_read: 0,
        rows_accepted: 0,
        rows_inserted: 0,
        rows_already_present: 0,
        rows_quarantined: 0,
        started_at: Date.now() + 1000,
        finished_at: Date.now() + 2000,
      },
    ],
  });
}
