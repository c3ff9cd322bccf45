import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { badFileLoans, loansCsv } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A line that is no JSON says where it is in its reason, not only in the quarantine's line column: a
 * reason copied into a log or a ticket is all a data engineer has of it. The bad line at the first, a
 * middle and the last place, the file with and without its last newline, through both loaders.
 */
describe('a malformed JSONL line names its line in the reason', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  beforeAll(async () => {
    wh = await testWarehouse('jsonl_malformed_line');
    dir = tmpDir('jsonl-malformed-line');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  const good = (i: number) =>
    `{"payment_id":"P${i}","loan_id":"L${i % badFileLoans}","paid_date":"2023-01-15","amount":"10.00"}`;
  // a trailing comma and an object cut short: what a broken export writes
  const broken = (i: number) => (i % 2 ? `{"payment_id":"P${i}","amount":"10.00",}` : `{"payment_id":"P${i}"`);

  const lines = 5;
  for (const at of [1, 3, lines])
    for (const newline of [true, false])
      it(`bad line ${at} of ${lines}, ${newline ? 'with' : 'without'} a last newline`, async () => {
        const path = join(dir, `payments-${at}-${newline ? 'nl' : 'no-nl'}.jsonl`);
        const text = Array.from({ length: lines }, (_, k) => (k + 1 === at ? broken(k + 1) : good(k + 1))).join('\n');
        writeFileSync(path, newline ? `${text}\n` : text);
        for (const loader of ['engine', 'stream'] as const) {
          await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
          await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
          const receipt = (await ingest(wh, [path], { piiSecret: 's', loader })).receipts[0]!;
          expect([receipt.rows_read, receipt.rows_accepted, receipt.rows_quarantined], loader).toEqual([
            lines,
            lines - 1,
            1,
          ]);
          const q = await queryRows<{ line: number; reason: string }>(
            wh,
            `SELECT toUInt32(line) AS line, reason FROM ${wh.database}.quarantine`,
          );
          expect(q, loader).toEqual([{ line: at, reason: `malformed JSON line (line ${at})` }]);
        }
      });
});
