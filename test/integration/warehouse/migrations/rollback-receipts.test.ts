import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Migration 44: rollback receipts written before 356e64d counted the removed rows as read and
 * accepted (a daily sum of rows_accepted counted them loaded); they keep them in rows_retracted only.
 */
describe('migration 44: rollback receipts', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_44');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it("zeroes an old rollback receipt's read and accepted rows, leaves loads and corrections as they were", async () => {
    const table = `${wh.database}.ingest_receipts`;
    await exec(
      wh,
      `INSERT INTO ${table} (ingest_id, entity, file, file_sha256, format, rows_read, rows_accepted, rows_inserted,
        rows_already_present, rows_quarantined, started_at, finished_at, mode, rows_corrected, rows_retracted) VALUES
        ('R1', 'payments', 'payments.csv', 'a', 'csv', 10, 9, 9, 0, 1, '2024-06-01 00:00:00', '2024-06-01 00:00:01', 'load', 0, 0),
        ('R2', 'payments', 'rollback of R1', '', '', 9, 9, 0, 0, 0, '2024-06-02 00:00:00', '2024-06-02 00:00:01', 'rollback', 0, 9),
        ('R3', 'payments', 'fix.csv', 'b', 'csv', 2, 2, 2, 0, 0, '2024-06-03 00:00:00', '2024-06-03 00:00:01', 'correct', 2, 0)`,
    );
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 44`);
    expect(await migrate(wh)).toEqual([44]);
    expect(
      await queryRows(
        wh,
        `SELECT ingest_id, mode, rows_read, rows_accepted, rows_inserted, rows_retracted FROM ${table} ORDER BY ingest_id`,
      ),
    ).toEqual([
      { ingest_id: 'R1', mode: 'load', rows_read: 10, rows_accepted: 9, rows_inserted: 9, rows_retracted: 0 },
      {
        ingest_id: 'R2',
        mode: 'rollback',
        rows_read: 0,
        rows_accepted: 0,
        rows_inserted: 0,
        rows_retracted: 9,
      },
      { ingest_id: 'R3', mode: 'correct', rows_read: 2, rows_accepted: 2, rows_inserted: 2, rows_retracted: 0 },
    ]);
    expect(await migrate(wh)).toEqual([]);
  });
});
