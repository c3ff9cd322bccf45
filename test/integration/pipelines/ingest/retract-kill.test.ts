import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseBook } from '../../../helpers/rollback-book.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

const child = resolve('test/helpers/retract-child.ts');

/** Runs the retraction child; when killOn matches its output, SIGKILLs it. */
function runChild(dataDir: string, base: string, keys: string, killOn?: RegExp) {
  return new Promise<{ out: string; killed: boolean }>((res, rej) => {
    // node itself with tsx's loader, not the tsx command (whose own child a SIGKILL leaves running)
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', child, dataDir, base, keys, ...(killOn ? [killOn.source] : [])],
      { env: { ...process.env, TZ: 'UTC' } },
    );
    let out = '';
    let killed = false;
    const take = (b: Buffer) => {
      out += b.toString();
      if (killOn && !killed && killOn.test(out)) {
        killed = true;
        p.kill('SIGKILL');
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
    p.on('error', rej);
    p.on('close', () => {
      res({ out, killed });
    });
  });
}
const checksumsOf = (out: string) => JSON.parse(/CHECKSUMS (.*)/.exec(out)![1]!) as unknown;

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
