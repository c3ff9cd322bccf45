import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import { lastAuditEntry } from '../../helpers/cli-audit-entry.ts';

const who = `cli:${userInfo().username}@${hostname()}`;

/** `loanwatch cases` is a case-list pull: audited as GET /v1/cases audits one, with `source: cli` and the OS user and host. */
describe('loanwatch cases: audited as a pull', () => {
  const { dir, err, run, stdout } = cliHarness('cases_audit');

  it('cases: a case-list pull is cases.pull with its filters, the cases written and the total', async () => {
    const book = join(dir, 'book');
    mkdirSync(book, { recursive: true });
    writeFileSync(join(book, 'customers.csv'), 'customer_id\nC1\nC2\n');
    writeFileSync(
      join(book, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region\nL1,C1,cash,2024-01-15,1200.00,0.12,12,east\nL2,C2,cash,2024-01-15,1200.00,0.12,12,east\n',
    );
    // L1 never pays: a case on 2024-03-20
    writeFileSync(
      join(book, 'payments.csv'),
      'payment_id,loan_id,paid_date,amount\nP1,L2,2024-02-15,106.62\nP2,L2,2024-03-15,106.62\n',
    );
    expect(await run('ingest', book), err.join('\n')).toBe(0);
    expect(await run('snapshot', '--as-of', '2024-02-29'), err.join('\n')).toBe(0);
    expect(await run('cases', '--as-of', '2024-03-20', '--region', 'east', '--format', 'csv'), err.join('\n')).toBe(0);
    const rows = stdout().trimEnd().split('\n').length - 1;
    const pulled = await lastAuditEntry('cases.pull');
    expect(pulled).toMatchObject({ key_id: who, role: 'cli', target: '2024-03-20', outcome: 'ok' });
    expect(pulled.details).toEqual({
      source: 'cli',
      region: ['east'],
      team: null,
      product: null,
      stage: null,
      format: 'csv',
      returned: rows,
      total: rows,
    });
    expect(rows).toBeGreaterThan(0);
  });
});
