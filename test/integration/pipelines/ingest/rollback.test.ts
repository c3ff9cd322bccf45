import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { rollback, RollbackRefused } from '../../../../pipelines/ingest/rollback.ts';
import { listIngestRuns } from '../../../../pipelines/ingest/ingest-runs.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { rawEntities } from '../../../../warehouse/tables.ts';
import { tableChecksums } from '../../../helpers/checksums.ts';
import { baseBook, dayFiles } from '../../../helpers/rollback-book.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

type Wh = Awaited<ReturnType<typeof testWarehouse>>;

/** One warehouse for every case: each leaves it as it found it, or works on ids of its own. */
describe('ingest --rollback: every row of a run removed, audited; refused when other runs build on it', () => {
  let wh: Wh;
  const dir = tmpDir('rollback');
  const load = async (paths: string[], correct = false) => {
    const r = await ingest(wh, paths, { piiSecret: 's', correct });
    for (const x of r.receipts) expect(x.rows_read).toBe(x.rows_accepted + x.rows_quarantined);
    return r;
  };
  const file = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const audited = async (run: string) => {
    const rows = await queryRows<{ entity: string; n: string }>(
      wh,
      `SELECT entity, toString(count()) AS n FROM ${wh.database}.row_corrections
      WHERE action = 'rollback' AND old_ingest_id = {run:String} GROUP BY entity`,
      { run },
    );
    return Object.fromEntries(rows.map((r) => [r.entity, Number(r.n)]));
  };
  const refused = async (run: string) => {
    const e = await rollback(wh, run).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RollbackRefused);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  };

  beforeAll(async () => {
    wh = await testWarehouse('rollback');
    await load([baseBook(dir)]);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([1, 4, 15])(
    "a day's files of %i loans: rolled back, every table as before; again: nothing changes, says so; loaded again: back",
    async (n) => {
      const before = await tableChecksums(wh);
      const day = dayFiles(dir, `n${n}`, n);
      const loaded = await load([day]);
      const inserted = Object.fromEntries(loaded.receipts.map((r) => [r.entity, r.rows_inserted]));
      expect(Object.keys(inserted).sort()).toEqual([...rawEntities].sort());
      const lines: string[] = [];
      const r = await rollback(wh, loaded.ingestId, { log: (l) => lines.push(l) });
      expect(r).toMatchObject({ rolledBack: loaded.ingestId, changed: true });
      expect(Object.fromEntries(r.receipts.map((x) => [x.entity, x.rows_retracted]))).toEqual(inserted);
      for (const x of r.receipts)
        expect(x).toMatchObject({ mode: 'rollback', rows_read: 0, rows_accepted: 0, rows_inserted: 0 });
      expect(lines.at(-1)).toMatch(new RegExp(`^rolled back run ${loaded.ingestId}: removed ${2 + 6 * n} rows`));
      expect(await tableChecksums(wh)).toEqual(before);
      expect(await audited(loaded.ingestId)).toEqual(inserted);
      // listed by ingest-runs: the receipts
      const stored = await queryRows<{ n: string }>(
        wh,
        `SELECT toString(count()) AS n FROM ${wh.database}.ingest_receipts WHERE mode = 'rollback' AND ingest_id = {id:String}`,
        { id: r.ingestId },
      );
      expect(Number(stored[0]!.n)).toBe(rawEntities.length);
      // the run itself says it was undone, listed by its own file too (its rollback's receipts are
      // filed as "rollback of …")
      const file = loaded.receipts[0]!.file;
      const listed = (await listIngestRuns(wh, { file })).filter((x) => x.ingest_id === loaded.ingestId);
      expect(listed.map((x) => x.rolled_back_by)).toEqual([r.ingestId]);
      expect((await listIngestRuns(wh)).find((x) => x.ingest_id === r.ingestId)!.rolled_back_by).toBe('');

      const again: string[] = [];
      const second = await rollback(wh, loaded.ingestId, { log: (l) => again.push(l) });
      expect(second).toMatchObject({ changed: false, ingestId: r.ingestId });
      expect(second.receipts.map((x) => x.rows_retracted)).toEqual(r.receipts.map((x) => x.rows_retracted));
      expect(again.join('\n')).toMatch(/was rolled back already .*: nothing changed/);
      expect(await tableChecksums(wh)).toEqual(before);
      expect(await audited(loaded.ingestId)).toEqual(inserted);

      // the right file after the wrong one: the keys load again, as new rows (once: loads are the slow part)
      if (n !== 4) return;
      const reloaded = await load([day]);
      expect(Object.fromEntries(reloaded.receipts.map((x) => [x.entity, x.rows_inserted]))).toEqual(inserted);
      expect((await rollback(wh, reloaded.ingestId)).changed).toBe(true);
      expect(await tableChecksums(wh)).toEqual(before);
    },
  );

  it('refused, nothing removed, while rows of other runs name its loans or customers; in order, both go', async () => {
    const day = await load([dayFiles(dir, 'dep', 2)]);
    const payments = await load([
      file('payments-later.csv', ['payment_id,loan_id,paid_date,amount', 'PX,Ldep-2,2024-03-05,5.00']),
    ]);
    const loans = await load([
      file('loans-later.csv', [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
        'LX,Cdep,consumer,2024-02-25,100.00,0.12,12',
      ]),
    ]);
    // an outcome recorded in the console carries its source, no run's id
    await exec(
      wh,
      `INSERT INTO ${wh.database}.collection_actions (action_id, loan_id, action_date, channel, outcome, ingest_id, source)
      VALUES ('AC1', 'Ldep-1', '2024-03-06', 'phone', 'contacted', 'console', 'console')`,
    );
    const before = await tableChecksums(wh);
    const message = await refused(day.ingestId);
    expect(message).toContain(`run ${day.ingestId} cannot be rolled back: rows of other runs build on it`);
    expect(message).toContain(`collection_actions recorded in the console: 1 row naming its loans (loan Ldep-1)`);
    expect(message).toContain(`loans of run ${loans.ingestId}: 1 row naming its customers (customer Cdep)`);
    expect(message).toContain(`payments of run ${payments.ingestId}: 1 row naming its loans (loan Ldep-2)`);
    // each kind of dependent row with its own way out
    expect(message).toMatch(
      /First withdraw the recorded actions in the console or the API \(POST \/v1\/collection-actions\/\{action_id\}\/withdraw\); roll those runs back, or retract those rows$/,
    );
    expect(message).not.toContain('--correct run');
    expect(await tableChecksums(wh)).toEqual(before);
    expect(await audited(day.ingestId)).toEqual({});
    await rollback(wh, payments.ingestId);
    await rollback(wh, loans.ingestId);
    await retract(wh, [file('collection_actions-keys.csv', ['action_id', 'AC1'])], {});
    expect((await rollback(wh, day.ingestId)).changed).toBe(true);
    expect(await audited(day.ingestId)).toMatchObject({ loans: 2, payments: 3 });
  });

  it('refused while a later correction of one of its rows stands; once that row is retracted, it goes', async () => {
    const day = await load([
      file('payments-day-c.csv', [
        'payment_id,loan_id,paid_date,amount',
        'PC1,L1,2024-03-01,7.00',
        'PC2,L2,2024-03-01,8.00',
        'PC3,L2,2024-03-02,8.00',
      ]),
    ]);
    const fix = await load(
      [
        file('payments-fix-c.csv', [
          'payment_id,loan_id,paid_date,amount',
          'PC2,L2,2024-03-01,9.00',
          'PC3,L2,2024-03-02,9.00',
        ]),
      ],
      true,
    );
    expect(fix.receipts[0]).toMatchObject({ rows_corrected: 2 });
    const message = await refused(day.ingestId);
    // every corrected key named, and the way out that works: a --correct run cannot be rolled back (below)
    expect(message).toContain(`run ${fix.ingestId} corrected 2 of its rows (payments PC2, payments PC3)`);
    expect(message).toMatch(
      /First retract the corrected rows \(ingest --retract with their keys; .*\): a --correct run cannot be rolled back$/,
    );
    expect(message).not.toContain('roll those runs back');
    // the correction run itself is no load
    expect(await refused(fix.ingestId)).toMatch(/is an ingest --correct run: --rollback undoes a load/);
    const gone = await retract(wh, [file('payments-keys-c.csv', ['payment_id', 'PC2', 'PC3'])], {});
    expect(gone.receipts[0]).toMatchObject({ rows_retracted: 2 });
    expect(await refused(gone.ingestId)).toMatch(/is an ingest --retract run: it loaded no rows to roll back/);
    const r = await rollback(wh, day.ingestId);
    expect(r.receipts.map((x) => [x.entity, x.rows_retracted])).toEqual([['payments', 1]]);
    expect(await refused(r.ingestId)).toMatch(/is a rollback \(rollback of /);
  });

  it.each(['no-such-run', '00000000-0000-0000-0000-000000000000', 'console', 'api', ''])(
    'an id no run has (%j): refused in one line',
    async (id) => {
      expect(await refused(id)).toBe(`no ingest run ${id}: \`loanwatch ingest-runs\` lists the runs and their ids`);
    },
  );

  it('a run killed before its receipts (rows under its id, none listed): rolled back by its id', async () => {
    const before = await tableChecksums(wh);
    class Stop extends Error {}
    await expect(
      ingest(wh, [dayFiles(dir, 'kill', 3)], {
        piiSecret: 's',
        log: (l) => {
          if (l.includes('payments.csv: inserted')) throw new Stop(l);
        },
      }),
    ).rejects.toBeInstanceOf(Stop);
    const [orphan] = await queryRows<{ id: string }>(
      wh,
      `SELECT DISTINCT toString(ingest_id) AS id FROM ${wh.database}.payments
      WHERE ingest_id NOT IN (SELECT ingest_id FROM ${wh.database}.ingest_receipts WHERE entity = 'payments')`,
    );
    const r = await rollback(wh, orphan!.id);
    expect(Object.fromEntries(r.receipts.map((x) => [x.entity, x.rows_retracted]))).toEqual({
      customers: 1,
      loans: 3,
      schedule: 3,
      payments: 4,
    });
    expect(await tableChecksums(wh)).toEqual(before);
  });
});
