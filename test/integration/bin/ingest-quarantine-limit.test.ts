import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';

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
    // a share of 1 accepts anything; without the flag the exit stays 0
    expect(await run('ingest', file, '--max-quarantined', '1')).toBe(0);
    expect(await run('ingest', file)).toBe(0);
  });

  it.each(['2', '-0.1', 'abc', ''])(
    'a share that is not one (%j) is refused, exit 2, before anything loads',
    async (v) => {
      expect(await run('ingest', join(dir, 'payments.csv'), '--max-quarantined', v)).toBe(2);
      expect(err.join('\n')).toMatch(/max-quarantined/);
    },
  );
});
