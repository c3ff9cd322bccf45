import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import { cutAtItsStart, paymentsParquet } from '../../helpers/cut-parquet.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';
import type { IngestRunFile } from '../../../pipelines/ingest/ingest-runs.ts';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('loanwatch ingest-runs: what each load did, newest first', () => {
  const { dir, out, err, run, stdout } = cliHarness('ingest_runs');
  const day = (name: string, files: Record<string, string>) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, name, f), text);
    return join(dir, name);
  };
  const runs = async (...argv: string[]) => {
    expect(await run('ingest-runs', ...argv, '--format', 'json'), err.join('\n')).toBe(0);
    return JSON.parse(stdout()) as IngestRunFile[];
  };
  const ingestId = () => (JSON.parse(stdout()) as { ingest_id: string }).ingest_id;

  it('an empty warehouse has none', async () => {
    expect(await run('ingest-runs')).toBe(0);
    expect(out).toEqual(['(no ingest run is recorded)']);
    expect(await runs()).toEqual([]);
  });

  it('lists every run newest first, a row per file with its counts and short SHA-256; --limit, --file, csv', async () => {
    const d1 = day('d1', {
      'customers.csv': 'customer_id\nC1\nC2\n',
      'loans.csv':
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,cash,2024-01-10,1200.00,0.12,12\nL2,C2,cash,2024-01-15,2400.00,0.10,24\n',
      'payments.csv':
        'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-10,100.00\nP2,L9,2024-02-11,5.00\nP3,L2,2024-02-15,110.75\n',
    });
    expect(await run('ingest', d1)).toBe(0);
    const first = ingestId();
    const d2 = day('d2', {
      'payments.csv': 'payment_id,loan_id,paid_date,amount\nP4,L1,2024-03-10,100.00\nP5,L2,2024-03-15,oops\n',
    });
    expect(await run('ingest', d2)).toBe(0);
    const second = ingestId();

    const all = await runs();
    expect(all.map((r) => [r.ingest_id, r.entity])).toEqual([
      [second, 'payments'],
      [first, 'customers'],
      [first, 'loans'],
      [first, 'payments'],
    ]);
    for (const r of all) {
      expect(r.rows_read).toBe(r.rows_accepted + r.rows_quarantined);
      expect(r.rows_accepted).toBe(r.rows_inserted + r.rows_already_present + r.rows_corrected + r.rows_retracted);
      expect(r.mode).toBe('load');
      expect(sha(r.file).startsWith(r.sha256)).toBe(true);
      expect(r.sha256).toMatch(/^[0-9a-f]{12}$/u);
      expect(r.run_started_at <= r.started_at && r.finished_at <= r.run_finished_at).toBe(true);
    }
    expect(all.map((r) => [r.rows_read, r.rows_accepted, r.rows_quarantined])).toEqual([
      [2, 1, 1],
      [2, 2, 0],
      [2, 2, 0],
      [3, 2, 1],
    ]);
    expect(all.map((r) => r.run_files)).toEqual([1, 3, 3, 3]);
    expect(all.map((r) => [r.run_status, r.run_files_planned])).toEqual([
      ['complete', 1],
      ['complete', 3],
      ['complete', 3],
      ['complete', 3],
    ]);

    // the newest run only; the runs that loaded a payments.csv, and only that file of them
    expect((await runs('--limit', '1')).map((r) => r.ingest_id)).toEqual([second]);
    expect((await runs('--file', 'payments.csv')).map((r) => [r.ingest_id, r.file])).toEqual([
      [second, join(d2, 'payments.csv')],
      [first, join(d1, 'payments.csv')],
    ]);
    expect((await runs('--file', join(d1, 'loans.csv'))).map((r) => r.entity)).toEqual(['loans']);

    // the table: the run's id and times on its first file; counts per file
    expect(await run('ingest-runs')).toBe(0);
    const table = out.join('\n');
    expect(table.indexOf(second)).toBeLessThan(table.indexOf(first));
    expect(table.split(first).length - 1).toBe(1);
    // the table each row is for, and the rows a file added (a file loaded again adds none) — review 2026-12-06
    expect(table).toMatch(/mode.*status.*entity.*file.*read.*accepted.*new.*quarantined/u);
    expect(table).toMatch(/│ payments +│/u);
    expect(table).toMatch(/│ load +│ complete +│/u);
    expect(table).toContain(all[0]!.sha256);

    expect(await run('ingest-runs', '--format', 'csv')).toBe(0);
    expect(out[0]).toBe(
      'ingest_id,run_status,run_started_at,run_finished_at,run_files_planned,run_files,run_detail,rolled_back_by,entity,file,sha256,format,mode,rows_read,rows_accepted,rows_inserted,rows_already_present,rows_quarantined,rows_corrected,rows_retracted,started_at,finished_at',
    );
    expect(out).toHaveLength(5);
  });

  it('a correction run shows its mode and the rows it corrected', async () => {
    const fix = day('fix', { 'payments.csv': 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-10,120.00\n' });
    expect(await run('ingest', '--correct', fix)).toBe(0);
    const [newest] = await runs('--limit', '1');
    expect(newest).toMatchObject({
      mode: 'correct',
      rows_read: 1,
      rows_accepted: 1,
      rows_corrected: 1,
      rows_inserted: 0,
    });
    expect(await run('ingest-runs', '--limit', '1')).toBe(0);
    expect(out.join('\n')).toMatch(/│ correct +│/u);
  });

  it('many runs: newest first whatever their number, --limit k the newest k, the table the newest 20', async () => {
    const before = (await runs()).length;
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      // one customer a day, the file's name its day: each run one receipt
      const d = day(`many-${i}`, { [`customers-${i}.csv`]: `customer_id\nM${i}\n` });
      expect(await run('ingest', d)).toBe(0);
      ids.unshift(ingestId());
    }
    const all = await runs();
    expect(all).toHaveLength(before + 21);
    expect(all.slice(0, 21).map((r) => r.ingest_id)).toEqual(ids);
    const started = all.map((r) => r.run_started_at);
    expect([...started].sort().reverse()).toEqual(started);
    for (const k of [1, 2, 7, 21])
      expect((await runs('--limit', String(k))).map((r) => r.ingest_id)).toEqual(ids.slice(0, k));
    expect(await run('ingest-runs')).toBe(0);
    const table = out.join('\n');
    for (const id of ids.slice(0, 20)) expect(table).toContain(id);
    expect(table).not.toContain(ids[20]);
    expect(out.at(-1)).toBe('the newest 20 runs; --limit N for more, --format csv (or json) for all');
  });

  it('a failed run says so in the table, with the files it finished and the reason it stopped', async () => {
    // a Parquet file cut at its start passes the check before the run and fails at its load
    const scratch = await testWarehouse('ingest_runs_pq');
    const bytes = await paymentsParquet(scratch, join(dir, 'whole.parquet')).finally(() => disposeIfOpened(scratch));
    const d = day('failing', { 'customers.csv': 'customer_id\nF1\n' });
    writeFileSync(join(d, 'payments.parquet'), cutAtItsStart(bytes));
    expect(await run('ingest', d)).toBe(2);
    const told = err.find((l) => l.startsWith('loanwatch: '))!.replace(/^loanwatch: /u, '');
    const [newest] = await runs('--limit', '1');
    expect(newest).toMatchObject({ run_status: 'failed', run_files_planned: 2, run_files: 1, entity: 'customers' });
    expect(await run('ingest-runs', '--limit', '1')).toBe(0);
    expect(out.join('\n')).toMatch(/│ load +│ failed +│/u);
    expect(out.at(-1)).toBe(`run ${newest!.ingest_id} failed (1 of 2 files finished): ${told}`);
    expect(told).toMatch(/payments\.parquet: not a readable Parquet file/u);
  });

  it.each([
    [['--file', 'nope.csv'], /no ingest of nope.csv is recorded/u],
    [['--limit', '0'], /--limit/u],
    [['--format', 'xml'], /--format/u],
  ])('refuses %j with exit 2', async (argv, message) => {
    expect(await run('ingest-runs', ...argv)).toBe(2);
    expect(err[0]).toMatch(message);
  });
});
