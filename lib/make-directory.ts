import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UserError } from './user-error.ts';

/** The kernel's own file systems: no place for loanwatch's files (Node's recursive mkdir loops forever on procfs). */
const kernelFileSystems = ['/proc', '/sys'];

/** The path with its existing part's symbolic links resolved (the rest as given). */
function realPrefix(path: string): string {
  let p = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return [realpathSync(p), ...rest].join(sep);
    } catch {
      const parent = dirname(p);
      if (parent === p) return resolve(path);
      rest.unshift(p.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      p = parent;
    }
  }
}

/**
 * mkdirSync(path, { recursive: true }) for a folder a user names (--out, LOANWATCH_DATA_DIR): a path
 * under /proc or /sys is refused in one line (Node's recursive mkdir spins there without end).
 */
export function makeDirectory(path: string): void {
  const real = realPrefix(path);
  if (kernelFileSystems.some((k) => real === k || real.startsWith(`${k}/`)))
    throw new UserError(`${path}: a kernel file system (${real.split('/')[1] ?? ''}), not a place for files`, {
      hint: 'choose a folder on a disk',
    });
  mkdirSync(path, { recursive: true });
}
