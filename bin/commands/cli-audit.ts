import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import type { Warehouse } from '../../warehouse/connection.ts';
import { writeAuditEntry } from '../../warehouse/audit-log.ts';
import { flag } from '../cli/command.ts';

/** The account that runs the command: os.userInfo() throws for a uid without a passwd entry (containers). */
function osUser(): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // the environment's name below
  }
  return [process.env.USER, process.env.LOGNAME, process.env.USERNAME].find((n) => n) ?? 'unknown-user';
}

function host(): string {
  try {
    return hostname() || 'unknown-host';
  } catch {
    return 'unknown-host';
  }
}

/**
 * Who ran a command, as the audit log and the records it changes name it: the OS account and host,
 * which the person cannot choose, then --by (a name they declare) in brackets, as an API key's label.
 */
export const cliActor = (by: string | undefined) => `cli:${osUser()}@${host()}${by ? ` (${by})` : ''}`;

/** --by of the commands that change keys, users or the champion: declared, so kept beside the OS account. */
export const byFlag = (help: string) =>
  flag(z.string().trim().min(1).max(100).optional(), `${help} (recorded beside the OS user and host)`, 'NAME');

/** One audit row of a CLI command, as its API counterpart writes it, with `source: cli` and the CLI actor. */
export async function auditCli(
  wh: Warehouse,
  by: string | undefined,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await writeAuditEntry(wh, {
    request_id: randomUUID(),
    client_request_id: '',
    key_id: cliActor(by),
    role: 'cli',
    action,
    target,
    details: { source: 'cli', ...details },
  });
}
