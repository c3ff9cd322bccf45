import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The result written to a standard output that fails (redirected to a full disk): one line and
 * exit 1, never Node's stack trace; a reader closing the pipe early stays a success.
 */
describe.skipIf(!existsSync('/dev/full'))('loanwatch writing its result to a failing standard output', () => {
  const run = (args: string[]) => {
    const full = openSync('/dev/full', 'w');
    try {
      return spawnSync(process.execPath, ['bin/loanwatch.mjs', ...args], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, LOANWATCH_DEBUG: '' },
      });
    } finally {
      closeSync(full);
    }
  };

  const out = join(mkdtempSync(join(tmpdir(), 'lw-stdout-')), 'files');
  for (const args of [
    ['--help'],
    ['generate', '--help'],
    ['generate', '--out', out, '--loans', '20', '--months', '6'],
  ]) {
    it(`loanwatch ${args.join(' ')} > /dev/full: one line, exit 1`, () => {
      const r = run(args);
      expect(r.stderr).toContain('loanwatch: could not write to standard output: no space left on the device');
      expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Node\.js v/u);
      expect(r.status).toBe(1);
    });
  }
});
