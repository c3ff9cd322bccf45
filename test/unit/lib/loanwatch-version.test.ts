import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versionAt } from '../../../lib/loanwatch-version.ts';

/**
 * Review 3: a build from a checkout with uncommitted edits stamped the same version as the clean
 * commit (0.1.0+611fdc8ebd5b) while its summary.csv differed, so the re-run message named one
 * version for two different builds.
 */
describe('the loanwatch version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-version-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  let commit = '';

  beforeAll(() => {
    writeFileSync(join(dir, 'package.json'), '{"version":"0.1.0"}\n');
    writeFileSync(join(dir, 'code.ts'), 'export const a = 1;\n');
    git('init', '-q');
    git('add', 'package.json', 'code.ts');
    git('commit', '-q', '-m', 'first');
    commit = git('rev-parse', 'HEAD');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a clean checkout: the version and the commit', () => {
    expect(versionAt(dir)).toBe(`0.1.0+${commit.slice(0, 12)}`);
  });

  it('an untracked file leaves it clean (not loanwatch code)', () => {
    writeFileSync(join(dir, 'scratch.txt'), 'notes\n');
    expect(versionAt(dir)).toBe(`0.1.0+${commit.slice(0, 12)}`);
  });

  it('a tracked file changed and not committed: marked -dirty, staged or not', () => {
    writeFileSync(join(dir, 'code.ts'), 'export const a = 2;\n');
    expect(versionAt(dir)).toBe(`0.1.0+${commit.slice(0, 12)}-dirty`);
    git('add', 'code.ts');
    expect(versionAt(dir)).toBe(`0.1.0+${commit.slice(0, 12)}-dirty`);
  });

  it('without git installed: the commit unmarked, no failure', () => {
    expect(versionAt(dir, join(dir, 'no-such-git'))).toBe(`0.1.0+${commit.slice(0, 12)}`);
  });

  it('not a checkout: the package version alone', () => {
    const bare = mkdtempSync(join(tmpdir(), 'lw-version-'));
    writeFileSync(join(bare, 'package.json'), '{"version":"0.2.0"}\n');
    expect(versionAt(bare)).toBe('0.2.0');
    rmSync(bare, { recursive: true, force: true });
  });
});
