import { afterAll, beforeAll, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../bin/main.ts';
import type { Output } from '../../bin/cli/output.ts';
import { tmpDir } from './warehouse.ts';

/**
 * Runs `loanwatch` in-process on a temp data dir: `out` holds the lines the command wrote as its
 * result (stdout), `err` its messages and logs (stderr), both for the last run only.
 */
export function cliHarness(name: string) {
  const dir = tmpDir(name);
  const out: string[] = [];
  const err: string[] = [];
  let text = '';
  const output: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  beforeAll(() => {
    process.env.LOANWATCH_DATA_DIR = join(dir, 'data');
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    text = '';
    const code = await main(args, output);
    out.push(
      ...text
        .replace(/\n$/u, '')
        .split('\n')
        .filter((l, i, all) => l !== '' || all.length > 1),
    );
    return code;
  };
  /** what the last run wrote to stdout, exactly */
  const stdout = () => text;
  return { dir, out, err, run, stdout };
}
