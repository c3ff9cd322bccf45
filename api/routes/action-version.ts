import { createHash } from 'node:crypto';

/**
 * The version of a stored action a client was shown (the `version` of GET /v1/collection-actions,
 * the console's correction form's hidden field) and sends back with a correction or withdrawal, so a
 * form opened before someone else's change is refused (409) instead of overwriting it. It is the row
 * hash the corrections' ledger already keeps (row_corrections' old_hash/new_hash), with a digest of
 * the note beside it: the note is outside the row hash, and a note changed alone is a change too.
 */
export const actionVersion = (a: { content_hash: string; note: string }): string =>
  `${a.content_hash}-${createHash('sha256').update(a.note).digest('hex').slice(0, 12)}`;
