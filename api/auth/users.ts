import { randomBytes } from 'node:crypto';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { UserError } from '../../lib/user-error.ts';
import type { ApiKey } from './keys.ts';
import { hashPassword, passwordMatches, passwordRuleBroken, passwordRuleText, type ScryptCost } from './passwords.ts';
import { roles, type Role } from './permissions.ts';
import { knownScopes, listForMessage, teamRegionMessage, teamsOfRegion } from './scopes.ts';

/**
 * Console users: a name and a password instead of an API key, with exactly the fields a key has
 * (role, and for collectors region and team), so the one permission table and the collector scope
 * decide for a user as for a key. A signed-in user becomes an ApiKey whose key_id is `user:<name>`
 * (what the audit log and recorded actions name). The table is append-only like api_keys: a
 * disabling is a second row with `disabled = 1`; a name is never given to another user.
 */
export interface ConsoleUser {
  user_id: string;
  name: string;
  role: Role;
  region: string | null;
  team: string | null;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
  disabled_by: string | null;
  disable_reason: string | null;
}

/**
 * What a user request broke, with the values its words need: the console says it in the page's
 * language from these (api/console/account-text.ts); the CLI prints the English message.
 */
export type UserProblem =
  | { id: 'bad_user_name'; name: string }
  | { id: 'unknown_role'; role: string }
  | { id: 'scope_not_collector'; role: string }
  | { id: 'collector_needs_region'; regions: string[] }
  | { id: 'unknown_region'; region: string; regions: string[] }
  | { id: 'unknown_team'; team: string; teams: string[] }
  | { id: 'team_not_in_region'; team: string; region: string; teams: string[] }
  | { id: 'password_too_short' | 'password_too_long' | 'password_spaces' | 'password_unchanged' }
  | { id: 'user_exists'; name: string }
  | { id: 'no_such_user'; name: string }
  | { id: 'reason_too_long' };

/** A user request the user can fix (a taken name, a collector without a region, …): exit 2 / HTTP 400. */
export class ConsoleUserError extends UserError {
  constructor(
    message: string,
    readonly problem: UserProblem,
  ) {
    super(message);
  }
}

/** The password policy's refusal of a new password, if any. */
function checkNewPassword(password: string): void {
  const broken = passwordRuleBroken(password);
  if (broken) throw new ConsoleUserError(passwordRuleText[broken], { id: `password_${broken}` });
}

export const userNamePattern = /^[a-z0-9][a-z0-9._-]{1,39}$/u;
export const userKeyId = (name: string) => `user:${name}`;

export interface NewUser {
  name: string;
  role: Role;
  region?: string;
  team?: string;
  password: string;
  by: string;
}

const nonBlank = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);

interface UserRow {
  user_id: string;
  name: string;
  password_hash: string;
  role: Role;
  region: string;
  team: string;
  created_ms: number | string;
  created_by: string;
  disabled: number;
  disabled_by: string;
  disable_reason: string;
}

async function userRows(wh: Warehouse, name?: string): Promise<UserRow[]> {
  return queryRows<UserRow>(
    wh,
    `SELECT user_id, name, password_hash, toString(role) AS role, region, team, toUnixTimestamp64Milli(created_at) AS created_ms,
      created_by, disabled, disabled_by, disable_reason
    FROM ${tableRef(wh, 'console_users')} WHERE ${name === undefined ? '1' : 'name = {n:String}'} ORDER BY name, created_at, disabled`,
    { n: name ?? '' },
  );
}

/**
 * Rows of one name (oldest first) folded into the user: the first enabled row is the user (role,
 * scope, created), a later enabled row is a password change (the newest one's hash is the
 * password), a disabled row disables it.
 */
function fold(rows: UserRow[]): (ConsoleUser & { password_hash: string }) | null {
  const enabled = rows.filter((r) => !r.disabled);
  const u = enabled[0];
  if (!u) return null;
  const off = rows.find((r) => r.disabled);
  return {
    user_id: u.user_id,
    name: u.name,
    password_hash: enabled.at(-1)!.password_hash,
    role: u.role,
    region: u.region || null,
    team: u.team || null,
    created_at: new Date(Number(u.created_ms)).toISOString(),
    created_by: u.created_by,
    disabled_at: off ? new Date(Number(off.created_ms)).toISOString() : null,
    disabled_by: off ? off.disabled_by : null,
    disable_reason: off ? off.disable_reason : null,
  };
}

