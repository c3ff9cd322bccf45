import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { listIngestRuns } from '../../../../pipelines/ingest/ingest-runs.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { rollback } from '../../../../pipelines/ingest/rollback.ts';
import { trapInterrupt } from '../../../../bin/cli/interrupt.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { cutAtItsStart, paymentsParquet } from '../../../helpers/cut-parquet.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const customers = 'customer_id\nC1\nC2\n';
const loans =
  'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\n' +
  'L1,C1,cash,2024-01-10,1200.00,0.12,12\nL2,C2,cash,2024-01-15,2400.00,0.10,24\n';
const payments = 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-10,100.00\nP2,L2,2024-02-15,110.75\n';

/** A day's folder of files (customers load first, then loans, then payments). */
function day(name: string, files: Record<string, string | Buffer>): string {
  const dir = tmpDir(name);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const caught = <T>(p: Promise<T>) =>
  p.then(
    () => null,
    (e: unknown) => e as Error,
  );

describe('ingest runs record how they ended: complete, failed with the reason, or unfinished', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('run_ledger');
  });
  afterAll(() => disposeIfOpened(wh));

  it('a run that finished every file is complete, with its files given and finished', async () => {
    const r = await ingest(wh, [day('complete', { 'customers.csv': customers, 'loans.csv': loans })], {
      piiSecret: 's',
    });
    const rows = (await listIngestRuns(wh)).filter((x) => x.ingest_id === r.ingestId);
    expect(rows.map((x) => x.entity)).toEqual(['customers', 'loans']);
    for (const x of rows) {
      expect(x).toMatchObject({ run_status: 'complete', run_detail: '', run_files_planned: 2, run_files: 2 });
      expect(x.run_finished_at >= x.finished_at && x.run_started_at <= x.started_at).toBe(true);
    }
  });

  it('a run stopped by a file that fails at its load is failed, with the error the user saw and the files before it', async () => {
    // a Parquet file cut at its start: its footer reads (the check before the run passes), its data does not
    const bytes = await paymentsParquet(wh, join(tmpDir('pq_whole'), 'p.parquet'));
    const dir = day('failed', {
      'customers.csv': 'customer_id\nC3\n',
      'loans.csv': loans.replace('L1,C1', 'L3,C3').replace(/\nL2.*\n$/u, '\n'),
      'payments.parquet': cutAtItsStart(bytes),
    });
    const e = await caught(ingest(wh, [dir], { piiSecret: 's' }));
    expect(e?.message).toMatch(/payments\.parquet: not a readable Parquet file/u);
    const [newest, ...rest] = await listIngestRuns(wh, { limit: 1 });
    expect(rest.map((x) => x.entity)).toEqual(['loans']);
    expect(newest).toMatchObject({ entity: 'customers', run_status: 'failed', run_files_planned: 3, run_files: 2 });
    expect(newest!.run_detail).toBe(e!.message.split('\n')[0]);
    expect(newest!.run_finished_at).not.toBe('');
  });

  it('a run stopped at its first file is listed though it finished none; Ctrl-C leaves a run unfinished', async () => {
    const exits: number[] = [];
    const trap = trapInterrupt((code) => exits.push(code));
    const errors: unknown[] = [];
    const quiet = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      trap.select('ingest', true);
      const dir = day('stopped', { 'payments.csv': payments.replace(/P(\d)/gu, 'Q$1') });
      // Ctrl-C while the first file loads: every later statement is refused, the end record too
      const e = await caught(
        ingest(trap.guard(wh), [dir], {
          piiSecret: 's',
          log: (line) => {
            if (line.includes('payments') && !trap.interrupted) process.emit('SIGINT');
          },
        }),
      );
      expect(e?.constructor.name).toBe('Interrupted');
    } finally {
      trap.dispose();
      console.error = quiet;
    }
    expect(exits).toEqual([]);
    const [newest, ...more] = await listIngestRuns(wh, { limit: 1 });
    expect(more).toEqual([]);
    expect(newest).toMatchObject({
      ...{ run_status: 'unfinished', run_finished_at: '', run_files_planned: 1, run_files: 0, mode: 'load' },
      ...{ entity: '', file: '', rows_read: 0 },
    });
  });

  it('retractions and rollbacks record their runs too; runs from before the records are "not recorded"', async () => {
    const r = await retract(wh, [day('retract', { 'payments.csv': 'payment_id\nP2\n' })], {});
    const loaded = await ingest(
      wh,
      [day('to_roll_back', { 'payments.csv': 'payment_id,loan_id,paid_date,amount\nP9,L2,2024-03-15,5.00\n' })],
      {
        piiSecret: 's',
      },
    );
    const rolled = await rollback(wh, loaded.ingestId);
    const byId = new Map((await listIngestRuns(wh)).map((x) => [x.ingest_id, x]));
    expect(byId.get(r.ingestId)).toMatchObject({ mode: 'retract', run_status: 'complete', run_files_planned: 1 });
    // a rollback plans one receipt per table it removes rows from, and writes them
    const rolledRow = byId.get(rolled.ingestId);
    expect(rolledRow).toMatchObject({ mode: 'rollback', run_status: 'complete' });
    expect(rolledRow!.run_files_planned).toBe(rolledRow!.run_files);
    // a run whose records are gone (as every run before migration 40): its receipts alone
    await exec(wh, `DELETE FROM ${tableRef(wh, 'ingest_run_log')} WHERE ingest_id = {id:String}`, { id: r.ingestId });
    const old = (await listIngestRuns(wh)).find((x) => x.ingest_id === r.ingestId)!;
    expect(old).toMatchObject({ run_status: 'not recorded', run_detail: '', run_files_planned: null, run_files: 1 });
    expect(old.run_finished_at).toBe(old.finished_at);
  });
});
