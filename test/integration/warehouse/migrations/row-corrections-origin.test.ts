import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/** Migration 41: row_corrections gains actor and reason; the rows audited before keep them empty. */
describe('migration 41: row_corrections.actor and .reason', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_41');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('adds both columns to a table without them, empty on the rows already there', async () => {
    const table = `${wh.database}.row_corrections`;
    await exec(wh, `ALTER TABLE ${table} DROP COLUMN actor, DROP COLUMN reason`);
    await exec(
      wh,
      `INSERT INTO ${table} (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line)
      VALUES (now64(3), 'r1', 'payments', 'P1', 'retract', '{}', '', 1, 0, 'r0', 'L1', '', 'keys.csv', 2)`,
    );
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 41`);
    expect(await migrate(wh)).toEqual([41]);
    expect(await queryRows(wh, `SELECT key, actor, reason FROM ${table}`)).toEqual([
      { key: 'P1', actor: '', reason: '' },
    ]);
    expect(await migrate(wh)).toEqual([]);
  });
});
