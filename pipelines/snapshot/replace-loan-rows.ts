import { exec, execSql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sql, trusted, type Sql } from '../../warehouse/sql.ts';

/**
 * Replaces the rows of some loans in a table, readers seeing the old table or the new, never half:
 * a copy beside the live table shares its data parts (ATTACH PARTITION ALL FROM hard-links them:
 * nothing is copied), loses the loans' rows there (a lightweight DELETE, a mask over the shared
 * parts, which the live table does not see), receives their new rows, and is swapped in (EXCHANGE,
 * atomic). A run killed at any step leaves the live table as it was (or already swapped whole); the
 * next run drops the leftover copy.
 *
 * Chosen over a DELETE + INSERT on the live table (readers would see the loans missing in between,
 * and a kill would leave them missing), a ReplacingMergeTree version (every reader of loan_month
 * would need FINAL) and a partition swap (a loan's rows span every year partition: each would be
 * rewritten whole). Not for a cluster: EXCHANGE there must run per node (docs/operations.md).
 */
export async function replaceLoanRows(
  wh: Warehouse,
  table: string,
  loans: Sql,
  fill: (into: string) => Promise<void>,
): Promise<void> {
  const live = tableRef(wh, table);
  const next = tableRef(wh, `${table}_next`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  await exec(wh, `ALTER TABLE ${next} ATTACH PARTITION ALL FROM ${live}`);
  await execSql(wh, sql`DELETE FROM ${trusted(next)} WHERE loan_id IN (${loans})`);
  await fill(next);
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
}
