import type { Context } from 'hono';
import { writeAuditEntry, type AuditLogEntry } from '../warehouse/audit-log.ts';
import type { AppEnv } from './context.ts';
import type { DenialFacts } from './errors.ts';

type AuditRow = Omit<AuditLogEntry, 'request_id' | 'client_request_id'>;

const write = (c: Context<AppEnv>, row: AuditRow) =>
  writeAuditEntry(c.get('deps').wh, {
    request_id: c.get('requestId'),
    client_request_id: c.get('clientRequestId'),
    ...row,
  });

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
