import { writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../../../warehouse/connection.ts';
import type { CorrectionRow } from '../../../pipelines/ingest/corrections-list.ts';
import { cliHarness } from '../../helpers/cli.ts';
import { lastAuditEntry, withCliWarehouse } from '../../helpers/cli-audit-entry.ts';

const who = `cli:${userInfo().username}@${hostname()}`;

/**
 * `ingest --correct / --retract / --rollback` record who (the CLI actor, --by beside it) and why
 * (--reason) in row_corrections, and `loanwatch corrections` reads the trail back, audited.
 */
describe('loanwatch corrections, and ingest --by / --reason', () => {
  const { dir, err, run, stdout } = cliHarness('corrections_cli');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const listed = () => JSON.parse(stdout()) as CorrectionRow[];

  it('a correction, a retraction and a rollback, each with who and why, listed newest first', async () => {
    const loans = write(
      'loans.csv',
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\n',
    );
    const payments = write(
      'payments.csv',
      'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-15,100.00\nP2,L1,2024-03-15,100.00\n',
    );
    expect(await run('ingest', loans, payments), err.join('\n')).toBe(0);
    const fix = write('payments-fix.csv', 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-15,120.00\n');
    expect(await run('ingest', '--correct', fix, '--reason', 'bank statement 02-15', '--by', 'zhou.ia')).toBe(0);
    const keys = write('keys.csv', 'payment_id\nP2\n');
    expect(await run('ingest', '--retract', '--entity', 'payments', keys, '--reason', 'reversed')).toBe(0);
    const late = write('payments-late.csv', 'payment_id,loan_id,paid_date,amount\nP3,L1,2024-03-01,50.00\n');
    expect(await run('ingest', late)).toBe(0);
    const { ingest_id: lateRun } = JSON.parse(stdout()) as { ingest_id: string };
    // a reason typed with the borrower's phone is stored masked, as a recorded action's is
    expect(await run('ingest', '--rollback', lateRun, '--reason', 'the wrong day, per 13812345678')).toBe(0);

    expect(await run('corrections', '--format', 'json'), err.join('\n')).toBe(0);
    expect(listed().map((r) => [r.action, r.key, r.actor, r.reason])).toEqual([
      ['rollback', 'P3', who, 'the wrong day, per 138****5678'],
      ['retract', 'P2', who, 'reversed'],
      ['correct', 'P1', `${who} (zhou.ia)`, 'bank statement 02-15'],
    ]);
    const corrected = listed()[2]!;
    expect(corrected.file).toBe(fix);
    expect(JSON.parse(corrected.old_row)).toMatchObject({ amount: '100.00' });
    expect(JSON.parse(corrected.new_row)).toMatchObject({ amount: '120.00' });
    expect(listed()[0]).toMatchObject({ old_ingest_id: lateRun, file: `rollback of ${lateRun}` });
  });

  it('filters and formats: --key, --entity, --since, csv; the table says who, or that it was not recorded', async () => {
    expect(await run('corrections', '--key', 'P1', '--format', 'json')).toBe(0);
    expect(listed().map((r) => r.key)).toEqual(['P1']);
    expect(await run('corrections', '--entity', 'loans', '--format', 'json')).toBe(0);
    expect(listed()).toEqual([]);
    expect(await run('corrections', '--since', '2100-01-01', '--format', 'json')).toBe(0);
    expect(listed()).toEqual([]);
    expect(await run('corrections', '--format', 'csv', '--limit', '1')).toBe(0);
    const csv = stdout().trimEnd().split('\n');
    expect(csv[0]).toBe('at,action,entity,key,actor,reason,ingest_id,old_ingest_id,file,line,old_row,new_row');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',rollback,payments,P3,');
    // a row audited before who and why were recorded (migration 41): empty, said so in the table
    await withCliWarehouse((wh) =>
      exec(
        wh,
        `INSERT INTO ${wh.database}.row_corrections (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line)
        VALUES ('2024-01-01 00:00:00', 'old-run', 'payments', 'P0', 'retract', '{}', '', 1, 0, 'r0', 'L1', '', 'old.csv', 2)`,
      ),
    );
    expect(await run('corrections', '--key', 'P0', '--format', 'json')).toBe(0);
    expect(listed()[0]).toMatchObject({ actor: '', reason: '' });
    expect(await run('corrections')).toBe(0);
    const table = stdout();
    expect(table).toContain('(not recorded)');
    expect(table).toContain(`${who} (zhou.ia)`);
    expect(table).toContain('bank statement 02-15');
  });

  it('each listing is audited as corrections.list', async () => {
    expect(await run('corrections', '--entity', 'payments', '--format', 'json')).toBe(0);
    const n = listed().length;
    const row = await lastAuditEntry('corrections.list');
    expect(row).toMatchObject({ key_id: who, role: 'cli', target: '' });
    expect(row.details).toEqual({
      source: 'cli',
      entity: 'payments',
      key: null,
      loan: null,
      since: null,
      format: 'json',
      returned: n,
    });
  });

  it.each([
    [['--by', 'zhou.ia'], /--by goes with --correct, --retract or --rollback/u],
    [['--reason', 'why not'], /--reason goes with --correct, --retract or --rollback/u],
  ])('a plain load refuses %j (exit 2, no stack trace)', async (flags, message) => {
    const file = write('payments-plain.csv', 'payment_id,loan_id,paid_date,amount\nP5,L1,2024-05-15,10.00\n');
    expect(await run('ingest', file, ...flags)).toBe(2);
    expect(err[0]).toMatch(message);
    expect(err.join('\n')).not.toMatch(/^\s+at /mu);
  });
});
