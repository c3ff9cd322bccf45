import { realpathSync, statSync } from 'node:fs';
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
