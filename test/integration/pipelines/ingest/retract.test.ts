import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { tableChecksums } from '../../../helpers/checksums.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const header = 'payment_id,loan_id,paid_date,amount';
const payment = (i: number) => `P${i},L1,2024-02-${String(10 + (i % 15)).padStart(2, '0')},100.00`;

function file(name: string, lines: string[]) {
  const path = join(tmpDir('ret'), name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function loadBook(wh: Wh, payments: number) {
  const dir = tmpDir('ret-book');
  writeFileSync(join(dir, 'customers.csv'), 'customer_id,region\nC1,east\nC2,west\n');
  writeFileSync(
    join(dir, 'loans.csv'),
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\nL2,C2,consumer,2024-01-15,6000.00,0.12,12\n',
  );
  writeFileSync(
    join(dir, 'payments.csv'),
    [header, ...Array.from({ length: payments }, (_, i) => payment(i + 1))].join('\n') + '\n',
  );
  writeFileSync(join(dir, 'performance.csv'), 'loan_id,as_of_month,dpd,principal_balance\nL2,2024-02,0,5520.00\n');
  await ingest(wh, [dir], { piiSecret: 's' });
}

const ids = async (wh: Wh) =>
  (await queryRows<{ id: string }>(wh, `SELECT payment_id AS id FROM ${wh.database}.payments ORDER BY id`)).map(
    (r) => r.id,
  );
const quarantined = (wh: Wh, id: string) =>
  queryRows<{ line: string; reason: string }>(
    wh,
    `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String} ORDER BY line`,
    { id },
  );
const audit = (wh: Wh) =>
  queryRows<{ entity: string; key: string; action: string; old_row: string; new_row: string; ingest_id: string }>(
    wh,
    `SELECT entity, key, action, old_row, new_row, ingest_id FROM ${wh.database}.row_corrections ORDER BY at, key`,
  );

describe('ingest --retract: loaded rows removed by key, audited; an unknown key reported, the others removed', () => {
  let wh: Wh;
  // one path and migration for the file; each case starts from the emptied, just-migrated database
  beforeAll(async () => {
    wh = await testWarehouse('ret');
  });
  beforeEach(() => wh.reset());
  afterAll(() => disposeIfOpened(wh));

  it.each([
    [1, 0],
    [5, 2],
    [20, 19],
  ])(
    'of %i payments, P(%i+1) retracted: removed, audited, counted; run again: already retracted, nothing changes',
    async (n, i) => {
      await loadBook(wh, n);
      const keys = file('keys.csv', ['payment_id', `P${i + 1}`]);
      const r = await retract(wh, [keys], { entity: 'payments' });
      expect(r.receipts[0]).toMatchObject({
        mode: 'retract',
        rows_read: 1,
        rows_retracted: 1,
        rows_accepted: 1,
        rows_quarantined: 0,
      });
      expect(await ids(wh)).toEqual(
        Array.from({ length: n }, (_, k) => `P${k + 1}`)
          .filter((p) => p !== `P${i + 1}`)
          .sort(),
      );
      const a = await audit(wh);
      expect(a).toMatchObject([
        { entity: 'payments', key: `P${i + 1}`, action: 'retract', new_row: '', ingest_id: r.ingestId },
      ]);
      expect(JSON.parse(a[0]!.old_row)).toMatchObject({ payment_id: `P${i + 1}`, amount: '100.00', loan_id: 'L1' });
      const sums = await tableChecksums(wh);
      const again = await retract(wh, [keys], { entity: 'payments' });
      expect(again.receipts[0]).toMatchObject({
        rows_read: 1,
        rows_retracted: 0,
        rows_already_present: 1,
        rows_quarantined: 0,
      });
      expect(await tableChecksums(wh)).toEqual(sums);
      expect(await audit(wh)).toHaveLength(1);
    },
  );

  it.each([
    ['first', 0],
    ['middle', 2],
    ['last', 4],
  ])('a bad key line on the %s line is quarantined, the other keys retracted', async (_at, bad) => {
    for (const [row, reason] of [
      ['P99', 'payment_id P99: no such key to retract (not loaded)'],
      ['', 'payment_id: missing'],
      ['"P1', 'quote'],
    ] as const) {
      await wh.reset();
      await loadBook(wh, 6);
      const lines = ['P1', 'P2', 'P3', 'P4', 'P5'];
      lines[bad] = row;
      const r = await retract(
        wh,
        [file('payments-reversed.csv', ['payment_id,amount', ...lines.map((l) => `${l},1`)])],
        {},
      );
      const rc = r.receipts[0]!;
      expect(rc.rows_read).toBe(5);
      expect(rc.rows_quarantined).toBe(1);
      expect(rc.rows_retracted).toBe(4);
      expect(rc.rows_read).toBe(rc.rows_accepted + rc.rows_quarantined);
      const q = await quarantined(wh, r.ingestId);
      expect(q).toHaveLength(1);
      expect(q[0]!.line).toBe(String(bad + 2));
      expect(q[0]!.reason).toContain(reason);
      const kept = ['P1', 'P2', 'P3', 'P4', 'P5'][bad]!;
      expect(await ids(wh)).toEqual([kept, 'P6'].sort());
    }
  });

  it('a composite key (loan_id, as_of_month) and a JSONL keys file', async () => {
    await loadBook(wh, 2);
    const r = await retract(
      wh,
      [
        file('tape.jsonl', [
          '{"loan_id":"L2","as_of_month":"2024-02"}',
          '',
          '{"loan_id":"L2","as_of_month":"2024-03"}',
        ]),
      ],
      { entity: 'performance' },
    );
    expect(r.receipts[0]).toMatchObject({ rows_read: 2, rows_retracted: 1, rows_quarantined: 1 });
    expect((await quarantined(wh, r.ingestId))[0]).toEqual({
      line: '3',
      reason: 'loan_id L2, as_of_month 2024-03: no such key to retract (not loaded)',
    });
  });

  it('a loan still named by payments is not retracted (retract those first); with its payments in the same run it is', async () => {
    await loadBook(wh, 2);
    const loans = file('loans-gone.csv', ['loan_id', 'L1']);
    const r = await retract(wh, [loans], {});
    expect((await quarantined(wh, r.ingestId))[0]!.reason).toBe(
      'loan_id L1 is still named by rows of payments: retract those first',
    );
    const both = await retract(wh, [loans, file('payments-gone.csv', ['payment_id', 'P1', 'P2'])], {});
    expect(both.receipts.map((x) => [x.entity, x.rows_retracted])).toEqual([
      ['loans', 1],
      ['payments', 2],
    ]);
    expect(await ids(wh)).toEqual([]);
  });

  it('a file whose header lacks the key column is refused before anything is removed', async () => {
    await loadBook(wh, 2);
    const before = await tableChecksums(wh);
    await expect(
      retract(wh, [file('payments-a.csv', ['payment_id', 'P1']), file('payments-b.csv', ['id', 'P2'])], {}),
    ).rejects.toThrow(/payments-b\.csv: the header lacks the key column payment_id of payments/);
    expect(await tableChecksums(wh)).toEqual(before);
  });

  it.each([['csv'], ['jsonl']])(
    'a GBK %s file (Chinese header) is read as a load reads it, where its header read as mojibake',
    async (format) => {
      await loadBook(wh, 3);
      const text = format === 'csv' ? '还款编号,借据号\nP2,L1\n' : '{"还款编号":"P2","借据号":"L1"}\n';
      const path = join(tmpDir('ret'), `payments-gbk.${format}`);
      writeFileSync(path, iconv.encode(text, 'gbk'));
      const r = await retract(wh, [path], {});
      expect(r.receipts[0]).toMatchObject({ rows_read: 1, rows_retracted: 1, rows_quarantined: 0 });
      expect(await ids(wh)).toEqual(['P1', 'P3']);
    },
  );

  it.each([['audited'], ['retracted']])(
    'a retraction stopped after "%s" and run again ends as one clean run, audited once',
    async (stopAt) => {
      class Stop extends Error {}
      await loadBook(wh, 3);
      const keys = file('payments-r.csv', ['payment_id', 'P1', 'P3']);
      await expect(
        retract(wh, [keys], {
          log: (l) => {
            if (l.endsWith(`: ${stopAt}`)) throw new Stop(l);
          },
        }),
      ).rejects.toBeInstanceOf(Stop);
      // the run's own count: a re-run finishes it and says what was retracted, wherever it stopped
      const rerun = await retract(wh, [keys], {});
      expect(rerun.receipts[0]).toMatchObject({ rows_read: 2, rows_retracted: 2, rows_already_present: 0 });
      expect(await ids(wh)).toEqual(['P2']);
      expect((await audit(wh)).map((a) => a.key)).toEqual(['P1', 'P3']);
      // counted once: run again, already retracted
      const again = await retract(wh, [keys], {});
      expect(again.receipts[0]).toMatchObject({ rows_retracted: 0, rows_already_present: 2 });
      expect((await audit(wh)).map((a) => a.key)).toEqual(['P1', 'P3']);
    },
  );

  it('a retraction stopped after its DELETE: another file naming its keys finds them retracted; the same file run again counts them', async () => {
    class Stop extends Error {}
    await loadBook(wh, 4);
    const keys = file('payments-k.csv', ['payment_id', 'P2', 'P4']);
    await expect(
      retract(wh, [keys], {
        log: (l) => {
          if (l.endsWith(': retracted')) throw new Stop(l);
        },
      }),
    ).rejects.toBeInstanceOf(Stop);
    const other = await retract(wh, [file('payments-other.csv', ['payment_id', 'P4', 'P1'])], {});
    expect(other.receipts[0]).toMatchObject({ rows_retracted: 1, rows_already_present: 1 });
    const rerun = await retract(wh, [keys], {});
    expect(rerun.receipts[0]).toMatchObject({ rows_retracted: 2, rows_already_present: 0 });
    expect((await retract(wh, [keys], {})).receipts[0]).toMatchObject({ rows_retracted: 0, rows_already_present: 2 });
    expect(await ids(wh)).toEqual(['P3']);
    expect((await audit(wh)).map((a) => a.key)).toEqual(['P2', 'P4', 'P1']);
  });
});
