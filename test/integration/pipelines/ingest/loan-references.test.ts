import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityFileText, type EntityFileFormat } from '../../../helpers/entity-file-text.ts';
import { ingestFiles } from '../../../helpers/ingest-files.ts';
import { count, disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * A loan names its customer: one whose customer_id is neither loaded nor in the run's customers file
 * (or was quarantined there) is quarantined naming the value, the rest of the file loads. Tried at the
 * first, a middle and the last row of files of several sizes, CSV and JSONL; every receipt balances.
 */
type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const LOANS = ['loan_id', 'customer_id', 'product', 'origination_date', 'principal', 'annual_rate', 'term_months'];
const loanRow = (id: string, customer: string) => [id, customer, 'consumer', '2024-03-05', '600.00', '0.1', '6'];
const ext = (f: EntityFileFormat) => (f === 'csv' ? 'csv' : 'jsonl');
/** a file's first record is on line 2 of a CSV (the header's line 1), on line 1 of a JSONL file */
const lineOf = (f: EntityFileFormat, i: number) => (f === 'csv' ? i + 2 : i + 1);
const unknown = (id: string) => `customer_id: no such customer ${id} (not loaded, or quarantined)`;

describe.each(['csv', 'jsonl'] as const)('loans naming an unknown customer (%s)', (format) => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse(`loanref_${format}`);
    const r = await ingestFiles(wh, { 'customers.csv': 'customer_id\nC1\nC2\nC3\n' });
    expect(r.quarantined.size).toBe(0);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([1, 3, 12, 40])(
    'a file of %i loans: the unknown customer at the first, a middle and the last row',
    async (n) => {
      for (const at of n === 1 ? [0] : [0, Math.floor(n / 2), n - 1]) {
        const tag = `${format}${n}x${at}`;
        const missing = `CX-${tag}`;
        const rows = Array.from({ length: n }, (_, i) =>
          loanRow(`L${tag}-${i}`, i === at ? missing : `C${(i % 3) + 1}`),
        );
        const before = await count(wh, 'loans');
        const r = await ingestFiles(wh, { [`loans.${ext(format)}`]: entityFileText(format, LOANS, rows) });
        expect(r.receipts).toHaveLength(1);
        expect(r.receipts[0]).toMatchObject({
          rows_read: n,
          rows_accepted: n - 1,
          rows_inserted: n - 1,
          rows_quarantined: 1,
        });
        expect([...r.quarantined.entries()]).toEqual([[lineOf(format, at), unknown(missing)]]);
        // the rest of the file is loaded, the quarantined loan is not
        expect(await count(wh, 'loans')).toBe(before + n - 1);
        expect(await count(wh, 'loans', `loan_id = 'L${tag}-${at}'`)).toBe(0);
      }
    },
  );

  it("a loan whose customer is in the same run's customers file loads; one whose customer row was quarantined there does not", async () => {
    const customers = entityFileText(
      format,
      ['customer_id', 'birth_year'],
      [
        ['N1', '1980'],
        ['N2', 'abc'],
        ['N3', '1990'],
      ],
    );
    const loans = entityFileText(format, LOANS, [
      loanRow(`S${format}-1`, 'N1'),
      loanRow(`S${format}-2`, 'N2'),
      loanRow(`S${format}-3`, 'N3'),
      loanRow(`S${format}-4`, 'C1'),
    ]);
    // the loans file sorts before the customers file: the run loads customers first all the same
    const r = await ingestFiles(
      wh,
      { [`loans.${ext(format)}`]: loans, [`customers.${ext(format)}`]: customers },
      {},
      'loans',
    );
    const by = Object.fromEntries(r.receipts.map((x) => [x.entity, x]));
    expect(by.customers).toMatchObject({ rows_read: 3, rows_accepted: 2, rows_quarantined: 1 });
    expect(by.loans).toMatchObject({ rows_read: 4, rows_accepted: 3, rows_quarantined: 1 });
    expect([...r.quarantined.entries()]).toEqual([[lineOf(format, 1), unknown('N2')]]);
  });

  it('a payment of a loan quarantined for its customer is quarantined as no such loan: nothing lands half', async () => {
    const r = await ingestFiles(wh, {
      [`loans.${ext(format)}`]: entityFileText(format, LOANS, [
        loanRow(`P${format}-1`, 'C9'),
        loanRow(`P${format}-2`, 'C2'),
      ]),
      'payments.csv': `payment_id,loan_id,paid_date,amount\nPP${format}1,P${format}-1,2024-04-05,10.00\nPP${format}2,P${format}-2,2024-04-05,10.00\n`,
    });
    const by = Object.fromEntries(r.receipts.map((x) => [x.entity, x]));
    expect(by.loans).toMatchObject({ rows_read: 2, rows_accepted: 1, rows_quarantined: 1 });
    expect(by.payments).toMatchObject({ rows_read: 2, rows_accepted: 1, rows_quarantined: 1 });
  });

  it('ingest --correct: a loan moved to an unknown customer is quarantined, the loaded row kept', async () => {
    await ingestFiles(wh, { [`loans.${ext(format)}`]: entityFileText(format, LOANS, [loanRow(`K${format}`, 'C1')]) });
    const r = await ingestFiles(
      wh,
      { [`loans.${ext(format)}`]: entityFileText(format, LOANS, [loanRow(`K${format}`, 'C404')]) },
      { correct: true },
    );
    expect(r.receipts[0]).toMatchObject({ rows_read: 1, rows_corrected: 0, rows_quarantined: 1 });
    expect([...r.quarantined.values()]).toEqual([unknown('C404')]);
    expect(await count(wh, 'loans', `loan_id = 'K${format}' AND customer_id = 'C1'`)).toBe(1);
  });
});

