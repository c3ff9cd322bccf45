import type { AuditLogEntry } from '../warehouse/audit-log.ts';
import { querySql, type Warehouse } from '../warehouse/connection.ts';
import { tableRef } from '../warehouse/ddl.ts';
import { anyOf, param, sql, trusted } from '../warehouse/sql.ts';
import { addDays } from '../lib/dates.ts';

/**
 * A refusal: a refused request (401/403), or a promotion the gate (or the registry) refused — its
 * details' outcome is not `promoted`. Everything else was done (a recorded action's `outcome` is the
 * collection outcome, not this one).
 */
const outcomeSql = `if(action IN ('auth.unauthorized', 'auth.forbidden') OR (action = 'model.promote' AND JSONExtractString(details, 'outcome') != 'promoted'), 'refused', 'ok')`;

export interface AuditFilter {
  /** first and last day (UTC), inclusive */
  from?: string | undefined;
  to?: string | undefined;
  /** any of these actions (empty or absent: every action) */
  actions?: readonly string[] | undefined;
  /** a part of the key id (or `user:<name>`) */
  actor?: string | undefined;
  outcome?: 'ok' | 'refused' | undefined;
  /** the page cursor: entries strictly older than this time and request id */
  after?: { at: string; request_id: string } | undefined;
}

/** A row as stored: the entry its writer gave (warehouse/audit-log.ts), its time and outcome, the details as their JSON text. */
export interface AuditLogRow extends Omit<AuditLogEntry, 'details'> {
  at: string;
  outcome: 'ok' | 'refused';
  details: string;
}

/** Entries of the audit log matching the filter, newest first, at most `limit` (GET /v1/audit and the console's audit page). */
export async function readAuditLog(wh: Warehouse, f: AuditFilter, limit: number): Promise<AuditLogRow[]> {
  // the time is selected as `ts`: an alias named `at` would shadow the column in WHERE
  // open ends as the type's own bounds: ClickHouse folds constant conversions even inside an OR, so '' cannot stand for "none"
  const from = param(`${f.from ?? '1970-01-01'} 00:00:00`, 'DateTime64(3)');
  const toExcl = param(f.to ? `${addDays(f.to, 1)} 00:00:00` : '2299-12-31 00:00:00', 'DateTime64(3)');
  const actor = param(f.actor ?? '', 'String');
  const outcome = param(f.outcome ?? '', 'String');
  const afterAt = param(f.after?.at ?? '2299-12-31 00:00:00', 'DateTime64(3)');
  const afterId = param(f.after?.request_id ?? '', 'String');
  const rows = await querySql<Omit<AuditLogRow, 'at'> & { ts: string }>(
    wh,
    sql`SELECT toString(at) AS ts, request_id, client_request_id, key_id, toString(role) AS role, toString(action) AS action, target,
      ${trusted(outcomeSql)} AS outcome, details
    FROM ${trusted(tableRef(wh, 'audit_log'))}
    WHERE at >= ${from} AND at < ${toExcl}
      AND ${anyOf(f.actions, 'action')}
      AND (${actor} = '' OR position(key_id, ${actor}) > 0)
      AND (${outcome} = '' OR ${trusted(outcomeSql)} = ${outcome})
      AND (at, request_id) < (${afterAt}, ${afterId})
    ORDER BY at DESC, request_id DESC LIMIT ${param(limit, 'UInt32')}`,
  );
  return rows.map(({ ts, ...r }) => ({ at: ts, ...r }));
}
