import { createHash } from 'node:crypto';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';

/**
 * The version of a stored action a client was shown (the `version` of GET /v1/collection-actions,
 * the console's correction form's hidden field) and sends back with a correction or withdrawal, so a
 * form opened before someone else's change is refused (409) instead of overwriting it. It is the row
 * hash the corrections' ledger already keeps (row_corrections' old_hash/new_hash), with a digest of
 * the note beside it: the note is outside the row hash, and a note changed alone is a change too.
 */
export const actionVersion = (a: { content_hash: string; note: string }): string =>
  `${a.content_hash}-${createHash('sha256').update(a.note).digest('hex').slice(0, 12)}`;

/**
 * Whether `asked` is a version the action ever had: its row hash is a stored version's or one the
 * corrections' ledger recorded for it. A version never issued (a typo, a made-up one) was answered
 * with a 409 claiming someone had changed the action.
 */
export async function everIssued(
  wh: Warehouse,
  actionId: string,
  stored: { content_hash: string }[],
  asked: string,
): Promise<boolean> {
  const m = /^(\d+)-[0-9a-f]{12}$/u.exec(asked);
  if (!m) return false;
  const hash = m[1]!;
  if (stored.some((v) => v.content_hash === hash)) return true;
  const [r] = await querySql<{ n: number }>(
    wh,
    sql`SELECT toUInt8(count() > 0) AS n FROM ${trusted(tableRef(wh, 'row_corrections'))}
      WHERE entity = 'collection_actions' AND key = ${param(actionId, 'String')}
        AND (toString(old_hash) = ${param(hash, 'String')} OR toString(new_hash) = ${param(hash, 'String')})`,
  );
  return r?.n === 1;
}
