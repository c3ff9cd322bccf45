import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodes } from '../lib/exit-codes.ts';
import { UserError } from '../lib/user-error.ts';

/** Not bad input: the same command succeeds once the holder ends, so its own exit code (75, EX_TEMPFAIL). */
export class WarehouseLockedError extends UserError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: exitCodes.locked });
  }
}

/** What to do about a held warehouse, whoever holds it. */
export const lockedHint =
  'one process at a time can open an embedded warehouse: try again when that one ends, stop it (e.g. a running loanwatch serve), or set another LOANWATCH_DATA_DIR';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded engine lets one process at a time open a data directory and records that process in
 * `<dir>/status` (`PID: n`). Checked before opening, so the user reads who holds it instead of the
 * engine's lock failure; the status file stays after a clean exit, hence the liveness check.
 */
export function assertChdbPathFree(path: string): void {
  let status: string;
  try {
    status = readFileSync(join(path, 'status'), 'utf8');
  } catch {
    return;
  }
  const pid = Number(/PID:\s*(\d+)/u.exec(status)?.[1]);
  if (!pid || pid === process.pid || !isAlive(pid)) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
  } catch {
    /* gone, or not Linux */
  }
  throw new WarehouseLockedError(
    `the warehouse at ${path} is open in process ${pid}${command ? ` (${command})` : ''}`,
    { hint: lockedHint },
  );
}
