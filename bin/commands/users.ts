import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isatty } from 'node:tty';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { outputFormat } from '../flags.ts';
import { defineCommand, flag } from '../cli/command.ts';
import { printTable } from '../cli/output.ts';
import { auditCli, byFlag, cliActor } from './cli-audit.ts';
import { createUser, disableUser, listUsers, userKeyId } from '../../api/auth/users.ts';
import { UserError } from '../../lib/user-error.ts';
import { pipedStdin } from '../cli/piped-stdin.ts';
import { roles } from '../../api/auth/permissions.ts';

/** The names of stdin as a file: --password-file /dev/stdin reads what was piped */
const stdinPaths = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0', '-']);

/** A file's or stdin's text as a password: one trailing line break dropped (what `echo` and editors add). */
const oneLine = (text: string) => text.replace(/\r?\n$/u, '');

/** Asks on the terminal without echo. */
async function ask(question: string): Promise<string> {
  const muted = new Writable({
    write: (_chunk, _enc, done) => {
      done();
    },
  });
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question('', resolve);
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/**
 * The new user's password, never from the command line (argv is visible to every user of the
 * machine and kept in shell history): from --password-file, else piped on stdin, else asked twice
 * on the terminal.
 */
async function newPassword(file: string | undefined): Promise<string> {
  const piped = pipedStdin();
  if (file !== undefined && stdinPaths.has(file) && piped !== undefined) return oneLine(piped);
  if (file !== undefined) {
    try {
      return oneLine(await readFile(file, 'utf8'));
    } catch (e) {
      throw new UserError(`cannot read --password-file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  if (piped !== undefined) return oneLine(piped);
  if (!isatty(0)) throw new UserError('no password: give --password-file FILE, pipe it on stdin, or run on a terminal');
  const first = await ask('password: ');
  if ((await ask('again: ')) !== first) throw new UserError('the two passwords differ: nothing created');
  return first;
}

export const usersCreateCommand = defineCommand({
  name: 'users create',
  summary: 'a console user who signs in with a name and password (role and scope as a key)',
  description:
    'The password is read from --password-file, from stdin when it is piped, or asked on the terminal — never from the command line. At least 10 characters; stored only as a scrypt hash. A collector needs --region (and may name a --team), as a collector key does.',
  flags: {
    name: flag(z.string().min(1).max(40), 'the sign-in name (lower-case letters, digits, . _ -)', 'NAME'),
    role: flag(z.enum(roles, { error: `expected one of ${roles.join(', ')}` }), "the user's role", roles.join('|')),
    region: flag(z.string().min(1).max(60).optional(), 'collector: the region the user may see', 'R'),
    team: flag(z.string().min(1).max(60).optional(), 'collector: the team the user may see', 'T'),
    'password-file': flag(z.string().min(1).optional(), 'read the password from this file (one line)', 'FILE'),
    by: byFlag('who creates the user'),
  },
  examples: [
    'loanwatch users create --name wang.li --role executive',
    'printf %s "$PW" | loanwatch users create --name zhang --role collector --region east --team east-early',
    'loanwatch users create --name chen --role modeler --password-file ./pw.txt',
  ],
  // --password-file /dev/stdin (or /dev/fd/0) reads stdin too
  readsStdin: (f) => f['password-file'] === undefined || stdinPaths.has(f['password-file']),
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const password = await newPassword(f['password-file']);
    const u = await createUser(wh, {
      name: f.name,
      role: f.role,
      region: f.region,
      team: f.team,
      password,
      by: cliActor(f.by),
    });
    await auditCli(wh, f.by, 'users.create', userKeyId(u.name), { role: u.role, region: u.region, team: u.team });
    out.line(JSON.stringify({ name: u.name, role: u.role, region: u.region, team: u.team, created_at: u.created_at }));
    return u;
  },
});

export const usersListCommand = defineCommand({
  name: 'users list',
  summary: 'the console users (name, role, scope, created, disabled) — never a password or its hash',
  flags: {
    all: flag(z.boolean().default(false), 'include disabled users'),
    format: flag(outputFormat(['table', 'json'], 'table'), 'output', 'table|json'),
  },
  examples: ['loanwatch users list --all'],
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const users = await listUsers(wh, { includeDisabled: f.all });
    await auditCli(wh, undefined, 'users.list', '', { include_disabled: f.all, returned: users.length });
    if (f.format === 'json') out.line(JSON.stringify(users, null, 2));
    else
      printTable(
        out,
        users,
        [
          { header: 'name', value: (u) => u.name },
          { header: 'role', value: (u) => u.role },
          { header: 'region', value: (u) => u.region },
          { header: 'team', value: (u) => u.team },
          { header: 'created', value: (u) => `${u.created_at} by ${u.created_by}` },
          {
            header: 'disabled',
            value: (u) =>
              u.disabled_at
                ? `${u.disabled_at} by ${u.disabled_by ?? ''}${u.disable_reason ? `: ${u.disable_reason}` : ''}`
                : '',
          },
        ],
        { limit: 1000 },
      );
    return users;
  },
});

export const usersDisableCommand = defineCommand({
  name: 'users disable',
  summary: 'disable a console user: sign-in refused, open sessions end within the session recheck (5 s)',
  args: [
    {
      name: 'name',
      schema: z.string().min(1).max(40),
      help: 'the user name (users list)',
      missing: 'name the user to disable (see loanwatch users list)',
    },
  ],
  flags: {
    reason: flag(z.string().min(1).max(500).optional(), 'why (kept with the user)', 'TEXT'),
    by: byFlag('who disables'),
  },
  examples: ['loanwatch users disable zhang --reason "left the team"'],
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const u = await disableUser(wh, f.name, { by: cliActor(f.by), reason: f.reason });
    await auditCli(wh, f.by, 'users.disable', userKeyId(u.name), {
      reason: f.reason ?? '',
      already_disabled: u.already_disabled,
    });
    out.line(
      u.already_disabled
        ? `user ${u.name} was already disabled (${u.disabled_at ?? ''})`
        : `user ${u.name} (${u.role}) disabled`,
    );
    return u;
  },
});
