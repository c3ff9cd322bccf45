import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import { badFileLoans, loansCsv, paymentsHeader } from '../../helpers/bad-row-file.ts';

describe('ingest --max-quarantined: a partial load is a non-zero exit a scheduler sees', () => {
  const { dir, out, err, run } = cliHarness('ingest_limit');

  it('loads and prints the receipts, then exits 3 naming each file over the share; within it, exit 0', async () => {
    // payments of loans never loaded: every row is quarantined ("no such loan")
    const file = join(dir, 'payments.csv');
    writeFileSync(
      file,
      'payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-05,10.00\nP2,L1,2024-02-05,10.00\nP3,L2,2024-01-05,5.00\n',
    );
    expect(await run('ingest', file, '--max-quarantined', '0.5')).toBe(3);
    const receipt = JSON.parse(out.join('\n')) as { ingest_id: string; receipts: { rows_quarantined: number }[] };
    expect(receipt.receipts[0]!.rows_quarantined).toBe(3);
    expect(err.join('\n')).toContain('payments.csv: 3 of 3 rows quarantined (100.0%), above --max-quarantined 50.0%');
    // nothing lost: the rows are in the quarantine under the run's id
    expect(await run('quarantine', '--ingest', receipt.ingest_id, '--format', 'csv')).toBe(0);
    expect(out.length).toBe(4);
    // a share of 1 accepts anything
    expect(await run('ingest', file, '--max-quarantined', '1')).toBe(0);
  });

  it('without the flag, a file of which every row is quarantined exits 3 (nothing of it loaded); one loaded row is a load, exit 0', async () => {
    const loans = join(dir, 'loans.csv');
    writeFileSync(loans, loansCsv());
    expect(await run('ingest', loans)).toBe(0);
    // a bad row (a loan never loaded) at every position of files of several sizes, beside good rows
    const good = (i: number) => `Q${i},L${i % badFileLoans},2023-01-${10 + (i % 9)},10.00,app`;
    const bad = (i: number) => `Q${i},NOPE${i},2023-02-01,10.00,app`;
    for (const size of [1, 2, 5]) {
      for (let at = 0; at < size; at++) {
        const file = join(dir, `payments-${size}-${at}.csv`);
        const rows = Array.from({ length: size }, (_, i) =>
          i === at ? bad(i + size * 10) : good(i + size * 10 + at * 100),
        );
        writeFileSync(file, `${paymentsHeader}\n${rows.join('\n')}\n`);
        const code = await run('ingest', file);
        expect(code, `${size} rows, the bad one at ${at}`).toBe(size === 1 ? 3 : 0);
      }
      // every row bad
      const file = join(dir, `payments-bad-${size}.csv`);
      writeFileSync(file, `${paymentsHeader}\n${Array.from({ length: size }, (_, i) => bad(1000 + i)).join('\n')}\n`);
      expect(await run('ingest', file), `${size} rows, all bad`).toBe(3);
      expect(err.join('\n')).toContain(
        `payments-bad-${size}.csv: all ${size} rows quarantined: nothing of it loaded (--max-quarantined 1 accepts that)`,
      );
      // the receipts were printed and the rows are kept in the quarantine
      const receipt = JSON.parse(out.join('\n')) as { ingest_id: string; receipts: { rows_quarantined: number }[] };
      expect(receipt.receipts[0]!.rows_quarantined).toBe(size);
    }
    // a file loaded before, run again: nothing quarantined, nothing new — exit 0
    expect(await run('ingest', loans)).toBe(0);
    // a header-only file read no rows: nothing to judge, exit 0
    const empty = join(dir, 'payments-none.csv');
    writeFileSync(empty, `${paymentsHeader}\n`);
    expect(await run('ingest', empty)).toBe(0);
  });

  it.each(['2', '-0.1', 'abc', ''])(
    'a share that is not one (%j) is refused, exit 2, before anything loads',
    async (v) => {
      expect(await run('ingest', join(dir, 'payments.csv'), '--max-quarantined', v)).toBe(2);
      expect(err.join('\n')).toMatch(/max-quarantined/);
    },
  );
});
