import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { baseBook, dayFiles } from '../../../helpers/rollback-book.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

const child = resolve('test/helpers/rollback-child.ts');

/** Runs the rollback child; when killOn matches its output, SIGKILLs it. */
function runChild(dataDir: string, base: string, day: string, killOn?: RegExp) {
  return new Promise<{ out: string; killed: boolean }>((res, rej) => {
    // node itself with tsx's loader, not the tsx command (whose own child a SIGKILL leaves running)
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', child, dataDir, base, day, ...(killOn ? [killOn.source] : [])],
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
