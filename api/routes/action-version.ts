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
 * What a `version` a client sent back is to the action. `current`: one of its stored versions, also
 * as it was shown before notes were shown masked (2f38323: a note stored earlier keeps its phone or ID
 * number and is masked when read, so a form opened before the upgrade holds the digest of the
 * unmasked note of the very same row). `changed` / `note_changed`: a version it had before — its row
 * hash is a stored version's or one the corrections' ledger recorded, and its note digest is of a note
 * the action had (stored, or in the audit log's before and after of a correction): a 409 with the
 * current action. `never`: anything else (a typo, a made-up hash or note digest), a 400 — except
 * that a note digest nobody can check any more (the unmasked form of a note since masked and
 * replaced) is `note_masked` when a note the action had shows a masked number: a form opened before
 * an upgrade may be stale, but it was not made up.
 */
export type VersionStanding = 'current' | 'changed' | 'note_changed' | 'note_masked' | 'never';

/** a number the masking left (warehouse/personal-numbers.ts: 138****5678, 110***********123X) */
const maskedNumber = /\*{4}[0-9]/u;

export async function versionStanding(
  wh: Warehouse,
  action: { id: string; loanId: string },
  stored: { content_hash: string; note: string }[],
  asked: string,
): Promise<VersionStanding> {
  if (stored.some((v) => actionVersion(v) === asked)) return 'current';
  const m = /^(\d+)-[0-9a-f]{12}$/u.exec(asked);
  if (!m) return 'never';
  const hash = m[1]!;
  const asStored = await querySql<{ content_hash: string; note: string }>(
    wh,
    sql`SELECT toString(row_hash) AS content_hash, note FROM ${trusted(tableRef(wh, 'collection_actions'))}
      WHERE action_id = ${param(action.id, 'String')}`,
  );
  if (asStored.some((v) => actionVersion(v) === asked)) return 'current';
  const hashIsStored = stored.some((v) => v.content_hash === hash);
  if (!hashIsStored && !(await ledgerHasHash(wh, action.id, hash))) return 'never';
  const notes = [...stored, ...asStored].map((v) => v.note).concat(await auditedNotes(wh, action));
  if (notes.some((n) => actionVersion({ content_hash: hash, note: n }) === asked))
    return hashIsStored ? 'note_changed' : 'changed';
  if (!notes.some((n) => maskedNumber.test(n))) return 'never';
  return hashIsStored ? 'note_masked' : 'changed';
}

/** whether the corrections' ledger recorded `hash` as a row of the action, replaced or replacing */
async function ledgerHasHash(wh: Warehouse, actionId: string, hash: string): Promise<boolean> {
  const [r] = await querySql<{ n: number }>(
    wh,
    sql`SELECT toUInt8(count() > 0) AS n FROM ${trusted(tableRef(wh, 'row_corrections'))}
      WHERE entity = 'collection_actions' AND key = ${param(actionId, 'String')}
        AND (toString(old_hash) = ${param(hash, 'String')} OR toString(new_hash) = ${param(hash, 'String')})`,
  );
  return r?.n === 1;
}

/** the notes the audit log shows the action had: before and after each correction (row_corrections keeps no note) */
async function auditedNotes(wh: Warehouse, action: { id: string; loanId: string }): Promise<string[]> {
  const rows = await querySql<{ before: string; after: string }>(
    wh,
    sql`SELECT JSONExtractString(details, 'before', 'note') AS before, JSONExtractString(details, 'after', 'note') AS after
    FROM ${trusted(tableRef(wh, 'audit_log'))}
    WHERE target = ${param(action.loanId, 'String')} AND action = 'collection_actions.correct'
      AND JSONExtractString(details, 'action_id') = ${param(action.id, 'String')}`,
  );
  return rows.flatMap((r) => [r.before, r.after]);
}
