import { UserError } from '../../lib/user-error.ts';
import { visibleControls } from './visible-controls.ts';
import { assertChdbPathFree, lockedHint, WarehouseLockedError } from '../../warehouse/chdb-lock.ts';

const systemReasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
  EEXIST: 'already exists (a file where a folder is needed?)',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** The machine's, not the input's: exit 1, but no fault of loanwatch either. */
const environmentReasons: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EIO: 'the device reported an input/output error',
};
const environmentMessages: [RegExp, string][] = [
  [/read-only file system/iu, 'the file system is read-only'],
  [/no space left on device/iu, 'no space left on the device'],
];

/** The live process the engine's status file names, looked at ten times 100 ms apart, or undefined. */
function holderOf(path: string): WarehouseLockedError | undefined {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      assertChdbPathFree(path);
    } catch (held) {
      if (held instanceof WarehouseLockedError) return held;
      return undefined;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return undefined;
}

/**
 * Errors a user can act on, though thrown below the CLI as plain system or engine errors: a file
 * that is not there, a directory where a file belongs, a port in use.
 */
export function asUserError(e: unknown): UserError | undefined {
  if (e instanceof UserError) return e;
  if (!(e instanceof Error)) return undefined;
  const sys = e as NodeJS.ErrnoException & { port?: number };
  if (sys.code === 'EADDRINUSE') {
    return new UserError(`port ${sys.port ?? ''} is in use by another process`.replace('  ', ' '), {
      hint: 'stop it, or choose another with --port or LOANWATCH_PORT',
    });
  }
  // the engine's own lock, where its status file names no live process (assertChdbPathFree) and
  // another opened the directory all the same (both started at once): held, not bad input
  const lock = /Cannot lock file (.*?)\. Another server instance in same directory is already running/u.exec(e.message);
  if (lock)
    return new WarehouseLockedError(`the warehouse (${lock[1]}) is open in another process (pid unknown)`, {
      hint: lockedHint,
    });
  // the same race as the engine reports it to the client: its lock failure goes to stderr, the error
  // says only this — the status file then names the live process that won (the holder, exit 75)
  // (the winner may not have written its PID yet: looked at for up to a second)
  const failedOpen = /Failed to create connection for path '(.*?)'/u.exec(e.message);
  if (failedOpen) {
    const held = holderOf(failedOpen[1]!);
    if (held) return held;
  }
  // the engine's MEMORY_LIMIT_EXCEEDED (code 241): a bound the operator sets, not a fault
  if (sys.code === '241' || /memory limit (\(.*\) )?exceeded/iu.test(e.message)) {
    return new UserError(
      `a statement needed more memory than the engine may use (${e.message.split('\n')[0]!.trim()})`,
      {
        hint: 'raise LOANWATCH_ENGINE_MEMORY_MB (the bound per statement), or for snapshots lower LOANWATCH_SNAPSHOT_LOANS_PER_PASS',
        exitCode: 1,
      },
    );
  }
  if (sys.code && Object.hasOwn(systemReasons, sys.code) && sys.path) {
    return new UserError(`${sys.path}: ${systemReasons[sys.code]}`);
  }
  if (sys.code && Object.hasOwn(environmentReasons, sys.code)) {
    return new UserError(`${sys.path ? `${sys.path}: ` : ''}${environmentReasons[sys.code]}`, {
      hint: 'nothing was written in its place; free space or choose another place (--out, LOANWATCH_DATA_DIR)',
      exitCode: 1,
    });
  }
  // the engine's own report of the same (its data directory on a full or read-only disk)
  const environment = environmentMessages.find(([pattern]) => pattern.test(e.message));
  if (environment)
    return new UserError(`the warehouse's files: ${environment[1]} (${e.message.split('\n')[0]!.trim()})`, {
      hint: 'free space, or set LOANWATCH_DATA_DIR to a writable place',
      exitCode: 1,
    });
  return undefined;
}

/**
 * A failed write of the command's result to standard output (redirected to a full disk, a
 * read-only file, a closed terminal): the machine's, as a failed --out is, but the output already
 * written cannot be taken back — so the message says it is incomplete.
 */
export function outputStreamError(e: NodeJS.ErrnoException): UserError {
  const reason =
    (e.code && Object.hasOwn(environmentReasons, e.code) ? environmentReasons[e.code] : undefined) ??
    (e.code && Object.hasOwn(systemReasons, e.code) ? systemReasons[e.code] : undefined) ??
    e.message.split('\n')[0]!.trim();
  return new UserError(`could not write to standard output: ${reason}`, {
    hint: 'what was written before is incomplete: free space or write elsewhere, and run the command again',
    exitCode: 1,
  });
}

/**
 * A message as printable text: control characters other than the line break (a terminal's escape
 * sequences among them, from a crafted file's header or bytes) shown as \xNN, and at most 2,000
 * characters (a binary file's bytes).
 */
export function printable(message: string): string {
  // a line break stays: a message listing several files puts each on its own line
  const line = visibleControls(message);
  return line.length > 2000 ? `${line.slice(0, 2000)}… (${line.length - 2000} more characters)` : line;
}

/** Prints an error as a person should see it and returns the exit code: the UserError's (2, 3, 75), 1 for ours. */
export function reportError(e: unknown): number {
  const user = asUserError(e);
  if (user) {
    console.error(`loanwatch: ${printable(user.message)}`);
    if (user.hint) console.error(printable(user.hint));
    return user.exitCode;
  }
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  console.error(`loanwatch: internal error: ${printable(message)}`);
  if (process.env.LOANWATCH_DEBUG) console.error(e instanceof Error ? e.stack : e);
  else
    console.error(
      'this is a fault in loanwatch, not in your input: set LOANWATCH_DEBUG=1 for the details and report them',
    );
  return 1;
}
