import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { loansCsv } from '../../../helpers/bad-row-file.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/** A blank JSONL file is refused (file-errors.test.ts); blank lines before its first JSON line are not blankness. */
describe('a JSONL file whose first JSON line comes after 70 KB of blank lines', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('jsonl_blank_lines');
  });
  afterAll(() => disposeIfOpened(wh));

  it('loads: the whole file is read for text, not the first 64 KiB', async () => {
    const dir = tmpDir('jsonl_late');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    writeFileSync(
      join(dir, 'payments.jsonl'),
      '\n'.repeat(70_000) + '{"payment_id":"P1","loan_id":"L1","paid_date":"2023-01-15","amount":"10.00"}\n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    expect(await count(wh, 'payments')).toBe(1);
  });
});
