import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * Bytes of another encoding in a UTF-8 file: the engine sees them as they are, the stream loader
 * decodes them in Node into U+FFFD. Either way the row is quarantined, never stored damaged.
 */
describe('text damaged by another encoding, in either loader', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('replacement_char');
  });
  afterAll(() => disposeIfOpened(wh));

  const loan = (id: string, branch: Buffer | string) =>
    Buffer.concat([
      Buffer.from(`${id},C1,consumer,2024-01-05,1000.00,0.1,12,`),
      typeof branch === 'string' ? Buffer.from(branch) : branch,
      Buffer.from('\n'),
    ]);
  const latin1 = iconv.encode('Zürich', 'latin1');

  it.each(['engine', 'stream'] as const)(
    'CSV, %s loader: the damaged rows quarantined, the rest loaded',
    async (loader) => {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const dir = tmpDir(`repl-${loader}`);
      writeFileSync(
        join(dir, 'loans.csv'),
        Buffer.concat([
          Buffer.from('loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,branch\n'),
          loan('A1', 'north'),
          loan('A2', latin1),
          loan('A3', '手机银行'),
          loan('A4', 'already \uFFFD damaged'),
          loan('A5', latin1),
        ]),
      );
      const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: 5, rows_accepted: 2, rows_quarantined: 3 });
      const q = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine ORDER BY line`,
      );
      expect(q).toEqual(
        ['3', '5', '6'].map((line) => ({ line, reason: 'branch: not valid UTF-8 text (bytes of another encoding)' })),
      );
      const loaded = await queryRows<{ branch: string }>(
        wh,
        `SELECT branch FROM ${wh.database}.loans ORDER BY loan_id`,
      );
      expect(loaded.map((r) => r.branch)).toEqual(['north', '手机银行']);
    },
  );

  it.each(['engine', 'stream'] as const)('JSONL, %s loader: the damaged line quarantined', async (loader) => {
    await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
    await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
    const dir = tmpDir(`repl-jsonl-${loader}`);
    const row = (id: string) =>
      `{"loan_id":"${id}","customer_id":"C1","product":"consumer","origination_date":"2024-01-05","principal":"1000.00","annual_rate":"0.1","term_months":12,"branch":"`;
    writeFileSync(
      join(dir, 'loans.jsonl'),
      Buffer.concat([Buffer.from(`${row('J1')}north"}\n${row('J2')}`), latin1, Buffer.from('"}\n')]),
    );
    const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
    expect(receipts[0]).toMatchObject({ rows_read: 2, rows_accepted: 1, rows_quarantined: 1 });
    const [q] = await queryRows<{ reason: string }>(wh, `SELECT reason FROM ${wh.database}.quarantine`);
    expect(q?.reason).toBe('not valid UTF-8 text (bytes of another encoding)');
  });
});
