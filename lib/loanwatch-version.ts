import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** the commit a git checkout stands on (its HEAD, a branch's ref or packed ref), without running git */
function checkoutCommit(at: string): string | null {
  try {
    const git = join(at, '.git');
    const head = readFileSync(join(git, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/u.test(head)) return head;
    const ref = /^ref: (.+)$/u.exec(head)?.[1];
    if (!ref) return null;
    const loose = join(git, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(join(git, 'packed-refs'), 'utf8');
    return (
      new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}$`, 'mu').exec(packed)?.[1] ?? null
    );
  } catch {
    return null;
  }
}

/**
 * Whether a tracked file differs from the commit (untracked files are not loanwatch's code). Unknown
 * — no git installed, not a repository git will read — counts as not modified: the version is a
 * label, never a reason to fail. --no-optional-locks: others may be committing in the same checkout.
 */
function hasUncommittedChanges(at: string, git: string): boolean {
  try {
    const status = execFileSync(git, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], {
      cwd: at,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return status.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * The version of the loanwatch at `at`: package.json's version and, in a git checkout, the commit
 * (`0.1.0+52ad7bb1c0de`), marked `-dirty` when tracked files have uncommitted changes — two builds
 * from one commit with different edits wrote different files under one version. `git` is the command
 * that asks (a test names one that is not installed).
 */
export function versionAt(at: string, git = 'git'): string {
  const { version } = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as { version: string };
  const commit = checkoutCommit(at);
  if (!commit) return version;
  return `${version}+${commit.slice(0, 12)}${hasUncommittedChanges(at, git) ? '-dirty' : ''}`;
}

let memo: string | undefined;

/**
 * The loanwatch that is running (versionAt). An archived pack records it: labels and notes change
 * between versions, and who re-verifies a pack after an upgrade must know which one made it.
 */
export function loanwatchVersion(): string {
  memo ??= versionAt(root);
  return memo;
}
