import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { baseBook, dayFiles } from '../../../helpers/rollback-book.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';
import { checksumsOf, runKillableChild } from '../../../helpers/killable-child.ts';

/** Runs the child (test/helpers/rollback-child.ts); when killOn matches its output, SIGKILLs it (it pauses there). */
const runChild = (dataDir: string, base: string, day: string, killOn?: RegExp) =>
  runKillableChild('test/helpers/rollback-child.ts', [dataDir, base, day, ...(killOn ? [killOn.source] : [])], killOn);

describe('ingest --rollback killed (SIGKILL) and run again equals one clean rollback', () => {
  const dir = tmpDir('rollback-kill');
  const base = baseBook(dir);
  const day = dayFiles(dir, 'K', 3);
  let clean: unknown;
  beforeAll(async () => {
    const r = await runChild(join(dir, 'clean'), base, day);
    expect(r.out).toMatch(/removed 20 rows/);
    clean = checksumsOf(r.out);
  });

  it.each([
    ["after the first table's audit, before its DELETE", /: loan_events audited/],
    ['after the last DELETE, before the receipts', /: customers removed/],
  ])('killed %s', async (_when, killOn) => {
    const data = join(dir, `killed-${killOn.source.length}`);
    const killed = await runChild(data, base, day, killOn);
    expect(killed.killed).toBe(true);
    expect(killed.out).not.toMatch(/CHECKSUMS/);
    const rerun = await runChild(data, base, day);
    // the re-run counts what the killed attempt removed too
    expect(rerun.out).toMatch(
      /rolled back run \S+: removed 20 rows \(customers 1, loans 3, schedule 3, payments 4, performance 3, collection_actions 3, loan_events 3\)/,
    );
    expect(checksumsOf(rerun.out)).toEqual(clean);
  });
});
