import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** the commit a git checkout stands on (its HEAD, a branch's ref or packed ref), without running git */
function checkoutCommit(): string | null {
  try {
    const git = join(root, '.git');
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

let memo: string | undefined;

/**
 * The loanwatch that is running: package.json's version and, in a git checkout, the commit
 * (`0.1.0+52ad7bb1c0de`). An archived pack records it: labels and notes change between versions,
 * and who re-verifies a pack after an upgrade must know which one made it.
 */
export function loanwatchVersion(): string {
  if (memo === undefined) {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const commit = checkoutCommit();
    memo = commit ? `${version}+${commit.slice(0, 12)}` : version;
  }
  return memo;
}
