import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { UserError } from '../../lib/user-error.ts';
import { roles, type Role } from './permissions.ts';
import { agentScopeProblem, knownScopes, listForMessage, teamRegionProblem, unknownTeamMessage } from './scopes.ts';

/**
 * API keys `lw_<id>_<secret>`: only the SHA-256 of the whole key is stored, so a leaked table
 * does not leak keys. A key carries its role and, for collectors, the region (and optionally the
 * team) it may see. The table is append-only: a revocation is a second row of the same key id
 * with `revoked = 1`, so it works the same on a cluster and keeps who revoked and why.
 */
export interface ApiKey {
  key_id: string;
  role: Role;
  region: string;
  team: string;
  label: string;
  /** a collector key's own agent id (its incentive award); absent or '' for none */
  agent_id?: string;
}

/** What `keys list` and `GET /v1/keys` show of a key: never the key or its hash. */
export interface ApiKeyRecord {
  key_id: string;
  role: Role;
  region: string | null;
  team: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** a collector key's agent id, when it has one */
  agent_id?: string;
}

/** A key request the user can fix (a collector without a region, an unknown team, …): exit 2 / HTTP 400. */
export class ApiKeyError extends UserError {}
/** No key with this id: exit 2 / HTTP 404. */
export class ApiKeyNotFoundError extends ApiKeyError {}

export const keyIdPattern = /^[0-9a-f]{12}$/;
const keyPattern = /^lw_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export interface NewApiKey {
  role: Role;
  region?: string;
  team?: string;
  label?: string;
  /** collector: the agent id the key is (collection_actions.agent_id), for his own incentive award */
  agent_id?: string;
}

/** A trimmed value, undefined when absent or blank. */
function nonBlank(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t === '' ? undefined : t;
}

/**
 * A new key; the key itself is returned once and never stored. A collector key must name a
 * region (scores carry no team, so a team alone could not scope `GET /v1/loans/{id}/score`);
 * its team is optional. Region and team must exist in the warehouse; other roles see the whole
 * book and take no scope (a scoped executive key would only look scoped).
 */
export async function createApiKey(wh: Warehouse, k: NewApiKey): Promise<{ key: string; key_id: string }> {
  if (!(roles as readonly string[]).includes(k.role))
    throw new ApiKeyError(`unknown role "${k.role}": one of ${roles.join(', ')}`);
  const region = nonBlank(k.region);
  const team = nonBlank(k.team);
  const label = k.label ?? '';
  const agent = nonBlank(k.agent_id);
  if (agent && k.role !== 'collector')
    throw new ApiKeyError(`only a collector key names an agent, not a ${k.role} key`);
  if (agent && agent.length > 64) throw new ApiKeyError('an agent id is at most 64 characters');
  if (label.length > 100) throw new ApiKeyError('a key label is at most 100 characters');
  if (k.role !== 'collector' && (region || team)) {
    throw new ApiKeyError(
      `only collector keys are scoped: drop the region/team for a ${k.role} key (it sees every region)`,
    );
  }
  if (k.role === 'collector') {
    const known = await knownScopes(wh);
    if (!region)
      throw new ApiKeyError(
        `a collector key needs a region (--region), one of: ${listForMessage(known.regions)}; a team (--team) is optional`,
      );
    if (!known.regions.includes(region))
      throw new ApiKeyError(`unknown region "${region}": known regions are ${listForMessage(known.regions)}`);
    if (team && !known.teams.includes(team)) throw new ApiKeyError(unknownTeamMessage(team, known.teams));
    const elsewhere = team ? await teamRegionProblem(wh, region, team) : '';
    if (elsewhere) throw new ApiKeyError(elsewhere);
    if (agent && !(await isKnownAgent(wh, agent)))
      throw new ApiKeyError(`unknown agent "${agent}": no collection action names it`);
    const outside = agent ? await agentScopeProblem(wh, agent, { region, team }) : '';
    if (outside) throw new ApiKeyError(outside);
  }
  const keyId = randomBytes(6).toString('hex');
  const key = `lw_${keyId}_${randomBytes(24).toString('base64url')}`;
  await wh.client.insert({
    table: tableRef(wh, 'api_keys'),
    format: 'JSONEachRow',
    values: [
      {
        key_id: keyId,
        key_hash: hash(key),
        role: k.role,
        region: region ?? '',
        team: team ?? '',
        label,
        created_at: Math.floor(Date.now() / 1000),
        revoked: 0,
        agent_id: agent ?? '',
      },
    ],
  });
  return { key, key_id: keyId };
}

