import { statSync } from 'node:fs';
import { UserError } from './user-error.ts';

/**
 * A file the user named, checked before it is read: a missing path, a directory or an unreadable
 * file is one line naming it (a stream's EISDIR arrives later and without the path).
 */
export function assertInputFile(path: string, what: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `${what} ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      { cause: e },
    );
  }
  if (!isFile) throw new UserError(`${what} ${path} is a directory, not a file`);
}