const publicUser = ({ password_hash: _, ...u }: ConsoleUser & { password_hash: string }): ConsoleUser => u;

/**
 * A new user. The same scope rules as a key: a collector needs a known region (a team is
 * optional and must be known); other roles take no scope. The password is checked for length and
 * stored only as its scrypt hash.
 */
export async function createUser(wh: Warehouse, u: NewUser, cost?: ScryptCost): Promise<ConsoleUser> {
  const shownName = u.name.slice(0, 40);
  if (!userNamePattern.test(u.name))
    throw new ConsoleUserError(
      `a user name is 2–40 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (got "${shownName}")`,
      { id: 'bad_user_name', name: shownName },
    );
  if (!(roles as readonly string[]).includes(u.role))
    throw new ConsoleUserError(`unknown role "${u.role}": one of ${roles.join(', ')}`, {
      id: 'unknown_role',
      role: u.role,
    });
  const region = nonBlank(u.region);
  const team = nonBlank(u.team);
  if (u.role !== 'collector' && (region || team))
    throw new ConsoleUserError(
      `only collectors are scoped: drop the region/team for a ${u.role} (it sees every region)`,
      { id: 'scope_not_collector', role: u.role },
    );
  if (u.role === 'collector') {
    const known = await knownScopes(wh);
    if (!region)
      throw new ConsoleUserError(
        `a collector needs a region (--region), one of: ${listForMessage(known.regions)}; a team (--team) is optional`,
        { id: 'collector_needs_region', regions: known.regions },
      );
    if (!known.regions.includes(region))
      throw new ConsoleUserError(`unknown region "${region}": known regions are ${listForMessage(known.regions)}`, {
        id: 'unknown_region',
        region,
        regions: known.regions,
      });
    if (team && !known.teams.includes(team))
      throw new ConsoleUserError(`unknown team "${team}": known teams are ${listForMessage(known.teams)}`, {
        id: 'unknown_team',
        team,
        teams: known.teams,
      });
    const teams = team ? await teamsOfRegion(wh, region) : [];
    if (team && !teams.includes(team))
      throw new ConsoleUserError(teamRegionMessage(region, team, teams), {
        id: 'team_not_in_region',
        team,
        region,
        teams,
      });
  }
  checkNewPassword(u.password);
  if ((await userRows(wh, u.name)).length > 0)
    throw new ConsoleUserError(`a user named "${u.name}" exists (names are never reused; see users list --all)`, {
      id: 'user_exists',
      name: u.name,
    });
  const now = Date.now();
  const row = {
    user_id: randomBytes(6).toString('hex'),
    name: u.name,
    password_hash: await hashPassword(u.password, cost),
    role: u.role,
    region: region ?? '',
    team: team ?? '',
    created_at: now,
    created_by: u.by,
    disabled: 0,
    disabled_by: '',
    disable_reason: '',
  };
  await wh.client.insert({ table: tableRef(wh, 'console_users'), format: 'JSONEachRow', values: [row] });
  return publicUser(fold([{ ...row, created_ms: now }])!);
}

/** Every user (by name), disabled ones included unless `includeDisabled: false`; never a password hash. */
export async function listUsers(wh: Warehouse, o: { includeDisabled?: boolean } = {}): Promise<ConsoleUser[]> {
  const byName = new Map<string, UserRow[]>();
  for (const r of await userRows(wh)) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return [...byName.values()]
    .map(fold)
    .filter((u) => u !== null)
    .map(publicUser)
    .filter((u) => o.includeDisabled !== false || u.disabled_at === null);
}

