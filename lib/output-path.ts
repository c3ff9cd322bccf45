import { realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './user-error.ts';

/** Whether two paths name one existing file (a link, a symbolic link or `./x` as `x` included). */
export function sameFile(a: string, b: string): boolean {
  const x = statSync(a, { throwIfNoEntry: false });
  const y = statSync(b, { throwIfNoEntry: false });
  return x !== undefined && x.dev === y?.dev && x.ino === y.ino;
}

/** The real path of an existing file or folder, or null. */
export function realPathOf(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * Refuses an output that is one of the command's input files, before anything is read or written:
 * `score --table x.csv --out x.csv` replaced the rows with their scores (the atomic rename made it
 * complete, not safe).
 */
export function refuseOverwritingInput(out: string, inputs: readonly { path: string; what: string }[], flag = '--out') {
  for (const input of inputs)
    if (sameFile(out, input.path))
      throw new UserError(
        `${flag} ${out} is the ${input.what} ${input.path}: writing there would replace what is read; give another file`,
      );
}

/**
 * Refuses an output file that cannot be written, naming the path the user gave: an existing folder,
 * or a folder that does not exist. The atomic write's temporary name (`.x.csv.19119.20c3d622.tmp:
 * is a directory`, a raw ENOENT) said neither which flag nor what to do.
 */
export function assertOutputFile(path: string, flag = '--out', example = 'scores.csv'): void {
  const st = statOrNothing(path);
  if (st?.isDirectory())
    throw new UserError(
      `${flag} ${path} is a folder: give a file name (for example ${flag} ${path.replace(/\/+$/u, '')}/${example})`,
    );
  const parent = dirname(resolve(path));
  const p = statOrNothing(parent);
  if (!p)
    throw new UserError(`${flag} ${path}: no folder ${parent}: create it first, or give a path in an existing folder`);
  if (!p.isDirectory()) throw new UserError(`${flag} ${path}: ${parent} is a file, not a folder`);
}

/** stat, or undefined when there is nothing to stat (missing, or under a file: ENOTDIR). */
function statOrNothing(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