describe('a book without customers', () => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse('loanref_none');
  });
  afterAll(() => disposeIfOpened(wh));

  it("loads its loans while no customers were ever sent; once a run brings customers, every loan's customer is checked", async () => {
    // a servicer's loans and tapes alone: no customer to check against (docs/data-contract.md)
    const first = await ingestFiles(wh, {
      'loans.csv': entityFileText('csv', LOANS, [loanRow('B1', 'Q1'), loanRow('B2', 'Q2')]),
    });
    expect(first.receipts[0]).toMatchObject({ rows_read: 2, rows_accepted: 2, rows_quarantined: 0 });
    // a run whose customers file is quarantined whole still sends customers: its loans are checked
    const second = await ingestFiles(
      wh,
      {
        'customers.csv': 'customer_id,birth_year\nQ3,abc\n',
        'loans.csv': entityFileText('csv', LOANS, [loanRow('B3', 'Q3')]),
      },
      {},
      'loans',
    );
    expect([...second.quarantined.entries()]).toEqual([[2, unknown('Q3')]]);
    await ingestFiles(wh, { 'customers.csv': 'customer_id\nQ4\n' });
    const third = await ingestFiles(wh, {
      'loans.csv': entityFileText('csv', LOANS, [loanRow('B4', 'Q4'), loanRow('B5', 'Q1'), loanRow('B6', 'Q5')]),
    });
    expect(third.receipts[0]).toMatchObject({ rows_read: 3, rows_accepted: 1, rows_quarantined: 2 });
    expect([...third.quarantined.entries()]).toEqual([
      [3, unknown('Q1')],
      [4, unknown('Q5')],
    ]);
    // the first file sent again: its loans were loaded before any customer, and stay already present
    const again = await ingestFiles(wh, {
      'loans.csv': entityFileText('csv', LOANS, [loanRow('B1', 'Q1'), loanRow('B2', 'Q2')]),
    });
    expect(again.receipts[0]).toMatchObject({ rows_read: 2, rows_already_present: 2, rows_quarantined: 0 });
    // moved to another customer not loaded: judged as any loan
    const moved = await ingestFiles(
      wh,
      { 'loans.csv': entityFileText('csv', LOANS, [loanRow('B1', 'Q6')]) },
      { correct: true },
    );
    expect([...moved.quarantined.values()]).toEqual([unknown('Q6')]);
  });
});
