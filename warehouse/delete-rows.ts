import { exec, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';

/**
 * Lightweight DELETE of the rows a re-run replaces (scores of a month, warnings of a date …).
 * On a cluster a Distributed table takes no DELETE, so it runs on every shard's local table.
 * `where` is fixed SQL from the caller; values come only through `params`.
 */
export async function deleteRows(wh: Warehouse, table: string, where: string, params: Record<string, unknown>) {
  const target = wh.cluster ? `${tableRef(wh, table)}_local ON CLUSTER ${wh.cluster}` : tableRef(wh, table);
  await exec(wh, `DELETE FROM ${target} WHERE ${where}`, params);
}
