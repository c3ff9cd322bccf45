import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../../../helpers/warehouse.ts';
import { checksumsOf, runKillableChild } from '../../../helpers/killable-child.ts';

/** Runs the child (test/helpers/correct-child.ts); when killOn matches its output, SIGKILLs it (it pauses there). */
const runChild = (dataDir: string, book: string, fix: string, killOn?: RegExp) =>
  runKillableChild('test/helpers/correct-child.ts', [dataDir, book, fix, ...(killOn ? [killOn.source] : [])], killOn);

describe('ingest --correct killed (SIGKILL) at several points and run again equals one clean run', () => {
  const dir = tmpDir('corr-kill');
  const book = join(dir, 'book');
  mkdirSync(book);
  writeFileSync(
    join(book, 'loans.csv'),
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\nL2,C2,consumer,2024-01-15,6000.00,0.12,12\n',
  );
  const payments = Array.from(
    { length: 40 },
    (_, i) => `P${i + 1},L${(i % 2) + 1},2024-02-${String(10 + (i % 15)).padStart(2, '0')},100.00`,
  );
  writeFileSync(join(book, 'payments.csv'), ['payment_id,loan_id,paid_date,amount', ...payments].join('\n') + '\n');
  // every fifth payment corrected, one of them moved to the other loan
  const fix = join(dir, 'payments-fix.csv');
  writeFileSync(
    fix,
    [
      'payment_id,loan_id,paid_date,amount',
      ...payments
        .map((p, i) => (i % 5 === 0 ? p.replace(',100.00', ',150.00') : p))
        .map((p) => p.replace(/^P1,L1/, 'P1,L2')),
    ].join('\n') + '\n',
  );

  // the uninterrupted run each killed-and-rerun one must equal: the same files give the same
  // checksums, so it runs once for the three cases
  let cleanRun: ReturnType<typeof runChild> | undefined;
  it.each([
    ['after the correction file is staged', /payments-fix\.csv: staged/],
    ['after the audit, before the DELETE', /payments-fix\.csv: audited/],
    ['after the DELETE, before the insert', /payments-fix\.csv: corrected rows replaced/],
  ])('killed %s', async (_when, killOn) => {
    const clean = await (cleanRun ??= runChild(join(dir, 'clean'), book, fix));
    const data = join(dir, `killed-${killOn.source.length}`);
    const killed = await runChild(data, book, fix, killOn);
    expect(killed.killed).toBe(true);
    const rerun = await runChild(data, book, fix);
    expect(rerun.out.replace(/CHECKSUMS.*/u, '')).toMatch(/corrected 8\)/);
    expect(checksumsOf(rerun.out)).toEqual(checksumsOf(clean.out));
  });
});
