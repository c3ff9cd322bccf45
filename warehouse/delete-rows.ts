import { exec, queryRows, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';

/**
 * Lightweight DELETE of the rows a re-run replaces (scores of a month, warnings of a date …).
 * On a cluster a Distributed table takes no DELETE, so it runs on every shard's local table.
 * `where` is fixed SQL from the caller; values come only through `params`.
 * The DELETE runs only when a row matches: it is a mutation over every part of the table and
 * costs 0.2–2 s even when it matches nothing (measured on the demo book: six of them were 6.4 s
 * of a date's 7 s of warnings), while the first run of a date, the usual case, replaces nothing.
 */
export async function deleteRows(wh: Warehouse, table: string, where: string, params: Record<string, unknown>) {
  const matched = await queryRows<{ one: number }>(
    wh,
    `SELECT 1 AS one FROM ${tableRef(wh, table)} WHERE ${where} LIMIT 1`,
    params,
  );
  if (matched.length === 0) return;
  const target = wh.cluster ? `${tableRef(wh, table)}_local ON CLUSTER ${wh.cluster}` : tableRef(wh, table);
  await exec(wh, `DELETE FROM ${target} WHERE ${where}`, params);
}