/** Disables a user for good: the next sign-in is refused and a live session ends within the session recheck. */
export async function disableUser(
  wh: Warehouse,
  name: string,
  o: { by: string; reason?: string },
): Promise<ConsoleUser & { already_disabled: boolean }> {
  if ((o.reason ?? '').length > 500)
    throw new ConsoleUserError('a reason is at most 500 characters', { id: 'reason_too_long' });
  const current = fold(await userRows(wh, name));
  if (!current)
    throw new ConsoleUserError(`no user named "${name.slice(0, 40)}" (see users list)`, {
      id: 'no_such_user',
      name: name.slice(0, 40),
    });
  if (current.disabled_at !== null) return { ...publicUser(current), already_disabled: true };
  const now = Date.now();
  await wh.client.insert({
    table: tableRef(wh, 'console_users'),
    format: 'JSONEachRow',
    values: [
      {
        user_id: current.user_id,
        name,
        password_hash: '',
        role: current.role,
        region: current.region ?? '',
        team: current.team ?? '',
        created_at: now,
        created_by: o.by,
        disabled: 1,
        disabled_by: o.by,
        disable_reason: o.reason ?? '',
      },
    ],
  });
  return {
    ...publicUser(current),
    disabled_at: new Date(now).toISOString(),
    disabled_by: o.by,
    disable_reason: o.reason ?? '',
    already_disabled: false,
  };
}

/** The key record a signed-in user acts with (same fields as a key: one permission table decides). */
export const userAsKey = (u: Pick<ConsoleUser, 'name' | 'role' | 'region' | 'team'>): ApiKey => ({
  key_id: userKeyId(u.name),
  role: u.role,
  region: u.region ?? '',
  team: u.team ?? '',
  label: u.name,
});

/** Why a sign-in by name and password was refused, for the audit log (the person only hears "wrong name or password"). */
export type UserVerdict =
  { ok: true; key: ApiKey } | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'disabled_user'; name: string };

/**
 * Checks a name and password. An unknown or disabled user's password is still hashed once, so
 * the time taken does not tell which names exist or are disabled.
 */
export async function verifyUser(wh: Warehouse, name: string, password: string): Promise<UserVerdict> {
  const shown = name.slice(0, 40);
  const u = userNamePattern.test(name) ? fold(await userRows(wh, name)) : null;
  const matches = await passwordMatches(password, u?.password_hash);
  if (!u) return { ok: false, reason: 'unknown_user', name: shown };
  if (!matches) return { ok: false, reason: 'wrong_password', name: shown };
  if (u.disabled_at !== null) return { ok: false, reason: 'disabled_user', name: shown };
  return { ok: true, key: userAsKey(u) };
}

/** Whether the user of a `user:<name>` key id is disabled (or gone): a session's recheck. */
export async function userDisabled(wh: Warehouse, name: string): Promise<boolean> {
  const [r] = await queryRows<{ n: number | string }>(
    wh,
    `SELECT countIf(disabled = 1) + (count() = 0) AS n FROM ${tableRef(wh, 'console_users')} WHERE name = {n:String}`,
    { n: name },
  );
  return Number(r?.n ?? 1) > 0;
}

/** Why a password change was refused for the current password (the person hears "the current password is wrong"). */
export type PasswordChange = { ok: true } | { ok: false; reason: 'wrong_password' | 'unknown_user' | 'disabled_user' };

/**
 * A user's new password, given the current one: the same policy and hashing as `users create`
 * (a policy problem is a ConsoleUserError, checked before any hashing). Stored as a second enabled
 * row of the user with the new hash (append-only, as a disabling is); `by` is who changed it.
 */
export async function changePassword(
  wh: Warehouse,
  name: string,
  o: { current: string; next: string; by: string },
  cost?: ScryptCost,
): Promise<PasswordChange> {
  checkNewPassword(o.next);
  if (o.next === o.current)
    throw new ConsoleUserError('the new password is the current one: choose another', { id: 'password_unchanged' });
  const v = await verifyUser(wh, name, o.current);
  if (!v.ok) return { ok: false, reason: v.reason };
  const rows = await userRows(wh, name);
  const u = fold(rows)!;
  // after the newest row of the name, so the fold (oldest first) takes this hash even within one millisecond
  const after = Math.max(...rows.map((r) => Number(r.created_ms))) + 1;
  await wh.client.insert({
    table: tableRef(wh, 'console_users'),
    format: 'JSONEachRow',
    values: [
      {
        user_id: u.user_id,
        name,
        password_hash: await hashPassword(o.next, cost),
        role: u.role,
        region: u.region ?? '',
        team: u.team ?? '',
        created_at: Math.max(Date.now(), after),
        created_by: o.by,
        disabled: 0,
        disabled_by: '',
        disable_reason: '',
      },
    ],
  });
  return { ok: true };
}
