import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const loanHeader = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months';
const loan = (id: string, principal = '1000.00', region = '') =>
  `${id},C1,consumer,2024-01-15,${principal},0.12,2${region === '' ? '' : `,${region}`}`;
/** a two-installment schedule repaying 1000.00 (or `second` for its second installment) */
const schedule = (id: string, second = '500.00') => [
  `${id},1,2024-02-15,500.00,10.00`,
  `${id},2,2024-03-15,${second},5.00`,
];

/**
 * The rows loaded under a corrected loan are held to the rules their own load applied against it:
 * its schedule must still repay its principal. One warehouse: each case corrects loans of its own.
 */
describe('ingest --correct of a loan: its loaded schedule must still repay the corrected principal', () => {
  let wh: Wh;
  const dir = tmpDir('corr-rules');
  let files = 0;
  const write = (name: string, lines: string[]) => {
    const folder = join(dir, `f${++files}`);
    mkdirSync(folder);
    const path = join(folder, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const correct = async (name: string, lines: string[]) => {
    const r = await ingest(wh, [write(name, lines)], { piiSecret: 's', correct: true });
    for (const x of r.receipts) expect(x.rows_read).toBe(x.rows_accepted + x.rows_quarantined);
    const q = await queryRows<{ line: string; reason: string }>(
      wh,
      `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String} ORDER BY line`,
      { id: r.ingestId },
    );
    return { receipt: r.receipts[0]!, quarantined: Object.fromEntries(q.map((x) => [Number(x.line), x.reason])) };
  };
  const principal = async (id: string) =>
    (
      await queryRows<{ p: string }>(
        wh,
        `SELECT toDecimalString(principal, 2) AS p FROM ${wh.database}.loans WHERE loan_id = {id:String}`,
        { id },
      )
    ).map((r) => r.p);
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

  beforeAll(async () => {
    wh = await testWarehouse('corr_rules');
    const book = join(dir, 'book');
    mkdirSync(book);
    const scheduled = [...ids('A', 1), ...ids('B', 3), ...ids('D', 12), 'S1', 'H1', 'K1'];
    writeFileSync(join(book, 'customers.csv'), 'customer_id,region\nC1,east\n');
    writeFileSync(
      join(book, 'loans.csv'),
      [loanHeader, ...scheduled.map((l) => loan(l)), loan('G1')].join('\n') + '\n',
    );
    writeFileSync(
      join(book, 'schedule.csv'),
      ['loan_id,installment_no,due_date,principal_due,interest_due', ...scheduled.flatMap((l) => schedule(l))].join(
        '\n',
      ) + '\n',
    );
    const r = await ingest(wh, [book], { piiSecret: 's' });
    expect(r.receipts.map((x) => x.rows_quarantined)).toEqual([0, 0, 0]);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([
    ['A', 1, 0],
    ['B', 3, 1],
    ['D', 12, 11],
  ])(
    'loans %s…: %i of them, the one at index %i raised above its schedule: quarantined naming the sums; the others corrected',
    async (prefix, n, at) => {
      const loans = ids(prefix, n);
      const r = await correct('loans.csv', [
        loanHeader + ',region',
        ...loans.map((l, i) => loan(l, i === at ? '2000.00' : '1000.00', 'north')),
      ]);
      const bad = loans[at]!;
      expect(r.quarantined).toEqual({
        [at + 2]:
          `principal: the loaded schedule of loan ${bad}: principal_due sums to 1000.00, the loan's principal is 2000.00: correct the schedule first (a run corrects loans before schedules)`,
      });
      expect(r.receipt).toMatchObject({ rows_read: n, rows_corrected: n - 1, rows_quarantined: 1 });
      expect(await principal(bad)).toEqual(['1000.00']);
    },
  );

  it('lowered, or raised by less than half a cent an installment: corrected', async () => {
    const r = await correct('loans.csv', [loanHeader, loan('S1', '900.00')]);
    expect(r).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
    const up = await correct('loans.csv', [loanHeader, loan('S1', '1000.01')]);
    expect(up).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
  });

  it('the schedule corrected first (repaying more is accepted), then the principal: corrected', async () => {
    const s = await correct('schedule.csv', [
      'loan_id,installment_no,due_date,principal_due,interest_due',
      ...schedule('K1', '1500.00'),
    ]);
    expect(s).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1, rows_already_present: 1 } });
    const r = await correct('loans.csv', [loanHeader, loan('K1', '2000.00')]);
    expect(r).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
    expect(await principal('K1')).toEqual(['2000.00']);
  });

  it('no loaded schedule (the generated one follows the loan): corrected', async () => {
    const r = await correct('loans.csv', [loanHeader, loan('G1', '5000.00')]);
    expect(r).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
  });

  it("a loaded schedule's gap and shortfall are not the correction's doing: another column corrected; a raise is not", async () => {
    const keys = write('schedule-keys.csv', ['loan_id,installment_no', 'H1,1']);
    expect((await retract(wh, [keys], {})).receipts[0]).toMatchObject({ rows_retracted: 1 });
    const r = await correct('loans.csv', [loanHeader + ',region', loan('H1', '1000.00', 'south')]);
    expect(r).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
    const up = await correct('loans.csv', [loanHeader + ',region', loan('H1', '1200.00', 'south')]);
    expect(up.quarantined[2]).toMatch(
      /^principal: the loaded schedule of loan H1: installment 1 is missing .*; principal_due sums to 500\.00, the loan's principal is 1200\.00: correct the schedule first/,
    );
  });

  it('a customer corrected under loans: corrected, its loans untouched (they read only that it is loaded)', async () => {
    const before = await queryRows(wh, `SELECT loan_id, customer_id FROM ${wh.database}.loans ORDER BY loan_id`);
    const r = await correct('customers.csv', ['customer_id,region', 'C1,west']);
    expect(r).toMatchObject({ quarantined: {}, receipt: { rows_corrected: 1 } });
    expect(await queryRows(wh, `SELECT loan_id, customer_id FROM ${wh.database}.loans ORDER BY loan_id`)).toEqual(
      before,
    );
  });
});
