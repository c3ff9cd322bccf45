import type { Context } from 'hono';
import { tableRef } from '../warehouse/ddl.ts';
import type { AppEnv } from './context.ts';
import type { DenialFacts } from './errors.ts';

interface AuditRow {
  key_id: string;
  role: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

async function write(c: Context<AppEnv>, row: AuditRow) {
  const { wh } = c.get('deps');
  await wh.client.insert({
    table: tableRef(wh, 'audit_log'),
    format: 'JSONEachRow',
    values: [
      {
        at: Date.now(),
        request_id: c.get('requestId'),
        client_request_id: c.get('clientRequestId'),
        ...row,
        details: JSON.stringify(row.details),
      },
    ],
  });
}

/** One audit row (case-list pulls, promotions, key changes, …): who, which request, what, on what. */
export async function audit(c: Context<AppEnv>, action: string, target: string, details: Record<string, unknown> = {}) {
  const key = c.get('key');
  await write(c, { key_id: key.key_id, role: key.role, action, target, details });
}

/** The route as the audit log names it: method and path, capped (the path is the client's). */
export const routeOf = (c: Context<AppEnv>) => `${c.req.method} ${c.req.path}`.slice(0, 300);

/**
 * A refused request (401 or 403): the key id when known (a revoked key's, or the key on the
 * context), its role, the route and the reason. An unknown key's claimed id goes to the details
 * only: nothing proves the caller holds it. Rows of refusals are bounded by the per-address limit.
 */
export async function auditDenial(c: Context<AppEnv>, status: 401 | 403, facts: DenialFacts) {
  const key = c.get('key') as AppEnv['Variables']['key'] | undefined;
  await write(c, {
    key_id: facts.key_id ?? key?.key_id ?? '',
    role: facts.role ?? key?.role ?? '',
    action: status === 401 ? 'auth.unauthorized' : 'auth.forbidden',
    target: routeOf(c),
    details: {
      status,
      reason: facts.reason,
      client_address: c.get('clientAddress'),
      ...(facts.claimed_key_id ? { claimed_key_id: facts.claimed_key_id } : {}),
    },
  });
}
