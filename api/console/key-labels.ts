import type { Warehouse } from '../../warehouse/connection.ts';
import { listApiKeys } from '../auth/keys.ts';

/**
 * The labels of the keys that recorded a loan's actions (`recorded_by` holds the key id): a
 * collector reads "east-desk", not "c958909a4d18". Revoked keys too — the action stays theirs. A user
 * (`user:<name>`) already reads as a name; an id with no key (or a key without a label) stays the id.
 */
export async function keyLabels(wh: Warehouse, keyIds: string[]): Promise<Map<string, string>> {
  const wanted = new Set(keyIds.filter((id) => id !== '' && !id.startsWith('user:')));
  if (wanted.size === 0) return new Map();
  const keys = await listApiKeys(wh, { includeRevoked: true });
  return new Map(keys.filter((k) => wanted.has(k.key_id) && k.label !== '').map((k) => [k.key_id, k.label]));
}
