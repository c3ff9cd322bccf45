import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { RawEntity } from '../../warehouse/tables.ts';

/** One row of the trail of loaded rows corrected, retracted or rolled back (row_corrections), as a reader shows it. */
export interface CorrectionRow {
  /** when it was audited (UTC, milliseconds) */
  at: string;
  /** correct, retract or rollback */
  action: string;
  entity: string;
  /** the row's key; a composite key's parts joined by `/` (schedule: loan/installment) */
  key: string;
  /** who did it: cli:<user>@<host> (--by), an API key id; '' for rows audited before migration 41 */
  actor: string;
  reason: string;
  /** the run (or API request) that made the change */
  ingest_id: string;
  /** the run that had loaded the row replaced or removed ('' for a retracted key reinstated) */
  old_ingest_id: string;
  /** the file the change came from (a rollback's `rollback of <run>`, a console or API change's `console:<key>`) and its line */
  file: string;
  line: number;
  /** the data columns as JSON (PII as stored: hashed or masked); '' when none */
  old_row: string;
  new_row: string;
}

export interface CorrectionFilter {
  entity?: RawEntity | undefined;
  /** the key as a reader shows it (composite parts joined by `/`) */
  key?: string | undefined;
  /** rows of this loan: the replaced or the new row's */
  loan?: string | undefined;
  /** rows audited on or after this day (YYYY-MM-DD, UTC) */
  since?: string | undefined;
  /** rows the ingest run (or API request) with this id had loaded: the run whose rows were corrected */
  oldIngestId?: string | undefined;
  /** the sort key of the last row of the previous page (keyset paging) */
  after?: CorrectionCursor | undefined;
}

/** a row's place in the newest-first order: rows audited by one statement share their time */
export type CorrectionCursor = Pick<CorrectionRow, 'at' | 'ingest_id' | 'entity' | 'key' | 'line'>;

// a composite key's parts joined by '/' (docs/data-contract.md): a performance month as YYYY-MM (stored as its first day)
const storedKey = `replaceAll(key, '\\x1f', '/')`;
const shownKey = `if(entity = 'performance', replaceRegexpOne(${storedKey}, '/([0-9]{4}-[0-9]{2})-01$', '/\\\\1'), ${storedKey})`;

function where(f: CorrectionFilter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.entity) {
    parts.push('entity = {entity:String}');
    params.entity = f.entity;
  }
  if (f.key !== undefined) {
    // the key as shown, or as stored (a tape month written as its first day)
    parts.push(`(${shownKey} = {key:String} OR ${storedKey} = {key:String})`);
    params.key = f.key;
  }
  if (f.loan !== undefined) {
    parts.push('(old_loan_id = {loan:String} OR new_loan_id = {loan:String})');
    params.loan = f.loan;
  }
  if (f.oldIngestId !== undefined) {
    parts.push('old_ingest_id = {old_ingest_id:String}');
    params.old_ingest_id = f.oldIngestId;
  }
  if (f.since) {
    parts.push('at >= {since:DateTime64(3)}');
    params.since = `${f.since} 00:00:00`;
  }
  if (f.after) {
    parts.push(
      `(at, ingest_id, toString(entity), ${shownKey}, line) < ({a_at:DateTime64(3)}, {a_id:String}, {a_entity:String}, {a_key:String}, {a_line:UInt64})`,
    );
    Object.assign(params, {
      a_at: f.after.at,
      a_id: f.after.ingest_id,
      a_entity: f.after.entity,
      a_key: f.after.key,
      a_line: f.after.line,
    });
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The trail's rows matching `f`, newest first, at most `limit`. */
export async function listCorrections(wh: Warehouse, f: CorrectionFilter, limit: number): Promise<CorrectionRow[]> {
  const w = where(f);
  // aliases apart from the columns: one named `at` or `key` would stand for the column in WHERE and ORDER BY
  const rows = await queryRows<Omit<CorrectionRow, 'at' | 'key' | 'line'> & { ts: string; shown: string; n: string }>(
    wh,
    `SELECT toString(at) AS ts, toString(action) AS action, toString(entity) AS entity, ${shownKey} AS shown,
      actor, reason, ingest_id, old_ingest_id, file, toString(line) AS n, old_row, new_row
    FROM ${tableRef(wh, 'row_corrections')} ${w.sql}
    ORDER BY at DESC, ingest_id DESC, entity DESC, shown DESC, line DESC LIMIT {limit:UInt64}`,
    { ...w.params, limit },
  );
  return rows.map(({ ts, shown, n, ...r }) => ({ ...r, at: ts, key: shown, line: Number(n) }));
}

/** How many rows of the trail match `f` (the table's "N of M"). */
export async function countCorrections(wh: Warehouse, f: CorrectionFilter): Promise<number> {
  const w = where(f);
  const [c] = await queryRows<{ n: string }>(
    wh,
    `SELECT toString(count()) AS n FROM ${tableRef(wh, 'row_corrections')} ${w.sql}`,
    w.params,
  );
  return Number(c?.n ?? 0);
}
