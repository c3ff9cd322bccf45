import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * scripts/setup-system.sh, which `npm ci` runs: where it cannot install Jupyter it says why and how in
 * one line and, under npm, does not fail the install. Run on a PATH without apt-get or Jupyter.
 */
describe('the set-up npm ci runs (scripts/setup-system.sh)', () => {
  const bin = mkdtempSync(join(tmpdir(), 'lw-setup-path-'));
  for (const tool of ['bash', 'id', 'dirname', 'mkdir', 'tail'])
    symlinkSync(spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  const run = (...args: string[]) =>
    spawnSync(join(bin, 'bash'), ['scripts/setup-system.sh', ...args], { env: { PATH: bin }, encoding: 'utf8' });

  it('without apt-get: a precise message; exit 0 under npm, 1 by hand', () => {
    try {
      const npm = run('--from-npm');
      expect(npm.status).toBe(0);
      expect(npm.stderr).toMatch(
        process.getuid?.() === 0
          ? /not installing Jupyter: no apt-get on this machine/u
          : /not installing Jupyter .*: not root \(uid \d+\)/u,
      );
      expect(run().status).toBe(1);
      expect(
        spawnSync(join(bin, 'bash'), ['scripts/setup-system.sh'], {
          env: { PATH: bin, LOANWATCH_SKIP_SYSTEM_SETUP: '1' },
          encoding: 'utf8',
        }).status,
      ).toBe(0);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('the checks are single commands, not pipes into grep -q (which died of SIGPIPE under pipefail)', () => {
    const code = readFileSync('scripts/setup-system.sh', 'utf8')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'));
    expect(code.filter((l) => /\|\s*grep\b/u.test(l))).toEqual([]);
  });
});
