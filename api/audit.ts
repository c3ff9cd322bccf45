import type { Context } from 'hono';
import { tableRef } from '../warehouse/ddl.ts';
import type { AppEnv } from './context.ts';

/** One audit row (case-list pulls, promotions, …): who, which request, what, on what. */
export async function audit(c: Context<AppEnv>, action: string, target: string, details: Record<string, unknown> = {}) {
  const key = c.get('key');
  const { wh } = c.get('deps');
  await wh.client.insert({
    table: tableRef(wh, 'audit_log'), format: 'JSONEachRow',
    values: [{ at: Date.now(), request_id: c.get('requestId'), key_id: key.key_id, role: key.role, action, target, details: JSON.stringify(details) }],
  });
}
