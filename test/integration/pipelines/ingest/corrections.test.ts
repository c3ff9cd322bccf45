import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { tableChecksums } from '../../../helpers/checksums.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const header = 'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid,channel';
const payment = (i: number, amount = '100.00', loan = 'L1') =>
  `P${i},${loan},2024-02-${String(10 + (i % 15)).padStart(2, '0')},${amount},,,,app`;

function csv(file: string, lines: string[]) {
  const path = join(tmpDir('corr'), file);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function loadBook(wh: Wh, payments: number) {
  const dir = tmpDir('corr-book');
  writeFileSync(join(dir, 'customers.csv'), 'customer_id,region\nC1,east\nC2,west\n');
  writeFileSync(
    join(dir, 'loans.csv'),
    [
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
      'L1,C1,consumer,2024-01-15,12000.00,0.12,12',
      'L2,C2,consumer,2024-01-15,6000.00,0.12,12',
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'payments.csv'),
    [header, ...Array.from({ length: payments }, (_, i) => payment(i + 1))].join('\n') + '\n',
  );
  await ingest(wh, [dir], { piiSecret: 's' });
}

const amounts = async (wh: Wh) =>
  Object.fromEntries(
    (
      await queryRows<{ id: string; a: string; loan: string }>(
        wh,
        `SELECT payment_id AS id, toDecimalString(amount, 2) AS a, loan_id AS loan FROM ${wh.database}.payments ORDER BY id`,
      )
    ).map((r) => [r.id, `${r.loan} ${r.a}`]),
  );
const audit = (wh: Wh) =>
  queryRows<{ key: string; action: string; old_row: string; new_row: string; ingest_id: string; line: string }>(
    wh,
    `SELECT key, action, old_row, new_row, ingest_id, toString(line) AS line FROM ${wh.database}.row_corrections ORDER BY at, key`,
  );
const quarantined = (wh: Wh, id: string) =>
  queryRows<{ line: string; reason: string }>(
    wh,
    `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String} ORDER BY line`,
    { id },
  );

describe('ingest --correct: a row under a loaded key with other content replaces the loaded row, audited', () => {
  let wh: Wh;
  // one path and migration for the file; each case starts from the emptied, just-migrated database
  beforeAll(async () => {
    wh = await testWarehouse('corr');
  });
  beforeEach(() => wh.reset());
  afterAll(() => disposeIfOpened(wh));

  it.each([
    [1, 0],
    [5, 2],
    [20, 19],
  ])(
    'with %i payments loaded, P(%i+1) corrected: replaced, audited, counted; run again: changes nothing and says so',
    async (n, i) => {
      await loadBook(wh, n);
      const before = await amounts(wh);
      const rows = Array.from({ length: n }, (_, k) => payment(k + 1));
      rows[i] = payment(i + 1, '120');
      const file = csv('payments-fix.csv', [header, ...rows]);
      const r = await ingest(wh, [file], { piiSecret: 's', correct: true });
      const rc = r.receipts[0]!;
      expect(rc).toMatchObject({
        mode: 'correct',
        rows_read: n,
        rows_corrected: 1,
        rows_already_present: n - 1,
        rows_inserted: 0,
        rows_quarantined: 0,
        rows_accepted: n,
      });
      expect(rc.rows_read).toBe(rc.rows_accepted + rc.rows_quarantined);
      expect(rc.rows_accepted).toBe(rc.rows_inserted + rc.rows_already_present + rc.rows_corrected);
      expect(await amounts(wh)).toEqual({ ...before, [`P${i + 1}`]: 'L1 120.00' });
      const a = await audit(wh);
      expect(a).toHaveLength(1);
      expect(a[0]).toMatchObject({ key: `P${i + 1}`, action: 'correct', ingest_id: r.ingestId, line: String(i + 2) });
      expect(JSON.parse(a[0]!.old_row)).toMatchObject({
        payment_id: `P${i + 1}`,
        amount: '100.00',
        principal_paid: null,
      });
      expect(JSON.parse(a[0]!.new_row)).toMatchObject({ payment_id: `P${i + 1}`, amount: '120.00' });
      const [stored] = await queryRows<{ rows_corrected: string; mode: string }>(
        wh,
        `SELECT toString(rows_corrected) AS rows_corrected, mode FROM ${wh.database}.ingest_receipts WHERE ingest_id = {id:String}`,
        { id: r.ingestId },
      );
      expect(stored).toEqual({ rows_corrected: '1', mode: 'correct' });

      const sums = await tableChecksums(wh);
      const again = await ingest(wh, [file], { piiSecret: 's', correct: true });
      expect(again.receipts[0]).toMatchObject({ rows_corrected: 0, rows_already_present: n, rows_inserted: 0 });
      expect(await tableChecksums(wh)).toEqual(sums);
      expect(await audit(wh)).toHaveLength(1);
    },
  );

  it('without --correct the same file is quarantined as before and nothing changes', async () => {
    await loadBook(wh, 3);
    const before = await tableChecksums(wh);
    const r = await ingest(wh, [csv('payments.csv', [header, payment(1), payment(2, '99.99'), payment(3)])], {
      piiSecret: 's',
    });
    expect(r.receipts[0]).toMatchObject({ mode: 'load', rows_corrected: 0, rows_quarantined: 1 });
    expect((await quarantined(wh, r.ingestId))[0]!.reason).toBe(
      'payment_id P2 already loaded with different content: amount 100.00 → 99.99',
    );
    expect((await tableChecksums(wh)).payments).toEqual(before.payments);
    expect(await audit(wh)).toEqual([]);
  });

  it('a correction of the loan_id is made when the new loan exists, quarantined when it does not', async () => {
    await loadBook(wh, 3);
    const r = await ingest(
      wh,
      [csv('payments.csv', [header, payment(1, '100.00', 'L2'), payment(2, '100.00', 'L9')])],
      { piiSecret: 's', correct: true },
    );
    expect(r.receipts[0]).toMatchObject({ rows_read: 2, rows_corrected: 1, rows_quarantined: 1 });
    expect(await amounts(wh)).toMatchObject({ P1: 'L2 100.00', P2: 'L1 100.00' });
    expect((await quarantined(wh, r.ingestId)).map((q) => q.reason)).toEqual([
      'loan_id: no such loan L9 (not loaded, or quarantined)',
    ]);
    const loanOf = (row: string) => (JSON.parse(row) as { loan_id: string }).loan_id;
    expect((await audit(wh)).map((a) => [a.key, loanOf(a.old_row), loanOf(a.new_row)])).toEqual([['P1', 'L1', 'L2']]);
  });

  it.each([
    ['first', 0],
    ['last', 1],
  ])(
    'a loan corrected (%s line): its principal and an earlier origination are taken; an origination after a loaded payment is quarantined',
    async (_at, bad) => {
      await loadBook(wh, 3);
      const head = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months';
      const rows = ['L1,C1,consumer,2024-01-10,12500.00,0.12,12', 'L2,C2,consumer,2024-01-15,6000.00,0.10,12'];
      // L1's payments are from 2024-02-11 on
      rows[bad] =
        bad === 0 ? 'L1,C1,consumer,2024-02-20,12000.00,0.12,12' : 'L2,C2,consumer,2024-02-20,6000.00,0.12,12';
      const r = await ingest(wh, [csv('loans.csv', [head, ...rows])], { piiSecret: 's', correct: true });
      const q = await quarantined(wh, r.ingestId);
      if (bad === 0) {
        expect(r.receipts[0]).toMatchObject({ rows_corrected: 1, rows_quarantined: 1 });
        expect(q).toEqual([
          {
            line: '2',
            reason:
              'origination_date: 2024-02-20 is after a payment of this loan already loaded (2024-02-11): correct or retract the rows dated before it first',
          },
        ]);
      } else {
        // L2 has no payment: its later origination is taken
        expect(r.receipts[0]).toMatchObject({ rows_corrected: 2, rows_quarantined: 0 });
      }
      const loans = await queryRows<{ id: string; o: string; p: string }>(
        wh,
        `SELECT loan_id AS id, toString(origination_date) AS o, toDecimalString(principal, 2) AS p FROM ${wh.database}.loans ORDER BY id`,
      );
      expect(loans).toEqual(
        bad === 0
          ? [
              { id: 'L1', o: '2024-01-15', p: '12000.00' },
              { id: 'L2', o: '2024-01-15', p: '6000.00' },
            ]
          : [
              { id: 'L1', o: '2024-01-10', p: '12500.00' },
              { id: 'L2', o: '2024-02-20', p: '6000.00' },
            ],
      );
    },
  );

  it.each([
    ['first', 0],
    ['middle', 2],
    ['last', 4],
  ])('a malformed correction file: a bad row on the %s line is quarantined, the others corrected', async (_at, bad) => {
    await loadBook(wh, 5);
    const kinds = [
      [
        payment(9, '50.00'),
        'payment_id P9: no such key to correct (not loaded; a new row is loaded without --correct)',
      ],
      [payment(2, '-5.00'), 'amount'],
      [',L1,2024-02-11,50.00,,,,app', 'payment_id'],
      [payment(3, '12.345'), 'amount'],
    ] as const;
    for (const [row, reason] of kinds) {
      const rows = Array.from({ length: 5 }, (_, k) => payment(k + 1, '111.00'));
      rows[bad] = row;
      const r = await ingest(wh, [csv('payments.csv', [header, ...rows])], { piiSecret: 's', correct: true });
      const q = await quarantined(wh, r.ingestId);
      expect(q).toHaveLength(1);
      expect(q[0]!.line).toBe(String(bad + 2));
      expect(q[0]!.reason).toContain(reason);
      const rc = r.receipts[0]!;
      expect(rc.rows_read).toBe(5);
      expect(rc.rows_read).toBe(rc.rows_accepted + rc.rows_quarantined);
      expect(rc.rows_accepted).toBe(rc.rows_inserted + rc.rows_already_present + rc.rows_corrected);
      expect(rc.rows_inserted).toBe(0);
    }
    // the bad line's own payment was never corrected; every other one was
    expect(await amounts(wh)).toEqual(
      Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`P${k + 1}`, k === bad ? 'L1 100.00' : 'L1 111.00'])),
    );
  });

  it('a key twice in a correction file: the first valid line corrects, an identical repeat is present, another content is quarantined', async () => {
    await loadBook(wh, 3);
    const r = await ingest(
      wh,
      [csv('payments.csv', [header, payment(1, '130.00'), payment(1, '130.00'), payment(1, '140.00')])],
      { piiSecret: 's', correct: true },
    );
    expect(r.receipts[0]).toMatchObject({ rows_corrected: 1, rows_already_present: 1, rows_quarantined: 1 });
    expect((await quarantined(wh, r.ingestId))[0]).toEqual({
      line: '4',
      reason: 'duplicate key with different content (first seen on line 2)',
    });
    expect((await amounts(wh)).P1).toBe('L1 130.00');
  });

  it.each([['audited'], ['corrected rows replaced']])(
    'a correction stopped after the step "%s" and run again ends as one clean run, audited once, counted as corrected',
    async (stopAt) => {
      class Stop extends Error {}
      await loadBook(wh, 4);
      const file = csv('payments.csv', [header, payment(1), payment(2, '77.70'), payment(3), payment(4, '5')]);
      await expect(
        ingest(wh, [file], {
          piiSecret: 's',
          correct: true,
          log: (l) => {
            if (l.endsWith(`: ${stopAt}`) || l.includes(`: ${stopAt} (`)) throw new Stop(l);
          },
        }),
      ).rejects.toBeInstanceOf(Stop);
      const r = await ingest(wh, [file], { piiSecret: 's', correct: true });
      expect(r.receipts[0]).toMatchObject({ rows_corrected: 2, rows_already_present: 2, rows_quarantined: 0 });
      expect(await amounts(wh)).toEqual({ P1: 'L1 100.00', P2: 'L1 77.70', P3: 'L1 100.00', P4: 'L1 5.00' });
      expect((await audit(wh)).map((a) => a.key).sort()).toEqual(['P2', 'P4']);
    },
  );
});