/** An agent id some (non-agency) collection action names. */
async function isKnownAgent(wh: Warehouse, agent: string): Promise<boolean> {
  const [r] = await queryRows<{ n: number }>(
    wh,
    `SELECT toUInt32(count() > 0) AS n FROM ${tableRef(wh, 'collection_actions')} WHERE agent_id = {a:String} AND channel != 'agency'`,
    { a: agent },
  );
  return r?.n === 1;
}

interface KeyRow {
  key_id: string;
  key_hash: string;
  role: Role;
  region: string;
  team: string;
  label: string;
  created_s: number;
  revoked: number;
  revoked_ms: number | null;
  revoked_by: string;
  revoke_reason: string;
  agent_id: string;
}

/** toUnixTimestamp64Milli is an Int64: a quoted string when the server quotes 64-bit integers in JSON. */
type KeyRowAsRead = Omit<KeyRow, 'revoked_ms'> & { revoked_ms: number | string | null };

async function keyRows(wh: Warehouse, keyId?: string): Promise<KeyRow[]> {
  // times as epoch numbers: the session time zone never enters the answer
  const rows = await queryRows<KeyRowAsRead>(
    wh,
    `SELECT key_id, key_hash, toString(role) AS role, region, team, label, toUnixTimestamp(created_at) AS created_s,
      revoked, toUnixTimestamp64Milli(revoked_at) AS revoked_ms, revoked_by, revoke_reason, agent_id
    FROM ${tableRef(wh, 'api_keys')} WHERE ${keyId === undefined ? '1' : 'key_id = {id:String}'} ORDER BY key_id, created_at, revoked`,
    { id: keyId ?? '' },
  );
  return rows.map((r) => ({
    ...r,
    revoked_ms: r.revoked_ms === null ? null : Number(r.revoked_ms),
  }));
}

/** Rows of one key id folded into its record: the first unrevoked row is the key, any revoked row revokes it. */
function fold(rows: KeyRow[]): (ApiKeyRecord & { key_hash: string }) | null {
  const key = rows.find((r) => !r.revoked);
  if (!key) return null;
  const revocation = rows.find((r) => r.revoked);
  return {
    key_id: key.key_id,
    key_hash: key.key_hash,
    role: key.role,
    region: key.region || null,
    team: key.team || null,
    label: key.label,
    created_at: new Date(key.created_s * 1000).toISOString(),
    revoked_at: revocation ? new Date(revocation.revoked_ms ?? revocation.created_s * 1000).toISOString() : null,
    revoked_by: revocation ? revocation.revoked_by : null,
    revoke_reason: revocation ? revocation.revoke_reason : null,
    ...(key.agent_id ? { agent_id: key.agent_id } : {}),
  };
}

const publicRecord = (r: ApiKeyRecord & { key_hash: string }): ApiKeyRecord => ({
  key_id: r.key_id,
  role: r.role,
  region: r.region,
  team: r.team,
  label: r.label,
  created_at: r.created_at,
  revoked_at: r.revoked_at,
  revoked_by: r.revoked_by,
  revoke_reason: r.revoke_reason,
  ...(r.agent_id ? { agent_id: r.agent_id } : {}),
});

/** One key's record by id (a revoked one too), or null when there is none. */
export async function apiKeyRecord(wh: Warehouse, keyId: string): Promise<ApiKeyRecord | null> {
  const r = fold(await keyRows(wh, keyId));
  return r ? publicRecord(r) : null;
}

