import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseBook } from '../../../helpers/rollback-book.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';
import { checksumsOf, runKillableChild } from '../../../helpers/killable-child.ts';

/** Runs the child (test/helpers/retract-child.ts); when killOn matches its output, SIGKILLs it (it pauses there). */
const runChild = (dataDir: string, base: string, keys: string, killOn?: RegExp) =>
  runKillableChild('test/helpers/retract-child.ts', [dataDir, base, keys, ...(killOn ? [killOn.source] : [])], killOn);

describe('ingest --retract killed (SIGKILL) after its DELETE, run again: one clean run, its receipt counting the retracted rows', () => {
  it('the re-run says retracted 2 (not already present), audited once, the tables of a clean run', async () => {
    const dir = tmpDir('retract-kill');
    const base = baseBook(dir);
    const keys = join(dir, 'payments-reversed.csv');
    writeFileSync(keys, 'payment_id\nP1\nP3\n');
    const clean = await runChild(join(dir, 'clean'), base, keys);
    const data = join(dir, 'killed');
    const killed = await runChild(data, base, keys, /payments-reversed\.csv: retracted/);
    expect(killed.killed).toBe(true);
    expect(killed.out).not.toMatch(/CHECKSUMS/);
    const rerun = await runChild(data, base, keys);
    expect(checksumsOf(rerun.out)).toMatchObject({
      receipt: { rows_read: 2, rows_retracted: 2, rows_already_present: 0, rows_quarantined: 0 },
    });
    expect(checksumsOf(rerun.out)).toEqual(checksumsOf(clean.out));
  });
});
