import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Migration 48: rows quarantined before the quarantine masked phone and ID numbers typed in free text
 * (a bad amount kept the borrower's new mobile and resident ID as written) are masked the same way.
 */
describe('migration 48: quarantined rows masked', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_48');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('masks the numbers of a stored raw row at any position, leaves other rows as they were', async () => {
    const table = `${wh.database}.quarantine`;
    const rows = [
      [1, 'E1,L1,2024-07-03,waiver,abc,new number 13812345678 id 11010119800101002X'],
      [2, 'P1,L000000001,2024-07-03,1234.56,,,'],
      [3, '"13712345678, 021-62345678",x'],
    ] as const;
    await exec(
      wh,
      `INSERT INTO ${table} (ingest_id, entity, file, file_sha256, line, raw, reason, quarantined_at, row_key) VALUES ${rows
        .map(
          ([line, raw]) =>
            `('old', 'loan_events', 'f.csv', 'h', ${line}, '${raw}', 'amount: not a decimal number', now(), '')`,
        )
        .join(', ')}`,
    );
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 48`);
    expect(await migrate(wh)).toEqual([48]);
    expect((await queryRows<{ raw: string }>(wh, `SELECT raw FROM ${table} ORDER BY line`)).map((r) => r.raw)).toEqual([
      'E1,L1,2024-07-03,waiver,abc,new number 138****5678 id 110***********002X',
      'P1,L000000001,2024-07-03,1234.56,,,',
      '"137****5678, 021-****5678",x',
    ]);
    expect(await migrate(wh)).toEqual([]);
  });
});
