import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { tableChecksums } from '../../../helpers/checksums.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';
import { runKillableChild } from '../../../helpers/killable-child.ts';

/** Runs the ingest child; when killOn matches a log line, SIGKILLs it. */
const runChild = (dataDir: string, book: string, killOn?: RegExp) =>
  runKillableChild('test/helpers/ingest-child.ts', [dataDir, book], killOn);
/** The child prints `tableChecksums` of its warehouse as JSON. */
const checksumsOf = (out: string) =>
  JSON.parse(/CHECKSUMS (.*)/.exec(out)![1]!) as Awaited<ReturnType<typeof tableChecksums>>;

describe('re-ingest, overlap and kill-and-rerun', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let book: string;
  beforeAll(async () => {
    wh = await testWarehouse('idem');
    book = join(tmpDir('idem'), 'book');
    await generateBook({
      loans: 1200,
      months: 24,
      asOf: '2024-06-30',
      seed: 8,
      badRows: 0.02,
      outDir: book,
      format: 'csv',
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('re-ingesting the same files changes nothing', async () => {
    const first = await ingest(wh, [book], { piiSecret: 's' });
    const before = await tableChecksums(wh);
    const again = await ingest(wh, [book], { piiSecret: 's' });
    expect(await tableChecksums(wh)).toEqual(before);
    for (const [i, r] of again.receipts.entries()) {
      expect(r.rows_inserted).toBe(0);
      expect(r.rows_already_present).toBe(first.receipts[i]!.rows_accepted);
      expect(r.rows_quarantined).toBe(first.receipts[i]!.rows_quarantined);
    }
  });

  it('a run drops the scratch tables a killed run left, also for a file renamed since; it leaves none itself', async () => {
    const { exec, queryRows } = await import('../../../../warehouse/connection.ts');
    for (const name of [
      'stg_payments_0123456789abcdef',
      'stg_dups_collection_actions_0123456789abcdef',
      'land_loans_fedcba9876543210',
    ]) {
      await exec(wh, `CREATE TABLE ${wh.database}.${name} (line UInt64) ENGINE = MergeTree ORDER BY tuple()`);
    }
    const dir = tmpDir('renamed');
    writeFileSync(join(dir, 'loan_events.csv'), 'event_id,loan_id,event_date,type,amount\n');
    await ingest(wh, [dir], { piiSecret: 's' });
    const left = await queryRows<{ name: string }>(
      wh,
      `SELECT name FROM system.tables WHERE database = {db:String} AND match(name, '^(stg|land)_')`,
      { db: wh.database },
    );
    expect(left).toEqual([]);
  });

  it('an overlapping file inserts only its new rows; a changed row under a loaded key is quarantined', async () => {
    const lines = readFileSync(join(book, 'payments.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!;
    const good = lines.slice(1).filter((l) => /^L\d+-P\d+,L\d+,\d{4}-\d{2}-\d{2},\d+\.\d{2},/.test(l));
    const dir = tmpDir('overlap');
    const changed = good[1]!.replace(/,(\d+)\.(\d{2}),/, (_m, a: string, b: string) => `,${Number(a) + 1}.${b},`);
    writeFileSync(
      join(dir, 'payments-2.csv'),
      [header, good[0]!, changed, 'NEW-1,L000000001,2024-06-30,10.00,,,,app'].join('\n') + '\n',
    );
    const before = await count(wh, 'payments');
    const r = await ingest(wh, [dir], { piiSecret: 's' });
    expect(r.receipts[0]).toMatchObject({
      rows_read: 3,
      rows_inserted: 1,
      rows_already_present: 1,
      rows_quarantined: 1,
    });
    expect(await count(wh, 'payments')).toBe(before + 1);
    const id = /^([^,]+),/.exec(changed)![1]!;
    const amountOf = (line: string) => /,(\d+\.\d{2}),/.exec(line)![1]!;
    const [was, now] = [amountOf(good[1]!), amountOf(changed)];
    expect(
      await count(
        wh,
        'quarantine',
        `reason = 'payment_id ${id} already loaded with different content: amount ${was} → ${now}'`,
      ),
    ).toBe(1);
  });

  // the uninterrupted run each killed-and-rerun one must equal: the same book gives the same
  // checksums, so it runs once for the three cases
  let cleanRun: ReturnType<typeof runChild> | undefined;
  it.each([
    ['after loans are staged', /loans .*: staged/],
    ['between quarantine and insert of payments', /payments .*: quarantined/],
    ['after payments are inserted', /payments .*: inserted/],
  ])('a run killed %s and run again equals one clean run', async (_when, killOn) => {
    const clean = await (cleanRun ??= runChild(tmpDir('clean'), book));
    const dir = tmpDir('killed');
    const killed = await runChild(dir, book, killOn);
    expect(killed.killed).toBe(true);
    const rerun = await runChild(dir, book);
    expect(checksumsOf(rerun.out)).toEqual(checksumsOf(clean.out));
  });
});
