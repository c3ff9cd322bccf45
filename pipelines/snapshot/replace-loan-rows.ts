import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sql, trusted, type Sql } from '../../warehouse/sql.ts';

/** Completes a replacement begun by beginLoanRowsReplacement: `fill` inserts the loans' new rows. */
export type FinishReplacement = (fill: (into: string) => Promise<void>) => Promise<void>;

/**
 * Replaces the rows of some loans in a table, readers seeing the old table or the new, never half:
 * a copy beside the live table shares its data parts (ATTACH PARTITION ALL FROM hard-links them:
 * nothing is copied), loses the loans' rows there (a lightweight DELETE, a mask over the shared
 * parts, which the live table does not see), receives their new rows, and is swapped in (EXCHANGE,
 * atomic). A run killed at any step leaves the live table as it was (or already swapped whole); the
 * next run drops the leftover copy.
 *
 * The DELETE is a mutation that rewrites the mask of every part (1–4 s on the 12M rows of
 * loan_month at 1M loans, whatever the number of loans), so it is only started here and runs in
 * the engine's background pool while the caller computes the new rows; the returned step inserts
 * them (new parts, which a mutation begun before them does not touch), waits for the DELETE and
 * swaps the copy in. The live table must not change in between (only a snapshot writes it).
 *
 * Chosen over a DELETE + INSERT on the live table (readers would see the loans missing in between,
 * and a kill would leave them missing), a ReplacingMergeTree version (every reader of loan_month
 * would need FINAL) and a partition swap (a loan's rows span every year partition: each would be
 * rewritten whole). Not for a cluster: EXCHANGE there must run per node (docs/operations.md).
 */
export async function beginLoanRowsReplacement(wh: Warehouse, table: string, loans: Sql): Promise<FinishReplacement> {
  const live = tableRef(wh, table);
  const nextName = `${table}_next`;
  const next = tableRef(wh, nextName);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  await exec(wh, `ALTER TABLE ${next} ATTACH PARTITION ALL FROM ${live}`);
  await execSql(wh, sql`DELETE FROM ${trusted(next)} WHERE loan_id IN (${loans})`, { lightweight_deletes_sync: 0 });
  return async (fill) => {
    await fill(next);
    await awaitMutations(wh, nextName);
    await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
    await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  };
}

/** Waits until the table has no unfinished mutation; a mutation that failed is an error. */
async function awaitMutations(wh: Warehouse, table: string): Promise<void> {
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    const pending = await queryRows<{ reason: string }>(
      wh,
      `SELECT latest_fail_reason AS reason FROM system.mutations
       WHERE database = {db:String} AND table = {t:String} AND NOT is_done`,
      { db: wh.database, t: table },
    );
    if (pending.length === 0) return;
    const failed = pending.find((m) => m.reason !== '');
    if (failed) throw new Error(`deleting the refreshed loans' rows from ${table} failed: ${failed.reason}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
