import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { rollback } from '../../../../pipelines/ingest/rollback.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const header = 'payment_id,loan_id,paid_date,amount';

function file(name: string, lines: string[]) {
  const path = join(tmpDir('retracted'), name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function loadBook(wh: Wh, payments: string[]) {
  const dir = tmpDir('retracted-book');
  writeFileSync(join(dir, 'customers.csv'), 'customer_id,region\nC1,east\n');
  writeFileSync(
    join(dir, 'loans.csv'),
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\n',
  );
  writeFileSync(join(dir, 'payments.csv'), [header, ...payments].join('\n') + '\n');
  await ingest(wh, [dir], { piiSecret: 's' });
  return join(dir, 'payments.csv');
}

const ids = async (wh: Wh) =>
  (await queryRows<{ id: string }>(wh, `SELECT payment_id AS id FROM ${wh.database}.payments ORDER BY id`)).map(
    (r) => r.id,
  );
const audit = (wh: Wh) =>
  queryRows<{ key: string; action: string; old_row: string; new_row: string; old_hash: string; new_loan_id: string }>(
    wh,
    `SELECT key, action, old_row, new_row, toString(old_hash) AS old_hash, new_loan_id FROM ${wh.database}.row_corrections ORDER BY at`,
  );

describe('a retracted key: not loaded again (sent unchanged: kept retracted; changed: quarantined), reinstated by --correct', () => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse('retracted');
  });
  beforeEach(() => wh.reset());
  afterAll(() => disposeIfOpened(wh));

  it('a table the retraction emptied is no first load: its one row sent again stays retracted, changed it is quarantined; --correct reinstates it, audited with no old row', async () => {
    const payments = await loadBook(wh, ['P1,L1,2024-02-15,100.00']);
    await retract(wh, [file('payments-keys.csv', ['payment_id', 'P1'])], {});
    const again = await ingest(wh, [payments], { piiSecret: 's' });
    expect(again.receipts[0]).toMatchObject({
      rows_read: 1,
      rows_inserted: 0,
      rows_already_present: 1,
      rows_superseded: 1,
      rows_quarantined: 0,
    });
    const changed = await ingest(wh, [file('payments.csv', [header, 'P1,L1,2024-02-15,101.00'])], { piiSecret: 's' });
    expect(changed.receipts[0]).toMatchObject({ rows_inserted: 0, rows_quarantined: 1 });
    expect(await ids(wh)).toEqual([]);
    const back = await ingest(wh, [payments], { piiSecret: 's', correct: true });
    expect(back.receipts[0]).toMatchObject({ mode: 'correct', rows_corrected: 1, rows_inserted: 0 });
    expect(await ids(wh)).toEqual(['P1']);
    const [, reinstated] = await audit(wh);
    expect(reinstated).toMatchObject({ key: 'P1', action: 'correct', old_row: '', old_hash: '0', new_loan_id: 'L1' });
    expect(JSON.parse(reinstated!.new_row)).toMatchObject({ payment_id: 'P1', amount: '100.00' });
    // reinstated, the key loads as any loaded key does
    expect((await ingest(wh, [payments], { piiSecret: 's' })).receipts[0]).toMatchObject({ rows_already_present: 1 });
  });

  it.each([['audited'], ['corrected rows replaced']])(
    'a reinstatement stopped after the step "%s" and run again ends as one clean run, audited once',
    async (stopAt) => {
      class Stop extends Error {}
      await loadBook(wh, ['P1,L1,2024-02-15,100.00', 'P2,L1,2024-02-16,100.00']);
      await retract(wh, [file('payments-keys.csv', ['payment_id', 'P2'])], {});
      const fix = file('payments-fix.csv', [header, 'P2,L1,2024-02-16,90.00']);
      await expect(
        ingest(wh, [fix], {
          piiSecret: 's',
          correct: true,
          log: (l) => {
            if (l.endsWith(`: ${stopAt}`) || l.includes(`: ${stopAt} (`)) throw new Stop(l);
          },
        }),
      ).rejects.toBeInstanceOf(Stop);
      const r = await ingest(wh, [fix], { piiSecret: 's', correct: true });
      expect(r.receipts[0]).toMatchObject({ rows_corrected: 1, rows_quarantined: 0 });
      expect(await ids(wh)).toEqual(['P1', 'P2']);
      expect((await audit(wh)).map((a) => a.action)).toEqual(['retract', 'correct']);
    },
  );

  it('rolling back the run that first loaded a retracted key does not lift the retraction', async () => {
    await loadBook(wh, ['P1,L1,2024-02-15,100.00']);
    const day = file('payments-day.csv', [header, 'P2,L1,2024-02-16,100.00', 'P3,L1,2024-02-17,100.00']);
    const first = await ingest(wh, [day], { piiSecret: 's' });
    await retract(wh, [file('payments-keys.csv', ['payment_id', 'P3'])], {});
    await rollback(wh, first.ingestId);
    expect(await ids(wh)).toEqual(['P1']);
    const right = await ingest(wh, [day], { piiSecret: 's' });
    expect(right.receipts[0]).toMatchObject({ rows_inserted: 1, rows_superseded: 1, rows_quarantined: 0 });
    expect(await ids(wh)).toEqual(['P1', 'P2']);
  });

  it('the day sent again after corrections: the replaced versions are kept replaced, not quarantined; any other content is a conflict', async () => {
    const day = await loadBook(wh, ['P1,L1,2024-02-15,100.00', 'P2,L1,2024-02-16,100.00', 'P3,L1,2024-02-17,100.00']);
    await ingest(wh, [file('payments-fix1.csv', [header, 'P1,L1,2024-02-15,90.00', 'P2,L1,2024-02-16,80.00'])], {
      piiSecret: 's',
      correct: true,
    });
    // a second correction of P1: the day's version and the first correction are both replaced
    await ingest(wh, [file('payments-fix2.csv', [header, 'P1,L1,2024-02-15,95.00'])], {
      piiSecret: 's',
      correct: true,
    });
    const amounts = async () =>
      (
        await queryRows<{ a: string }>(
          wh,
          `SELECT toString(amount) AS a FROM ${wh.database}.payments ORDER BY payment_id`,
        )
      ).map((r) => r.a);
    expect(await amounts()).toEqual(['95', '80', '100']);
    const again = await ingest(wh, [day], { piiSecret: 's' });
    expect(again.receipts[0]).toMatchObject({
      rows_read: 3,
      rows_inserted: 0,
      rows_already_present: 3,
      rows_superseded: 2,
      rows_quarantined: 0,
    });
    const first = await ingest(wh, [file('payments-fix1-again.csv', [header, 'P1,L1,2024-02-15,90.00'])], {
      piiSecret: 's',
    });
    expect(first.receipts[0]).toMatchObject({ rows_superseded: 1, rows_quarantined: 0 });
    // content the key never had is news to look at: quarantined as a conflict, at any line
    const other = await ingest(
      wh,
      [
        file('payments-other.csv', [
          header,
          'P3,L1,2024-02-17,100.00',
          'P1,L1,2024-02-15,70.00',
          'P2,L1,2024-02-16,100.00',
        ]),
      ],
      { piiSecret: 's' },
    );
    expect(other.receipts[0]).toMatchObject({ rows_already_present: 2, rows_superseded: 1, rows_quarantined: 1 });
    const [q] = await queryRows<{ line: string; reason: string }>(
      wh,
      `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String}`,
      { id: other.ingestId },
    );
    expect(q).toEqual({
      line: '3',
      reason: 'payment_id P1 already loaded with different content: amount 95.00 → 70.00',
    });
    expect(await amounts()).toEqual(['95', '80', '100']);
    // sending an old version back on purpose restores it
    const restored = await ingest(wh, [day], { piiSecret: 's', correct: true });
    expect(restored.receipts[0]).toMatchObject({ rows_corrected: 2 });
    expect(await amounts()).toEqual(['100', '100', '100']);
  });

  it('an action withdrawn in the console: the reason names the request and its key, not a run', async () => {
    await loadBook(wh, []);
    await exec(
      wh,
      `INSERT INTO ${wh.database}.row_corrections (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line)
      VALUES (now64(3), 'req-1', 'collection_actions', 'AC9', 'retract', '{}', '', 1, 0, 'console', 'L1', '', 'console:k1', 0)`,
    );
    const actions = file('collection_actions.csv', [
      'action_id,loan_id,action_date,channel,outcome,promised_amount,promised_date',
      'AC9,L1,2024-02-10,phone,contacted,,',
    ]);
    const r = await ingest(wh, [actions], { piiSecret: 's' });
    const [q] = await queryRows<{ reason: string }>(
      wh,
      `SELECT reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String}`,
      { id: r.ingestId },
    );
    expect(q!.reason).toMatch(
      /^action_id AC9 was retracted on \d{4}-\d{2}-\d{2} by request req-1 \(console:k1\): send the row/,
    );
  });
});
