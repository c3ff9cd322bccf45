import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quarantinedKey } from '../../../../pipelines/ingest/quarantine-status.ts';

/** The key of a quarantined row as the raw table's targetKeyExpr writes it, read from the raw text. */
describe('quarantinedKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-qkey-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const key = (entity: string, path: string, raw: string) => quarantinedKey({ entity, file: path, raw });

  it('a CSV record through its file header, wherever the key column is; spaces trimmed as the stage does', async () => {
    const payments = file('payments.csv', 'loan_id,amount,payment_id,paid_date\nL1,5,P1,2024-01-01\n');
    expect(await key('payments', payments, 'L1,5, P9 ,2024-13-01')).toBe('P9');
    expect(await key('payments', payments, 'L1,5,"P,9",2024-13-01')).toBe('P,9');
    // the header's Chinese aliases and a byte-order mark
    const loans = file('贷款.csv', '\uFEFF借据号,客户编号\nL1,C1\n');
    expect(await key('loans', loans, 'L7,C1')).toBe('L7');
  });

  it('composite keys: an installment as its number, a month as its first day', async () => {
    const schedule = file('schedule.csv', 'loan_id,installment_no,due_date,principal_due,interest_due\n');
    expect(await key('schedule', schedule, 'L1,03,2024-02-10,-1,0')).toBe('L1\x1f3');
    expect(await key('schedule', schedule, 'L1,0,2024-02-10,1,0')).toBeNull();
    expect(await key('schedule', schedule, 'L1,x,2024-02-10,1,0')).toBeNull();
    const performance = file('performance.csv', 'loan_id,as_of_month,dpd,principal_balance\n');
    expect(await key('performance', performance, 'L2,2024-06,x,1')).toBe('L2\x1f2024-06-01');
    expect(await key('performance', performance, 'L2,2024-13,0,1')).toBeNull();
  });

  it('no key: a field missing or blank, another shape than the header, a malformed record, control characters, no file', async () => {
    const payments = file('p2.csv', 'payment_id,loan_id,paid_date,amount\n');
    for (const raw of [
      ',L1,2024-01-01,5',
      '  ,L1,2024-01-01,5',
      'P1,L1,2024-01-01',
      'P1,L1,2024-01-01,5,extra',
      '"P1,L1,2024-01-01,5',
      'P\u00011,L1,2024-01-01,5',
      `${'P'.repeat(129)},L1,2024-01-01,5`,
    ])
      expect(await key('payments', payments, raw), raw).toBeNull();
    expect(await key('payments', join(dir, 'gone.csv'), 'P1,L1,2024-01-01,5')).toBeNull();
  });

  it('a customer row of a file with PII, formatted back with quotes and masked values', async () => {
    const customers = file('customers.csv', 'customer_id,birth_year,id_number,phone\n');
    expect(await key('customers', customers, '"C9","1890","***","***"')).toBe('C9');
  });

  it('a JSON line or a Parquet row: the key by name or alias, a number as its text', async () => {
    const jsonl = join(dir, 'collection_actions.jsonl');
    expect(await key('collection_actions', jsonl, '{"action_id":"A1","channel":"pigeon"}')).toBe('A1');
    expect(await key('collection_actions', jsonl, '{"action_id":42}')).toBe('42');
    expect(await key('loans', join(dir, 'loans.parquet'), '{"借据号":"L5","principal":"-1"}')).toBe('L5');
    for (const raw of [
      '{"channel":"sms"}',
      '{"action_id":null}',
      '{"action_id":""}',
      '[1]',
      'not json',
      '{"action_id":{"a":1}}',
    ])
      expect(await key('collection_actions', jsonl, raw), raw).toBeNull();
  });

  it('an entity that is none has no key', async () => {
    expect(await key('nothing', join(dir, 'x.csv'), 'a')).toBeNull();
  });
});
