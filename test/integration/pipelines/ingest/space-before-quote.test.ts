import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * Spaces or tabs before a quoted field (`a, "b,c"`) or after it (`"b,c" ,d`): both loaders read the
 * quoted field, its commas included, and drop the spaces around it (the engine's CSV reader does, and
 * the field's value is trimmed anyway). Read as RFC 4180 has it — the quote as data — the field's
 * comma would cut it in two and the row, a field too long, be quarantined.
 */
const LOANS = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,branch,region';
const good = [
  'G1,C1,consumer,2024-01-05,1000.00,0.1,12,north,east',
  'G2,C1,consumer,2024-01-05,1000.00,0.1,12,"south, old town",west',
  'G3,C1,consumer,2024-01-05,1000.00,0.1,12,centre,east',
];
/** rows with spaces around quotes, and the branch and region each must store */
const spaced: [string, string, string][] = [
  ['S1,C1,consumer,2024-01-05,1000.00,0.1,12, "Branch, North",east', 'Branch, North', 'east'],
  ['S2,C1,consumer,2024-01-05,1000.00,0.1,12,\t"tab, then quote" ,west', 'tab, then quote', 'west'],
  ['S3,C1,consumer,2024-01-05,1000.00,0.1,12,  "a ""quoted"" word",  "x,y"  ', 'a "quoted" word', 'x,y'],
];

describe('spaces around a quoted field, in either loader', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('space_quote');
  });
  afterAll(() => disposeIfOpened(wh));

  describe.each(['engine', 'stream'] as const)('%s loader', (loader) => {
    it.each([0, 1, 2] as const)('the rows at position %i load with the quoted field whole', async (at) => {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.loans`);
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const i = at === 0 ? 0 : at === 1 ? 1 : good.length;
      // and one bad row with them (a date that is none): its raw row is the line as written
      const bad = 'B1,C1,consumer,2024-02-30,1000.00,0.1,12, "Branch, South",east';
      const rows = [...good.slice(0, i), ...spaced.map(([r]) => r), bad, ...good.slice(i)];
      const dir = tmpDir(`spq-${loader}`);
      writeFileSync(join(dir, 'loans.csv'), `${LOANS}\n${rows.join('\n')}\n`);
      const { receipts } = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: 7, rows_accepted: 6, rows_quarantined: 1 });
      const loaded = await queryRows<{ loan_id: string; branch: string; region: string }>(
        wh,
        `SELECT loan_id, branch, region FROM ${wh.database}.loans WHERE loan_id LIKE 'S%' ORDER BY loan_id`,
      );
      expect(loaded).toEqual(spaced.map(([r, branch, region]) => ({ loan_id: r.slice(0, 2), branch, region })));
      const q = await queryRows<{ line: string; raw: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, raw, reason FROM ${wh.database}.quarantine`,
      );
      expect(q).toEqual([
        {
          line: String(i + spaced.length + 2),
          raw: bad,
          reason: 'origination_date: not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)',
        },
      ]);
    });
  });
});
