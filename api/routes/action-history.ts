import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';

/**
 * The latest change of one collection action in the corrections' audit (row_corrections, the table
 * `ingest --correct` / `--retract` write and the snapshot refreshes by): a correction or withdrawal
 * through the API or the console, or an ingest's. A collection action's key there is its action id.
 */
export interface ActionChange {
  action: string;
  /** content hashes of the row replaced or removed and of its replacement ('0' for a withdrawal) */
  old_hash: string;
  new_hash: string;
  old_ingest_id: string;
  old_loan_id: string;
  changed_at: string;
}

export async function latestActionChange(wh: Warehouse, actionId: string): Promise<ActionChange | null> {
  const [r] = await querySql<ActionChange>(
    wh,
    sql`SELECT argMax(action, at) AS action, toString(argMax(old_hash, at)) AS old_hash, toString(argMax(new_hash, at)) AS new_hash,
      argMax(old_ingest_id, at) AS old_ingest_id, argMax(old_loan_id, at) AS old_loan_id, toString(max(at)) AS changed_at
    FROM ${trusted(tableRef(wh, 'row_corrections'))}
    WHERE entity = 'collection_actions' AND key = ${param(actionId, 'String')}
    HAVING count() > 0`,
  );
  return r ?? null;
}

/** Whether the action id was withdrawn (or retracted by an ingest) and is not loaded again since: the change, else null. */
export async function withdrawal(wh: Warehouse, actionId: string): Promise<ActionChange | null> {
  const last = await latestActionChange(wh, actionId);
  return last?.action === 'retract' ? last : null;
}

/**
 * Who made the action's latest correction or withdrawal and when (UTC), from the API's audit log —
 * row_corrections keeps the request, not the person, and has no row for a note changed alone — or,
 * when none, who recorded it. Null when the log holds none.
 */
export async function lastActionEdit(
  wh: Warehouse,
  actionId: string,
  loanId: string,
): Promise<{ by: string; at: string; action: string; reason: string } | null> {
  const [r] = await querySql<{ by: string; at: string; action: string; reason: string }>(
    wh,
    sql`SELECT key_id AS by, toString(toDateTime(at, 'UTC')) AS at, toString(action) AS action,
      JSONExtractString(details, 'reason') AS reason
    FROM ${trusted(tableRef(wh, 'audit_log'))}
    WHERE target = ${param(loanId, 'String')}
      AND action IN ('collection_actions.record', 'collection_actions.correct', 'collection_actions.withdraw')
      AND JSONExtractString(details, 'action_id') = ${param(actionId, 'String')}
    ORDER BY at DESC LIMIT 1`,
  );
  return r ?? null;
}

/** The action as it was when withdrawn (the retraction's old row, the contract's fields as text; '' for none), else null. */
export async function withdrawnRow(
  wh: Warehouse,
  actionId: string,
): Promise<{ loan_id: string; row: Record<string, string> } | null> {
  const [r] = await querySql<{ action: string; old_row: string; old_loan_id: string }>(
    wh,
    sql`SELECT action, old_row, old_loan_id FROM ${trusted(tableRef(wh, 'row_corrections'))}
    WHERE entity = 'collection_actions' AND key = ${param(actionId, 'String')}
    ORDER BY at DESC LIMIT 1`,
  );
  if (r?.action !== 'retract') return null;
  return { loan_id: r.old_loan_id, row: JSON.parse(r.old_row) as Record<string, string> };
}
