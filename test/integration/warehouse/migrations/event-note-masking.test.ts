import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Migration 42: event notes stored before the ingest masked phone and ID numbers are masked the same
 * way, so a re-sent old file hashes as the stored row (already present, not a key conflict whose
 * reason wrote the number out) and no answer serves the number.
 */
describe('migration 42: loan_events notes masked', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_42');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('masks a number at any position of a stored note, leaves other notes and codes as they were', async () => {
    const table = `${wh.database}.loan_events`;
    const notes = [
      ['E1', '投诉人电话13812345678'],
      ['E2', '13812345678 called back'],
      ['E3', 'id 110101199001011234 and 021-62345678 in the middle'],
      ['E4', 'AG03'],
      ['E5', 'paid 2500.00 on 2024-06-01'],
    ] as const;
    await exec(
      wh,
      `INSERT INTO ${table} (event_id, loan_id, event_date, type, amount, note, ingest_id) VALUES ${notes
        .map(([id, note]) => `('${id}', 'L1', '2024-06-01', 'settlement', 0, '${note}', 'old')`)
        .join(', ')}`,
    );
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 42`);
    expect(await migrate(wh)).toEqual([42]);
    expect(await queryRows(wh, `SELECT event_id, note FROM ${table} ORDER BY event_id`)).toEqual([
      { event_id: 'E1', note: '投诉人电话138****5678' },
      { event_id: 'E2', note: '138****5678 called back' },
      { event_id: 'E3', note: 'id 110***********1234 and 021-****5678 in the middle' },
      { event_id: 'E4', note: 'AG03' },
      { event_id: 'E5', note: 'paid 2500.00 on 2024-06-01' },
    ]);
    expect(await migrate(wh)).toEqual([]);
  });
});
