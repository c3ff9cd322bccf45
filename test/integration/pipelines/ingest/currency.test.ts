import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { entityFileText } from '../../../helpers/entity-file-text.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A loan's currency is an alphabetic code of ISO 4217's current list (lib/iso-4217.ts), CNY when
 * absent; anything else is quarantined naming the value, wherever the row is, in either loader.
 */
const LOANS = ['loan_id', 'customer_id', 'product', 'origination_date', 'principal', 'annual_rate', 'term_months'];
const loan = (id: string, currency: string | null) => {
  const row = [id, 'C1', 'consumer', '2024-01-05', '1000.00', '0.1', '12'];
  return currency === null ? row : [...row, currency];
};
const notIso = (v: string) => `currency: ${v} is not an ISO 4217 currency code (three upper-case letters, e.g. CNY)`;
/** accepted rows and what they store */
const good: [string[], string][] = [
  [loan('G1', 'CNY'), 'CNY'],
  [loan('G2', 'USD'), 'USD'],
  [loan('G3', ''), 'CNY'],
  [loan('G4', ' EUR '), 'EUR'],
  [loan('G5', 'TWD'), 'TWD'],
];
const bad: [string[], string][] = [
  [loan('B1', 'usd'), notIso('usd')],
  [loan('B2', 'RMB'), notIso('RMB')],
  [loan('B3', 'CN'), notIso('CN')],
  [loan('B4', 'CNYY'), notIso('CNYY')],
  [loan('B5', 'HRK'), notIso('HRK')],
  [loan('B6', '人民币'), notIso('人民币')],
];

describe('a loan currency: ISO 4217 or quarantined', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('currency');
  });
  afterAll(() => disposeIfOpened(wh));

  describe.each([
    ['engine', 'csv'],
    ['stream', 'csv'],
    ['engine', 'jsonl'],
    ['stream', 'jsonl'],
  ] as const)('%s loader, %s', (loader, format) => {
    it.each([0, 1, 2] as const)('each bad code at position %i is quarantined naming it', async (at) => {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const i = at === 0 ? 0 : at === 1 ? 2 : good.length;
      const rows = [...good.slice(0, i).map(([r]) => r), ...bad.map(([r]) => r), ...good.slice(i).map(([r]) => r)];
      const dir = tmpDir(`cur-${loader}-${format}`);
      writeFileSync(join(dir, `loans.${format}`), entityFileText(format, [...LOANS, 'currency'], rows));
      const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: 11, rows_accepted: 5, rows_quarantined: 6 });
      const q = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine ORDER BY toUInt64(line)`,
      );
      const first = i + (format === 'csv' ? 2 : 1);
      expect(q).toEqual(bad.map(([, reason], k) => ({ line: String(first + k), reason })));
      const loaded = await queryRows<{ loan_id: string; currency: string }>(
        wh,
        `SELECT loan_id, currency FROM ${wh.database}.loans ORDER BY loan_id`,
      );
      expect(loaded).toEqual(good.map(([r, currency]) => ({ loan_id: r[0], currency })));
    });
  });

  it.each(['engine', 'stream'] as const)('a file without the column: CNY (%s loader)', async (loader) => {
    await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
    const dir = tmpDir(`cur-none-${loader}`);
    writeFileSync(join(dir, 'loans.csv'), entityFileText('csv', LOANS, [loan('N1', null), loan('N2', null)]));
    const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
    expect(receipts[0]).toMatchObject({ rows_read: 2, rows_accepted: 2 });
    const loaded = await queryRows<{ currency: string }>(wh, `SELECT DISTINCT currency FROM ${wh.database}.loans`);
    expect(loaded).toEqual([{ currency: 'CNY' }]);
  });
});
