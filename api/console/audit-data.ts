import { z } from 'zod';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { csvCell } from '../../warehouse/csv-cell.ts';
import { readAuditLog, type AuditLogRow } from '../audit-read.ts';

const blank = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
const day = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/u, 'a date YYYY-MM-DD')
  .refine((s) => {
    if (s === '') return true;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a valid date')
  .optional()
  .transform(blank);

export const auditOutcomes = ['ok', 'refused'] as const;

/** The audit page's filters (blank = any): actor (key id or `user:<name>`, a part of it), action, dates, outcome; `after` pages. */
export const auditQuery = z
  .object({
    actor: z.string().max(64).optional().transform(blank),
    action: z
      .string()
      .regex(/^([a-z_.]{1,40})?$/u, 'an action such as cases.pull')
      .optional()
      .transform(blank),
    from: day,
    to: day,
    outcome: z
      .enum(['', ...auditOutcomes])
      .optional()
      .transform((s) => (s === '' ? undefined : s)),
    after: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?\|[\w-]{1,100}$/u, 'a page cursor')
      .optional(),
    lang: z.string().optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${q.from}) is after to (${q.to})` });
  });
export type AuditQuery = z.output<typeof auditQuery>;

/** One entry of the log as the page shows it (time, request, actor, action, target, outcome, details). */
export type AuditEntry = AuditLogRow;

/**
 * Entries of the audit log matching the page's filters, newest first, from `after` (the cursor: time
 * and request id of the last entry shown, as GET /v1/audit pages), at most `limit`.
 */
export async function auditEntries(wh: Warehouse, q: AuditQuery, limit: number): Promise<AuditEntry[]> {
  const [afterAt, afterId] = q.after ? q.after.split('|') : [];
  return readAuditLog(
    wh,
    {
      from: q.from,
      to: q.to,
      actions: q.action ? [q.action] : [],
      actor: q.actor,
      outcome: q.outcome,
      after: afterAt && afterId ? { at: afterAt, request_id: afterId } : undefined,
    },
    limit,
  );
}

/** The actions the log holds (the filter's choices). */
export async function auditActions(wh: Warehouse): Promise<string[]> {
  const rows = await queryRows<{ a: string }>(
    wh,
    `SELECT DISTINCT toString(action) AS a FROM ${tableRef(wh, 'audit_log')} ORDER BY a`,
  );
  return rows.map((r) => r.a);
}

/**
 * A cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return is a formula to Excel, LibreOffice and Sheets (CSV injection), so it gets a leading `'`
 * (OWASP's advice); then RFC 4180 quoting (csvCell). The log holds text from clients — a target
 * path, a refused key id, a promotion reason — so every cell is guarded.
 */
export function safeCsvCell(v: string | number | null): string {
  if (typeof v === 'string' && /^[=+\-@\t\r]/u.test(v)) return csvCell(`'${v}`);
  return csvCell(v);
}

export const auditCsvColumns = [
  'at',
  'request_id',
  'client_request_id',
  'key_id',
  'role',
  'action',
  'target',
  'outcome',
  'details',
] as const;

/** Entries as CSV lines (header first, CRLF as RFC 4180 has it; a UTF-8 BOM so Excel reads Chinese text). */
export function* auditCsvChunks(entries: Iterable<AuditEntry>): Generator<string> {
  yield `\uFEFF${auditCsvColumns.join(',')}\r\n`;
  let piece: string[] = [];
  for (const e of entries) {
    piece.push(`${auditCsvColumns.map((k) => safeCsvCell(e[k])).join(',')}\r\n`);
    if (piece.length >= 1000) {
      yield piece.join('');
      piece = [];
    }
  }
  if (piece.length) yield piece.join('');
}
