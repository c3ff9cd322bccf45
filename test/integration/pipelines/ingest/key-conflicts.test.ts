import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCorrections } from '../../../../pipelines/ingest/corrections-list.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const csv = (dir: string, file: string, lines: string[]) => {
  const path = join(dir, file);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};

/** quarantined reasons of one ingest run by line */
async function reasons(wh: Awaited<ReturnType<typeof testWarehouse>>, ingestId: string) {
  const rows = await queryRows<{ line: string; reason: string }>(
    wh,
    `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String} ORDER BY line`,
    { id: ingestId },
  );
  return Object.fromEntries(rows.map((r) => [Number(r.line), r.reason]));
}

describe('a key loaded with different content: the reason names each differing column, old → new', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const payments = (n: number) =>
    Array.from({ length: n }, (_, i) => `P${i + 1},L1,2024-02-${String(10 + (i % 15)).padStart(2, '0')},100.00,,,,app`);
  const header = 'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid,channel';
  beforeAll(async () => {
    wh = await testWarehouse('keyconf');
    const dir = tmpDir('keyconf');
    csv(dir, 'customers.csv', ['customer_id,region,phone', 'C1,east,13812345678', 'C2,west,13900001111']);
    csv(dir, 'loans.csv', [
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
      'L1,C1,consumer,2024-01-15,12000.00,0.12,12',
      'L2,C2,consumer,2024-01-15,6000.00,0.12,12',
    ]);
    csv(dir, 'performance.csv', ['loan_id,as_of_month,dpd,principal_balance', 'L2,2024-02,0,5520.00']);
    csv(dir, 'payments.csv', [header, ...payments(7)]);
    await ingest(wh, [dir], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([
    ['first', 0],
    ['middle', 3],
    ['last', 6],
  ])('a changed amount on the %s line: amount 100.00 → 120.00 (money with its two decimals)', async (_at, i) => {
    const rows = payments(7);
    rows[i] = rows[i]!.replace(',100.00,', ',120,');
    const dir = tmpDir('keyconf-amount');
    const r = await ingest(wh, [csv(dir, 'payments.csv', [header, ...rows])], { piiSecret: 's' });
    expect(r.receipts[0]).toMatchObject({ rows_read: 7, rows_already_present: 6, rows_quarantined: 1 });
    expect(await reasons(wh, r.ingestId)).toEqual({
      [i + 2]: `payment_id P${i + 1} already loaded with different content: amount 100.00 → 120.00`,
    });
  });

  it('several columns differ, an empty one included: each is named in column order', async () => {
    const dir = tmpDir('keyconf-many');
    const r = await ingest(wh, [csv(dir, 'payments.csv', [header, 'P2,L2,2024-02-11,100.5,50,,,bank'])], {
      piiSecret: 's',
    });
    expect(await reasons(wh, r.ingestId)).toEqual({
      2: 'payment_id P2 already loaded with different content: loan_id L1 → L2, amount 100.00 → 100.50, principal_paid (empty) → 50.00, channel app → bank',
    });
  });

  it('a composite key names each part; a PII column is named, its values never shown', async () => {
    const dir = tmpDir('keyconf-pii');
    const r1 = await ingest(
      wh,
      [
        csv(dir, 'customers.csv', ['customer_id,region,phone', 'C1,east,13800000000']),
        csv(dir, 'performance.csv', ['loan_id,as_of_month,dpd,principal_balance', 'L2,2024-02,5,5520']),
      ],
      { piiSecret: 's' },
    );
    const got = (
      await queryRows<{ reason: string }>(
        wh,
        `SELECT reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String} ORDER BY reason`,
        { id: r1.ingestId },
      )
    ).map((r) => r.reason);
    expect(got).toEqual([
      'customer_id C1 already loaded with different content: phone (changed)',
      'loan_id L2, as_of_month 2024-02 already loaded with different content: dpd 0 → 5',
    ]);
    const [q] = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.quarantine WHERE reason LIKE '%1380%' OR reason LIKE '%****%'`,
    );
    expect(Number(q!.n)).toBe(0);
  });
  // last: it corrects L2's tape month
  it('the corrections trail names a tape month as YYYY-MM, and finds it so or as its first day', async () => {
    const dir = tmpDir('keyconf-tape-key');
    await ingest(
      wh,
      [csv(dir, 'performance.csv', ['loan_id,as_of_month,dpd,principal_balance', 'L2,2024-02,5,5520'])],
      {
        piiSecret: 's',
        correct: true,
      },
    );
    for (const key of ['L2/2024-02', 'L2/2024-02-01'])
      expect(
        (await listCorrections(wh, { entity: 'performance', key }, 10)).map((r) => r.key),
        key,
      ).toEqual(['L2/2024-02']);
  });
});
