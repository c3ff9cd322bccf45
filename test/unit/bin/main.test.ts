import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../bin/main.ts';
import type { Output } from '../../../bin/cli/output.ts';
import { exitCodeHelp, exitCodes } from '../../../lib/exit-codes.ts';
import { tmpDir } from '../../helpers/warehouse.ts';

/** main() without opening an engine: the exit codes a scheduler branches on. */
describe('loanwatch exit codes', () => {
  let text = '';
  let err: string[] = [];
  const out: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  const dir = tmpDir('exit-codes');
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  const before = process.env.LOANWATCH_DATA_DIR;
  beforeEach(() => {
    text = '';
    err = [];
    vi.restoreAllMocks();
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    holder.kill('SIGKILL');
    if (before === undefined) delete process.env.LOANWATCH_DATA_DIR;
    else process.env.LOANWATCH_DATA_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  /** a data directory whose engine status names a live process other than this one */
  const held = (name: string, pid: number) => {
    const data = join(dir, name);
    mkdirSync(join(data, 'chdb'), { recursive: true });
    writeFileSync(join(data, 'chdb', 'status'), `PID: ${pid}\nStarted at: 2026-12-01 07:25:19\nRevision: 54513\n`);
    process.env.LOANWATCH_DATA_DIR = data;
  };

  it.each([['quarantine'], ['snapshot', '--as-of', '2024-06-30'], ['migrate']])(
    'a warehouse open in another process is exit 75 (try again later), not 2: one line naming the holder, and a hint (%s)',
    async (...argv) => {
      held(`held-${argv[0]}`, holder.pid!);
      expect(await main(argv, out)).toBe(exitCodes.locked);
      expect(exitCodes.locked).toBe(75);
      expect(err[0]).toMatch(
        new RegExp(`^loanwatch: the warehouse at .* is open in process ${holder.pid} \\(sleep 60\\)$`, 'u'),
      );
      expect(err[1]).toMatch(/try again when that one ends/u);
      expect(err).toHaveLength(2);
      expect(text).toBe('');
    },
  );

  it('bad input stays exit 2, whether or not the warehouse is held', async () => {
    held('held-usage', holder.pid!);
    expect(await main(['quarantine', '--status', 'nope', '--no-such-flag'], out)).toBe(exitCodes.usage);
    expect(await main(['quarantine', '--limit', '0'], out)).toBe(exitCodes.usage);
  });

  it('--help lists every exit code with what it means', async () => {
    expect(await main(['--help'], out)).toBe(0);
    const listed = text.slice(text.indexOf('Exit codes'));
    for (const [code, meaning] of exitCodeHelp) expect(listed).toContain(`  ${String(code).padEnd(4)}${meaning}`);
    expect(exitCodeHelp.map(([c]) => c)).toEqual(Object.values(exitCodes));
  });
});
