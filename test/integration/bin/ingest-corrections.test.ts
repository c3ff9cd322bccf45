import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';

interface Printed {
  ingest_id: string;
  receipts: {
    mode: string;
    rows_read: number;
    rows_accepted: number;
    rows_quarantined: number;
    rows_corrected: number;
    rows_retracted: number;
  }[];
}

describe('loanwatch ingest --correct / --retract', () => {
  const { dir, out, err, run } = cliHarness('ingest_corr');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const printed = () => JSON.parse(out.join('\n')) as Printed;

  it('corrects, says so when run again, retracts; receipts balanced', async () => {
    const loans = write(
      'loans.csv',
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\n',
    );
    const payments = write(
      'payments.csv',
      'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-15,100.00\nP2,L1,2024-03-15,100.00\n',
    );
    expect(await run('ingest', loans, payments)).toBe(0);
    const fix = write(
      'payments-fix.csv',
      'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-15,120.00\nP9,L1,2024-03-15,5.00\n',
    );
    // without the flag: the conflict names the column
    expect(await run('ingest', fix)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ mode: 'load', rows_quarantined: 1, rows_corrected: 0 });
    expect(await run('quarantine', '--ingest', printed().ingest_id, '--format', 'csv')).toBe(0);
    expect(out.join('\n')).toContain('payment_id P1 already loaded with different content: amount 100.00 → 120.00');
    // (P9 was a new key: that run loaded it)
    expect(await run('ingest', '--correct', fix)).toBe(0);
    for (const r of printed().receipts) expect(r.rows_read).toBe(r.rows_accepted + r.rows_quarantined);
    expect(printed().receipts[0]).toMatchObject({
      mode: 'correct',
      rows_read: 2,
      rows_corrected: 1,
      rows_quarantined: 0,
    });
    expect(await run('ingest', '--correct', fix)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ rows_corrected: 0, rows_quarantined: 0, rows_accepted: 2 });
    const unknown = write('payments-new.csv', 'payment_id,loan_id,paid_date,amount\nP8,L1,2024-03-15,5.00\n');
    // a correction of a key never loaded corrects nothing: the file's one row quarantined, exit 3
    expect(await run('ingest', '--correct', unknown)).toBe(3);
    expect(printed().receipts[0]).toMatchObject({ rows_quarantined: 1, rows_corrected: 0 });
    const keys = write('keys.csv', 'payment_id\nP2\nP404\n');
    expect(await run('ingest', '--retract', '--entity', 'payments', keys)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({
      mode: 'retract',
      rows_read: 2,
      rows_retracted: 1,
      rows_quarantined: 1,
    });
  });

  it.each([
    [['--retract', '--correct'], /--retract removes rows by key: it does not go with --correct/],
    [['--retract'], /header lacks the key column payment_id/],
  ])('refused with exit 2: %j', async (flags, message) => {
    const bad = write('payments-bad.csv', 'id\nP1\n');
    expect(await run('ingest', ...flags, bad)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('--rollback ID: the run removed, printed; again: changed false; an unknown id or a file with it: exit 2, one line', async () => {
    const day = write(
      'payments-day.csv',
      'payment_id,loan_id,paid_date,amount\nPR1,L1,2024-03-01,7.00\nPR2,L1,2024-03-02,8.00\n',
    );
    expect(await run('ingest', day)).toBe(0);
    const id = printed().ingest_id;
    expect(await run('ingest', '--rollback', id)).toBe(0);
    const r = JSON.parse(out.join('\n')) as { rolled_back: string; changed: boolean; receipts: Printed['receipts'] };
    expect(r).toMatchObject({ rolled_back: id, changed: true });
    expect(r.receipts).toMatchObject([{ mode: 'rollback', rows_retracted: 2 }]);
    expect(err.join('\n')).toContain(`rolled back run ${id}: removed 2 rows (payments 2)`);
    expect(await run('ingest', '--rollback', id)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ changed: false });
    expect(err.join('\n')).toMatch(/was rolled back already .*nothing changed/);
    expect(await run('ingest-runs', '--format', 'json', '--limit', '1')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject([
      { mode: 'rollback', file: `rollback of ${id}`, rows_retracted: 2 },
    ]);
    for (const [args, message] of [
      [['--rollback', 'nope'], 'no ingest run nope: `loanwatch ingest-runs` lists the runs and their ids'],
      [['--rollback', id, day], '--rollback removes the rows of an ingest run: it takes no files (1 given)'],
      [['--rollback', id, '--correct'], '--rollback does not go with --correct'],
      [['--rollback', ' '], 'expected an ingest_id'],
      [[], 'name at least one file or directory to ingest'],
    ] as const) {
      expect(await run('ingest', ...args)).toBe(2);
      expect(err.filter((l) => l.includes(message))).toHaveLength(1);
    }
  });
});
