import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { entityFileText } from '../../../helpers/entity-file-text.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A C0 control character in a field (a NUL, an escape): quarantined naming the column and the
 * character, in either loader, CSV and JSONL; an identifier holds none, other text a tab, a line feed
 * or a carriage return at most. The row is quarantined wherever it is in the file.
 */
const LOANS = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,branch';
const loan = (id: string, customer: string, branch: string) =>
  [id, customer, 'consumer', '2024-01-05', '1000.00', '0.1', '12', branch] as const;
const good = [loan('G1', 'C1', 'north'), loan('G2', 'C1', 'tab\there'), loan('G3', 'C1', 'south')];
/** each bad row and its reason */
const bad: [readonly string[], string][] = [
  [loan('B1', 'C1', 'nor\u0000th'), 'branch: control character U+0000'],
  [loan('B2', 'C1', '\u001b[31mred'), 'branch: control character U+001B'],
  [loan('B3', 'C\u0001', 'west'), 'customer_id: control character U+0001'],
  [loan('B\t4', 'C1', 'east'), 'loan_id: control character U+0009'],
];

describe('control characters in a field, in either loader', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('control_chars');
  });
  afterAll(() => disposeIfOpened(wh));

  describe.each([
    ['engine', 'csv'],
    ['stream', 'csv'],
    ['engine', 'jsonl'],
    ['stream', 'jsonl'],
  ] as const)('%s loader, %s', (loader, format) => {
    it.each([0, 1, 2] as const)('the bad row at position %i is quarantined, naming the column', async (at) => {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      for (const [row, reason] of bad) {
        const i = at === 0 ? 0 : at === 1 ? 1 : good.length;
        const rows = [...good.slice(0, i), row, ...good.slice(i)];
        const dir = tmpDir(`ctl-${loader}-${format}`);
        writeFileSync(join(dir, `loans.${format}`), entityFileText(format, LOANS.split(','), rows));
        const { receipts, ingestId } = await ingest(wh, [dir], { piiSecret: 's', loader });
        expect(receipts[0]).toMatchObject({ rows_read: 4, rows_accepted: 3, rows_quarantined: 1 });
        const q = await queryRows<{ line: string; reason: string }>(
          wh,
          `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String}`,
          { id: ingestId },
        );
        expect(q).toEqual([{ line: String(i + (format === 'csv' ? 2 : 1)), reason }]);
      }
      const branches = await queryRows<{ branch: string }>(
        wh,
        `SELECT DISTINCT branch FROM ${wh.database}.loans ORDER BY branch`,
      );
      expect(branches.map((r) => r.branch)).toEqual(['north', 'south', 'tab\there']);
    });
  });

  it('a JSON line with an unescaped control byte in a string is quarantined alike by both loaders', async () => {
    const reasons: string[] = [];
    for (const loader of ['engine', 'stream'] as const) {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const dir = tmpDir(`ctl-raw-${loader}`);
      const names = LOANS.split(',');
      const line = (r: readonly string[]) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, r[i]])));
      // JSON.stringify escapes the byte; put it back raw
      const raw = line(loan('R1', 'C1', 'nor\u0001th')).replace('\\u0001', '\u0001');
      writeFileSync(join(dir, 'loans.jsonl'), `${line(good[0]!)}\n${raw}\n${line(good[2]!)}\n`);
      const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: 3, rows_quarantined: 1 });
      const [q] = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine`,
      );
      expect(q!.line).toBe('2');
      reasons.push(q!.reason);
    }
    expect(reasons[1]).toBe(reasons[0]);
  });

  it.each(['engine', 'stream'] as const)(
    'a personal-data field: the reason names the character, never the value (%s loader)',
    async (loader) => {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const dir = tmpDir(`ctl-pii-${loader}`);
      writeFileSync(join(dir, 'customers.csv'), 'customer_id,phone\nP1,13812345678\nP2,1381234\u00005678\n');
      const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: 2, rows_accepted: 1, rows_quarantined: 1 });
      const q = await queryRows<{ reason: string; raw: string }>(
        wh,
        `SELECT reason, raw FROM ${wh.database}.quarantine`,
      );
      expect(q).toEqual([{ reason: 'phone: control character U+0000', raw: '"P2","***"' }]);
    },
  );
});
