import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import type { QuarantineStatusRow } from '../../../pipelines/ingest/quarantine-status.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { exec, openWarehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';

const paymentsHeader = 'payment_id,loan_id,paid_date,amount';

/**
 * Day 1 quarantines rows (first, middle and last line of a CSV, a JSONL line, a composite key); day 2's
 * fixed files load the same keys: those rows read as resolved by day 2's run, the rest stay open.
 */
describe('loanwatch quarantine --status: a row is resolved once a later ingest loads its key', () => {
  const { dir, out, err, run, stdout } = cliHarness('quarantine_status');
  const day = (name: string, files: Record<string, string>) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, name, f), text);
    return join(dir, name);
  };
  // files of which every row is quarantined are the point here: accepted (without it, exit 3)
  const ingest = async (...argv: string[]) => {
    expect(await run('ingest', '--max-quarantined', '1', ...argv), err.join('\n')).toBe(0);
    return (JSON.parse(stdout()) as { ingest_id: string }).ingest_id;
  };
  const listed = async (...argv: string[]) => {
    expect(await run('quarantine', ...argv, '--format', 'json'), err.join('\n')).toBe(0);
    return (JSON.parse(stdout()) as QuarantineStatusRow[]).map((r) => [r.entity, r.line, r.status, r.resolved_by]);
  };

  const d1 = day('d1', {
    'customers.csv': 'customer_id\nC1\nC2\n',
    'loans.csv':
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\n' +
      'L1,C1,cash,2024-01-10,1200.00,0.12,12\nL2,C2,cash,2024-01-15,2400.00,0.10,24\n',
    // bad: line 2 (a date), line 4 (no payment_id: no key), line 6 (a negative amount)
    'payments.csv': `${paymentsHeader}\nP1,L1,2024-02-31,100.00\nP2,L1,2024-03-10,100.00\n,L2,2024-02-15,5.00\nP4,L2,2024-03-15,110.75\nP5,L2,2024-04-15,-1\n`,
    // a JSON line with a bad channel (line 2), one whose action_id is a number (line 3, bad outcome)
    'collection_actions.jsonl':
      '{"action_id":"A1","loan_id":"L1","action_date":"2024-03-01","channel":"sms","outcome":"contacted"}\n' +
      '{"action_id":"A2","loan_id":"L1","action_date":"2024-03-02","channel":"pigeon","outcome":"contacted"}\n' +
      '{"action_id":3,"loan_id":"L2","action_date":"2024-03-02","channel":"phone","outcome":"maybe"}\n',
    // a composite key (loan_id + as_of_month): line 3's dpd is bad
    'performance.csv': 'loan_id,as_of_month,dpd,principal_balance\nL1,2024-02,0,1100.00\nL2,2024-02,x,2300.00\n',
  });

  it('day 1: every quarantined row is open; the status and resolved_by columns are in every format', async () => {
    await ingest(d1);
    const open = await listed();
    expect(open).toEqual([
      ['collection_actions', 2, 'open', ''],
      ['collection_actions', 3, 'open', ''],
      ['payments', 2, 'open', ''],
      ['payments', 4, 'open', ''],
      ['payments', 6, 'open', ''],
      ['performance', 3, 'open', ''],
    ]);
    expect(await listed('--status', 'resolved')).toEqual([]);
    expect(await run('quarantine', '--format', 'csv')).toBe(0);
    expect(out[0]).toBe('file,entity,line,reason,raw,ingest_id,file_sha256,quarantined_at,status,resolved_by');
    expect(await run('quarantine')).toBe(0);
    expect(out.join('\n')).toMatch(/│ status/u);
  });

  it('day 2: the fixed files resolve the rows whose keys they load, by that run; the rest stay open', async () => {
    const d2 = day('d2', {
      // P1 and P5 fixed; the keyless row cannot be matched; P6 is new and bad (first line fixed, last bad)
      'payments.csv': `${paymentsHeader}\nP1,L1,2024-02-29,100.00\nP5,L2,2024-04-15,1.00\nP6,L1,2024-04-01,abc\n`,
      'collection_actions.jsonl':
        '{"action_id":"A2","loan_id":"L1","action_date":"2024-03-02","channel":"phone","outcome":"contacted"}\n' +
        '{"action_id":"3","loan_id":"L2","action_date":"2024-03-02","channel":"phone","outcome":"refused"}\n',
      'performance.csv': 'loan_id,as_of_month,dpd,principal_balance\nL2,2024-02,31,2300.00\n',
    });
    const fixed = await ingest(d2);
    expect(await listed('--status', 'resolved')).toEqual([
      ['collection_actions', 2, 'resolved', fixed],
      ['collection_actions', 3, 'resolved', fixed],
      ['payments', 2, 'resolved', fixed],
      ['payments', 6, 'resolved', fixed],
      ['performance', 3, 'resolved', fixed],
    ]);
    // open by default: the keyless row of day 1 and day 2's own bad row
    const open = await listed();
    expect(open).toEqual([
      ['payments', 4, 'open', ''],
      ['payments', 4, 'open', ''],
    ]);
    expect(await listed('--status', 'all')).toHaveLength(7);
    // the filters still apply, before the status
    expect(await listed('--status', 'resolved', '--entity', 'performance')).toEqual([
      ['performance', 3, 'resolved', fixed],
    ]);
    expect(await listed('--status', 'all', '--file', join(d2, 'payments.csv'))).toEqual([['payments', 4, 'open', '']]);
    expect(await run('quarantine', '--status', 'resolved')).toBe(0);
    expect(out.join('\n')).toMatch(/│ resolved by/u);
    expect(out.join('\n')).toContain(fixed);
    expect(out.at(-1)).toBe('2 open rows not shown: --status all');
    // a file whose rows are all resolved: no open row, and the table says where they went
    expect(await run('quarantine', '--entity', 'performance')).toBe(0);
    expect(out).toEqual(['(no rows)', '1 resolved row not shown: --status all']);
  });

  it('a key conflict stays open when the same row is sent again, and is resolved by ingest --correct', async () => {
    const d3 = day('d3', { 'payments.csv': `${paymentsHeader}\nP2,L1,2024-03-10,120.00\n` });
    await ingest(d3);
    const conflict = await listed('--file', join(d3, 'payments.csv'));
    expect(conflict).toEqual([['payments', 2, 'open', '']]);
    // the loaded row again (already present): the conflict is not settled by it
    await ingest(day('d3-same', { 'payments.csv': `${paymentsHeader}\nP2,L1,2024-03-10,100.00\n` }));
    expect(await listed('--file', join(d3, 'payments.csv'))).toEqual([['payments', 2, 'open', '']]);
    const corrected = await ingest(
      '--correct',
      day('d3-fix', { 'payments.csv': `${paymentsHeader}\nP2,L1,2024-03-10,120.00\n` }),
    );
    expect(await listed('--file', join(d3, 'payments.csv'), '--status', 'all')).toEqual([
      ['payments', 2, 'resolved', corrected],
    ]);
  });

  it('a correction of a key not yet loaded: not resolved by a plain load of the original row, resolved by the correction or its own file', async () => {
    // P20: the correction arrives before the day's file; P21: the refusal's advice, the same file loaded without --correct
    const fix = day('d6-corr', {
      'payments.csv': `${paymentsHeader}\nP20,L1,2024-04-20,500.00\nP21,L2,2024-04-21,60.00\n`,
    });
    await ingest('--correct', fix);
    const corrFile = join(fix, 'payments.csv');
    expect(await listed('--file', corrFile)).toEqual([
      ['payments', 2, 'open', ''],
      ['payments', 3, 'open', ''],
    ]);
    await ingest(day('d6-day', { 'payments.csv': `${paymentsHeader}\nP20,L1,2024-04-20,50.00\n` }));
    expect(await listed('--file', corrFile)).toEqual([
      ['payments', 2, 'open', ''],
      ['payments', 3, 'open', ''],
    ]);
    const plain = await ingest(fix);
    expect(await listed('--file', corrFile, '--status', 'all')).toEqual([
      ['payments', 2, 'open', ''],
      ['payments', 3, 'resolved', plain],
    ]);
    const corrected = await ingest('--correct', fix);
    expect(await listed('--file', corrFile, '--status', 'all')).toEqual([
      ['payments', 2, 'resolved', corrected],
      ['payments', 3, 'resolved', plain],
    ]);
  });

  it('a CSV whose file is gone: its rows are resolved by the key ingest stored with them', async () => {
    const d4 = day('d4', { 'payments.csv': `${paymentsHeader}\nP7,L1,2024-13-01,100.00\n` });
    await ingest(d4);
    rmSync(join(d4, 'payments.csv'));
    expect(await listed('--file', join(d4, 'payments.csv'), '--status', 'all')).toEqual([['payments', 2, 'open', '']]);
    const fixed = await ingest(day('d4-fix', { 'payments.csv': `${paymentsHeader}\nP7,L1,2024-05-01,100.00\n` }));
    expect(await listed('--file', join(d4, 'payments.csv'), '--status', 'all')).toEqual([
      ['payments', 2, 'resolved', fixed],
    ]);
  });

  it('a CSV replaced at its path by one of other columns: the stored key, not the new header, decides', async () => {
    const d5 = day('d5', { 'payments.csv': `${paymentsHeader}\nP8,L1,2024-02-30,100.00\n` });
    await ingest(d5);
    // the same path now holds a file whose first column is the loan: read through it, the key would be L1
    writeFileSync(join(d5, 'payments.csv'), `loan_id,payment_id,paid_date,amount\nL1,P8,2024-02-28,100.00\n`);
    const fixed = await ingest(day('d5-fix', { 'payments.csv': `${paymentsHeader}\nP8,L1,2024-02-28,100.00\n` }));
    expect(await listed('--file', join(d5, 'payments.csv'), '--status', 'resolved')).toEqual([
      ['payments', 2, 'resolved', fixed],
    ]);
  });

  it('rows quarantined before keys were stored: their keys derived at the first listing; a CSV gone by then: unknown', async () => {
    const d6 = day('d6', {
      'payments.csv': `${paymentsHeader}\nP9,L1,2024-02-30,100.00\n`,
      'collection_actions.jsonl':
        '{"action_id":"A9","loan_id":"L1","action_date":"2024-03-02","channel":"pigeon","outcome":"contacted"}\n',
    });
    const gone = day('d6-gone', { 'payments.csv': `${paymentsHeader}\nP10,L1,2024-02-30,100.00\n` });
    await ingest(d6, gone);
    const fixed = await ingest(
      day('d6-fix', {
        'payments.csv': `${paymentsHeader}\nP9,L1,2024-02-28,100.00\nP10,L1,2024-02-28,100.00\n`,
        'collection_actions.jsonl':
          '{"action_id":"A9","loan_id":"L1","action_date":"2024-03-02","channel":"phone","outcome":"contacted"}\n',
      }),
    );
    // as a warehouse from before migration 38 holds them: no key; the second CSV removed since
    const wh = openWarehouse(loadConfig());
    try {
      await exec(
        wh,
        `ALTER TABLE ${tableRef(wh, 'quarantine')} UPDATE row_key = NULL WHERE file IN ({files:Array(String)})`,
        { files: [join(d6, 'payments.csv'), join(d6, 'collection_actions.jsonl'), join(gone, 'payments.csv')] },
        { mutations_sync: 2 },
      );
    } finally {
      await wh.close();
    }
    rmSync(join(gone, 'payments.csv'));
    expect(await listed('--status', 'all', '--file', join(d6, 'payments.csv'))).toEqual([
      ['payments', 2, 'resolved', fixed],
    ]);
    // said once, on stderr
    expect(err).toEqual([
      'quarantine: keys of 3 rows quarantined before keys were stored derived once (1 could not be: status unknown)',
    ]);
    expect(await listed('--status', 'all', '--file', join(d6, 'collection_actions.jsonl'))).toEqual([
      ['collection_actions', 1, 'resolved', fixed],
    ]);
    // not resolved, though its key was loaded since: it cannot be read without its file's header
    expect(await listed('--status', 'unknown')).toEqual([['payments', 2, 'unknown', '']]);
    expect(await run('quarantine')).toBe(0);
    expect(out.at(-1)).toBe('1 unknown row not shown: --status all');
  });

  it('refuses a status that is none', async () => {
    expect(await run('quarantine', '--status', 'closed')).toBe(2);
    expect(err[0]).toMatch(/--status "closed": expected one of open, resolved, unknown, all/u);
  });
});
