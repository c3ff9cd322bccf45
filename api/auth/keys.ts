import { createHash, randomBytes } from 'node:crypto';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { Role } from './permissions.ts';

/**
 * API keys `lw_<id>_<secret>`: only the SHA-256 of the whole key is stored, so a leaked table
 * does not leak keys. A key carries its role and, for collectors, the region and team it may see.
 */
export interface ApiKey { key_id: string; role: Role; region: string; team: string; label: string }

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(wh: Warehouse, k: { role: Role; region?: string; team?: string; label?: string }): Promise<{ key: string; key_id: string }> {
  const keyId = randomBytes(6).toString('hex');
  const key = `lw_${keyId}_${randomBytes(24).toString('base64url')}`;
  await wh.client.insert({
    table: tableRef(wh, 'api_keys'), format: 'JSONEachRow',
    values: [{ key_id: keyId, key_hash: hash(key), role: k.role, region: k.region ?? '', team: k.team ?? '', label: k.label ?? '', created_at: Math.floor(Date.now() / 1000), revoked: 0 }],
  });
  return { key, key_id: keyId };
}

/** The key's record, or null for an unknown, malformed or revoked key (latest row per key id wins). */
export async function lookupApiKey(wh: Warehouse, key: string): Promise<ApiKey | null> {
  const m = /^lw_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  if (!m) return null;
  const rows = await queryRows<ApiKey & { key_hash: string; revoked: number }>(wh, `SELECT key_id, key_hash, role, region, team, label, revoked
    FROM ${tableRef(wh, 'api_keys')} WHERE key_id = {id:String} ORDER BY created_at DESC LIMIT 1`, { id: m[1]! });
  const r = rows[0];
  if (!r || Number(r.revoked) || r.key_hash !== hash(key)) return null;
  return { key_id: r.key_id, role: r.role, region: r.region, team: r.team, label: r.label };
}
