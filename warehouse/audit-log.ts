import type { Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';

/** One row of `audit_log` as every writer gives it (the API, the console, the CLI); `at` is the time of writing. */
export interface AuditLogEntry {
  request_id: string;
  client_request_id: string;
  key_id: string;
  role: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/** Appends one entry to the audit log (the only writer of its rows). */
export async function writeAuditEntry(wh: Warehouse, row: AuditLogEntry): Promise<void> {
  await wh.client.insert({
    table: tableRef(wh, 'audit_log'),
    format: 'JSONEachRow',
    values: [{ at: Date.now(), ...row, details: JSON.stringify(row.details) }],
  });
}