/** Every key (newest first), revoked ones included unless `includeRevoked: false`. */
export async function listApiKeys(wh: Warehouse, o: { includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
  const byId = new Map<string, KeyRow[]>();
  for (const r of await keyRows(wh)) byId.set(r.key_id, [...(byId.get(r.key_id) ?? []), r]);
  return [...byId.values()]
    .map(fold)
    .filter((r) => r !== null)
    .map(publicRecord)
    .filter((r) => o.includeRevoked !== false || r.revoked_at === null)
    .sort((a, b) =>
      a.created_at === b.created_at ? a.key_id.localeCompare(b.key_id) : b.created_at.localeCompare(a.created_at),
    );
}

/**
 * Revokes a key for good: it gets 401 on its next request (a server drops it from its key cache
 * when revoked through the API; another process's revocation is seen within the cache's time to
 * live, LOANWATCH_API_KEY_CACHE_MS). Revoking a revoked key changes nothing and says so.
 */
export async function revokeApiKey(
  wh: Warehouse,
  keyId: string,
  o: { by: string; reason?: string },
): Promise<ApiKeyRecord & { already_revoked: boolean }> {
  if (!keyIdPattern.test(keyId))
    throw new ApiKeyError(`"${keyId.slice(0, 40)}" is not a key id (12 hex digits, as in keys list)`);
  if ((o.reason ?? '').length > 500) throw new ApiKeyError('a revocation reason is at most 500 characters');
  const rows = await keyRows(wh, keyId);
  const current = fold(rows);
  if (!current) throw new ApiKeyNotFoundError(`no key with id ${keyId} (see keys list)`);
  if (current.revoked_at !== null) return { ...publicRecord(current), already_revoked: true };
  const now = Date.now();
  await wh.client.insert({
    table: tableRef(wh, 'api_keys'),
    format: 'JSONEachRow',
    values: [
      {
        key_id: keyId,
        key_hash: current.key_hash,
        role: current.role,
        region: current.region ?? '',
        team: current.team ?? '',
        label: current.label,
        created_at: Math.floor(now / 1000),
        revoked: 1,
        revoked_at: now,
        revoked_by: o.by,
        revoke_reason: o.reason ?? '',
        agent_id: current.agent_id ?? '',
      },
    ],
  });
  return {
    ...publicRecord(current),
    revoked_at: new Date(now).toISOString(),
    revoked_by: o.by,
    revoke_reason: o.reason ?? '',
    already_revoked: false,
  };
}

/** Why a key was refused, for the audit log (the client only hears "unknown or revoked"). */
export type KeyVerdict =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: 'malformed' }
  | { ok: false; reason: 'unknown' | 'wrong_secret'; key_id: string }
  | { ok: false; reason: 'revoked'; key_id: string; role: Role };

/** Checks a presented key: its shape first (no warehouse query for a malformed key), then its hash and revocation. */
export async function verifyApiKey(wh: Warehouse, key: string): Promise<KeyVerdict> {
  const m = keyPattern.exec(key);
  if (!m) return { ok: false, reason: 'malformed' };
  const keyId = m[1]!;
  const found = fold(await keyRows(wh, keyId));
  if (!found) return { ok: false, reason: 'unknown', key_id: keyId };
  const given = Buffer.from(hash(key), 'hex');
  const stored = Buffer.from(found.key_hash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored))
    return { ok: false, reason: 'wrong_secret', key_id: keyId };
  if (found.revoked_at !== null) return { ok: false, reason: 'revoked', key_id: keyId, role: found.role };
  return {
    ok: true,
    key: {
      key_id: found.key_id,
      role: found.role,
      region: found.region ?? '',
      team: found.team ?? '',
      label: found.label,
      ...(found.agent_id ? { agent_id: found.agent_id } : {}),
    },
  };
}

/** The key's record, or null for an unknown, malformed or revoked key. */
export async function lookupApiKey(wh: Warehouse, key: string): Promise<ApiKey | null> {
  const v = await verifyApiKey(wh, key);
  return v.ok ? v.key : null;
}
