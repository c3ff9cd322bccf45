import { afterAll, beforeAll, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../bin/main.ts';
import { tmpDir } from './warehouse.ts';

/**
 * Runs `loanwatch` in-process on a temp data dir with console output captured: `out` and `err`
 * hold the lines of the last run (cleared in place by `run`); console.table rows go to `out` as
 * one JSON line when `tables` is 'capture'.
 */
export function cliHarness(name: string, tables: 'capture' | 'ignore' = 'ignore') {
  const dir = tmpDir(name);
  const out: string[] = [];
  const err: string[] = [];
  beforeAll(() => {
    process.env.LOANWATCH_DATA_DIR = join(dir, 'data');
    vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); });
    vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); });
    vi.spyOn(console, 'table').mockImplementation((rows) => { if (tables === 'capture') out.push(JSON.stringify(rows)); });
  });
  afterAll(() => { vi.restoreAllMocks(); rmSync(dir, { recursive: true, force: true }); });
  const run = async (...args: string[]) => { out.length = 0; err.length = 0; return main(args); };
  return { dir, out, err, run };
}
