import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { rollback } from '../../../../pipelines/ingest/rollback.ts';
import { refreshSnapshots, type RefreshResult } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { snapshotChecksums, type SnapshotChecksums } from '../../../../pipelines/snapshot/snapshot-checksums.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { dayFiles } from '../../../helpers/rollback-book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * Corrections and retractions, then an incremental snapshot: the full rebuild's result. Besides a
 * payment of the generated book corrected and one retracted, payments loaded each in a run of their
 * own (no other row of that run names their loan) corrected to another loan and retracted: the
 * runs' row counts then say nothing of the loan the row left, which only the audit names.
 */
const asOf = '2024-06-30';
const header = 'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid,channel';

function csv(name: string, lines: string[]) {
  const path = join(tmpDir('corr-snap'), name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('incremental snapshot after corrections and retractions equals the full rebuild', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const incremental: SnapshotChecksums[] = [];
  const full: SnapshotChecksums[] = [];
  const results: RefreshResult[] = [];
  const refresh = (isFull = false) => refreshSnapshots(wh, { asOf, settings: defaultSettings, full: isFull });

  beforeAll(async () => {
    wh = await testWarehouse('corrsnap');
    const book = join(tmpDir('corr-snap-book'), 'book');
    await generateBook({ loans: 150, months: 18, asOf, seed: 21, badRows: 0, outDir: book, format: 'csv' });
    await ingest(wh, [book], { piiSecret: 's' });
    // four payments of four loans with payments of their own in the book
    const picked = await queryRows<{ id: string; loan: string; date: string; amount: string }>(
      wh,
      `SELECT any(payment_id) AS id, loan_id AS loan, toString(any(paid_date)) AS date, toDecimalString(any(amount), 2) AS amount
       FROM ${wh.database}.payments WHERE paid_date < '2024-03-01' GROUP BY loan_id ORDER BY loan_id LIMIT 4`,
    );
    const [a, b, c, d] = picked as [(typeof picked)[0], (typeof picked)[0], (typeof picked)[0], (typeof picked)[0]];
    // payments each loaded in a run of their own, the first on c's loan, the second on d's
    await ingest(wh, [csv('payments-alone-1.csv', [header, `ALONE-1,${c.loan},${c.date},300.00,,,,app`])], {
      piiSecret: 's',
    });
    await ingest(wh, [csv('payments-alone-2.csv', [header, `ALONE-2,${d.loan},${d.date},400.00,,,,app`])], {
      piiSecret: 's',
    });
    results.push(await refresh());
    results.push(await refresh());
    // a's payment corrected (its amount doubled), b's retracted
    const corrected = await ingest(
      wh,
      [
        csv('payments-fix.csv', [
          'payment_id,loan_id,paid_date,amount',
          `${a.id},${a.loan},${a.date},${(Number(a.amount) * 2).toFixed(2)}`,
        ]),
      ],
      { piiSecret: 's', correct: true },
    );
    expect(corrected.receipts[0]).toMatchObject({ rows_corrected: 1, rows_quarantined: 0 });
    const retracted = await retract(wh, [csv('payments-reversed.csv', ['payment_id', b.id])], {});
    expect(retracted.receipts[0]).toMatchObject({ rows_retracted: 1, rows_quarantined: 0 });
    results.push(await refresh());
    incremental.push(await snapshotChecksums(wh));
    results.push(await refresh(true));
    full.push(await snapshotChecksums(wh));
    // ALONE-1 moved to a's loan, ALONE-2 retracted: no row of their runs is left to name c's and d's loans
    const moved = await ingest(wh, [csv('payments-move.csv', [header, `ALONE-1,${a.loan},${c.date},300.00,,,,app`])], {
      piiSecret: 's',
      correct: true,
    });
    expect(moved.receipts[0]).toMatchObject({ rows_corrected: 1, rows_quarantined: 0 });
    const gone = await retract(wh, [csv('payments-gone.csv', ['payment_id', 'ALONE-2'])], {});
    expect(gone.receipts[0]).toMatchObject({ rows_retracted: 1, rows_quarantined: 0 });
    results.push(await refresh());
    incremental.push(await snapshotChecksums(wh));
    results.push(await refresh(true));
    full.push(await snapshotChecksums(wh));
    // a retraction stopped between its audit and its DELETE, a snapshot then, the retraction run again
    await ingest(wh, [csv('payments-alone-3.csv', [header, `ALONE-3,${c.loan},${c.date},500.00,,,,app`])], {
      piiSecret: 's',
    });
    results.push(await refresh());
    const keys = csv('payments-gone-3.csv', ['payment_id', 'ALONE-3']);
    class Stop extends Error {}
    await expect(
      retract(wh, [keys], {
        log: (l) => {
          if (l.endsWith(': audited')) throw new Stop(l);
        },
      }),
    ).rejects.toBeInstanceOf(Stop);
    results.push(await refresh());
    expect((await retract(wh, [keys], {})).receipts[0]).toMatchObject({ rows_retracted: 1 });
    results.push(await refresh());
    incremental.push(await snapshotChecksums(wh));
    results.push(await refresh(true));
    full.push(await snapshotChecksums(wh));
    // the wrong day's files (new customer, loans with schedules, tapes, actions, events; a payment on a's
    // loan), a snapshot, the run rolled back
    const day = await ingest(wh, [dayFiles(tmpDir('corr-snap-day'), 'W', 3, a.loan)], { piiSecret: 's' });
    expect(day.receipts.every((r) => r.rows_quarantined === 0)).toBe(true);
    results.push(await refresh());
    expect((await rollback(wh, day.ingestId)).changed).toBe(true);
    results.push(await refresh());
    incremental.push(await snapshotChecksums(wh));
    results.push(await refresh(true));
    full.push(await snapshotChecksums(wh));
    // b's retracted payment reinstated: a correction audited with no old row, under no run's rows
    const back = await ingest(
      wh,
      [csv('payments-back.csv', ['payment_id,loan_id,paid_date,amount', `${b.id},${b.loan},${b.date},${b.amount}`])],
      { piiSecret: 's', correct: true },
    );
    expect(back.receipts[0]).toMatchObject({ rows_corrected: 1, rows_quarantined: 0 });
    results.push(await refresh());
    incremental.push(await snapshotChecksums(wh));
    results.push(await refresh(true));
    full.push(await snapshotChecksums(wh));
  });
  afterAll(() => disposeIfOpened(wh));

  it('first full, then refreshes; each refresh after corrections covers their loans', () => {
    expect(results.map((r) => r.mode)).toEqual([
      ...['full', 'refresh', 'refresh', 'full', 'refresh', 'full'],
      ...['refresh', 'refresh', 'refresh', 'full'],
      ...['refresh', 'refresh', 'full'],
      ...['refresh', 'full'],
    ]);
    // the rolled-back run's loans, new and loaded
    expect(results[11]!.loansRefreshed).toBeGreaterThanOrEqual(4);
    expect(results[1]!.loansRefreshed).toBe(0);
    // a row corrected and one retracted in the book's first run: their loans, not every loan of that run
    expect(results[2]!.loansRefreshed).toBeGreaterThanOrEqual(2);
    expect(results[2]!.loansRefreshed).toBeLessThan(10);
    // the moved payment's old and new loan, the retracted one's loan
    expect(results[4]!.loansRecomputed).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['a payment of the book corrected, another retracted', 0],
    ['a payment alone in its run moved to another loan, another retracted', 1],
    ['a retraction stopped after its audit, a snapshot, the retraction run again', 2],
    ["the wrong day's files loaded, a snapshot, the run rolled back", 3],
    ['a retracted payment reinstated by --correct', 4],
  ])('%s: equals the full rebuild, table by table', (_what, i) => {
    expect(Number(full[i]!.tables.loan_month?.rows)).toBeGreaterThan(1000);
    expect(incremental[i]).toEqual(full[i]);
  });
});
