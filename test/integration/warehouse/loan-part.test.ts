import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, queryRows } from '../../../warehouse/connection.ts';
import { inLoanPart, rangeParts } from '../../../warehouse/loan-part.ts';
import { render } from '../../../warehouse/sql.ts';
import { Rng } from '../../../lib/random.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** the engine compares strings as bytes */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('range parts in the engine', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const ids: string[] = [];
  beforeAll(async () => {
    wh = await testWarehouse('loan_part');
    const rng = new Rng(7);
    for (let i = 0; i < 3000; i++)
      ids.push(`${rng.chance(0.1) ? 'X' : 'L'}${String(rng.int(0, 99_999)).padStart(6, '0')}`);
    ids.push('', "L'1", 'Ł1');
    await exec(wh, `CREATE TABLE ${wh.database}.ids (loan_id String) ENGINE = MergeTree ORDER BY loan_id`);
    await wh.client.insert({
      table: `${wh.database}.ids`,
      format: 'JSONEachRow',
      values: ids.map((loan_id) => ({ loan_id })),
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('every id falls in exactly one part, whatever the boundaries (ids of the table, the empty id, others, repeated)', async () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 12; trial++) {
      const drawn = Array.from({ length: rng.int(1, 6) }, () =>
        rng.chance(0.5) ? ids[rng.int(0, ids.length - 1)]! : `L${String(rng.int(0, 99_999)).padStart(6, '0')}`,
      );
      const boundaries = (trial === 0 ? ['', "L'1", 'Ł1', 'Ł1'] : drawn).sort(byteOrder);
      const per = await Promise.all(
        rangeParts(boundaries).map(async (p) => {
          const c = render(inLoanPart('loan_id', p));
          const rows = await queryRows<{ loan_id: string }>(
            wh,
            `SELECT loan_id FROM ${wh.database}.ids WHERE ${c.query}`,
            c.query_params,
          );
          return rows.map((r) => r.loan_id);
        }),
      );
      expect(per.flat().sort(byteOrder)).toEqual([...ids].sort(byteOrder));
    }
  });
});
