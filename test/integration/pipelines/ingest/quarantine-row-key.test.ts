import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const paymentsHeader = 'payment_id,loan_id,paid_date,amount';

/**
 * quarantine.row_key is written by ingest: the key as the raw table's key expression writes it,
 * '' for a row without a valid key, whichever loader read the file.
 */
describe.each(['engine', 'stream'] as const)('quarantine.row_key written by ingest (%s loader)', (loader) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  const keys = async (file: string) =>
    (
      await queryRows<{ line: string; row_key: string | null }>(
        wh,
        `SELECT line, row_key FROM ${tableRef(wh, 'quarantine')} WHERE file = {file:String} ORDER BY line`,
        { file: join(dir, file) },
      )
    ).map((r) => [Number(r.line), r.row_key]);
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
  };
  beforeAll(async () => {
    wh = await testWarehouse(`qrowkey_${loader}`);
    dir = tmpDir(`qrowkey-${loader}`);
    write('customers.csv', 'customer_id\nC1\nC2\n');
    // Chinese headers; bad principal on the first line, a bad loan_id (control character) on the last
    write(
      'loans.csv',
      '借据号,客户编号,产品,放款日期,本金,年利率,期限\n' +
        'L7,C1,cash,2024-01-10,-1,0.12,12\nL1,C1,cash,2024-01-10,1200.00,0.12,12\nL2,C2,cash,2024-01-15,2400.00,0.10,24\n' +
        'L\u00018,C2,cash,2024-01-15,2400.00,0.10,24\n',
    );
    // bad rows on the first, a middle and the last line with a key; keyless rows: blank, too long,
    // a record of another shape; a duplicate with other content (quarantined after the stage)
    write(
      'payments.csv',
      `${paymentsHeader}\n P1 ,L1,2024-02-31,100.00\nP2,L1,2024-03-10,100.00\n,L2,2024-02-15,5.00\n` +
        `${'P'.repeat(129)},L2,2024-02-15,5.00\nP3,L2,2024-02-15\nP4,L2,2024-03-15,abc\nP2,L1,2024-03-10,101.00\n` +
        `P5,L9,2024-03-15,1.00\nP6,L2,2024-04-15,-1\n`,
    );
    write(
      'collection_actions.jsonl',
      '{"action_id":"A1","loan_id":"L1","action_date":"2024-03-01","channel":"pigeon","outcome":"contacted"}\n' +
        '{"action_id":3,"loan_id":"L2","action_date":"2024-03-02","channel":"phone","outcome":"maybe"}\n' +
        '{"action_id":"A4","loan_id":"L2", broken\n' +
        '{"loan_id":"L2","action_date":"2024-03-02","channel":"phone","outcome":"contacted"}\n' +
        '{"action_id":"A5","loan_id":"L2","action_date":"2024-03-02","channel":"phone","outcome":"nope"}\n',
    );
    // composite keys: a month as its first day, an installment as its number
    write(
      'performance.csv',
      'loan_id,as_of_month,dpd,principal_balance\nL1,2024-02,x,1100.00\nL2,2024-13,0,2300.00\nL2,2024-03,0,2300.00\nL2,2024-04,-3,2300.00\n',
    );
    write(
      'schedule.csv',
      'loan_id,installment_no,due_date,principal_due,interest_due\nL1,03,2024-02-10,-1,0\nL1,x,2024-03-10,1,0\nL1,4,2024-04-10,1,0\n',
    );
    await ingest(wh, [dir], { piiSecret: 's', loader });
  });
  afterAll(() => disposeIfOpened(wh));

  it('a CSV row: its key field trimmed; blank, too long or of another shape: no key', async () => {
    expect(await keys('payments.csv')).toEqual([
      [2, 'P1'],
      [4, ''],
      [5, ''],
      [6, ''],
      [7, 'P4'],
      [8, 'P2'],
      [9, 'P5'],
      [10, 'P6'],
    ]);
  });

  it('Chinese headers: the key under its alias; a control character in it: no key', async () => {
    expect(await keys('loans.csv')).toEqual([
      [2, 'L7'],
      [5, ''],
    ]);
  });

  it('a JSON line: the key by name, a number as its text; a malformed line or no key field: no key', async () => {
    expect(await keys('collection_actions.jsonl')).toEqual([
      [1, 'A1'],
      [2, '3'],
      [3, ''],
      [4, ''],
      [5, 'A5'],
    ]);
  });

  it('a composite key: loan_id and the month as its first day; an installment as its number', async () => {
    expect(await keys('performance.csv')).toEqual([
      [2, 'L1\x1f2024-02-01'],
      [3, ''],
      [5, 'L2\x1f2024-04-01'],
    ]);
    // line 4 is valid alone, quarantined by the schedule rule after the stage (installments 1 and 2 missing)
    expect(await keys('schedule.csv')).toEqual([
      [2, 'L1\x1f3'],
      [3, ''],
      [4, 'L1\x1f4'],
    ]);
  });
});

describe('quarantine.row_key written by ingest --retract', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  afterAll(() => disposeIfOpened(wh));

  it('a key not loaded: its key; a line without a valid key: none', async () => {
    wh = await testWarehouse('qrowkey_retract');
    const dir = tmpDir('qrowkey-retract');
    writeFileSync(join(dir, 'customers.csv'), 'customer_id\nC1\n');
    await ingest(wh, [join(dir, 'customers.csv')], { piiSecret: 's' });
    const keys = join(dir, 'perf-retract.csv');
    writeFileSync(keys, 'loan_id,as_of_month\nL9,2024-02\nL9,2024-13\n,2024-02\n');
    await retract(wh, [keys], { entity: 'performance' });
    const rows = await queryRows<{ line: string; row_key: string | null }>(
      wh,
      `SELECT line, row_key FROM ${tableRef(wh, 'quarantine')} WHERE file = {file:String} ORDER BY line`,
      { file: keys },
    );
    expect(rows.map((r) => [Number(r.line), r.row_key])).toEqual([
      [2, 'L9\x1f2024-02-01'],
      [3, ''],
      [4, ''],
    ]);
  });
});
