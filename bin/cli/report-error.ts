import { UserError } from '../../lib/user-error.ts';

const systemReasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
};

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
  return undefined;
}

/** Prints an error as a person should see it and returns the exit code: 2 for the user's, 1 for ours. */
export function reportError(e: unknown): number {
  const user = asUserError(e);
  if (user) {
    console.error(`loanwatch: ${user.message}`);
    if (user.hint) console.error(user.hint);
    return user.exitCode;
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  console.error(`loanwatch: internal error: ${message}`);
  if (process.env.LOANWATCH_DEBUG) console.error(e instanceof Error ? e.stack : e);
  else
    console.error(
      'this is a fault in loanwatch, not in your input: set LOANWATCH_DEBUG=1 for the details and report them',
    );
  return 1;
}
