import { readFileSync } from 'node:fs';
import { exec, type Warehouse } from '../../warehouse/connection.ts';

/**
 * A payments Parquet file of 500 rows written by the engine at `path`, and its bytes: cut at its
 * start, its footer still reads (the check before a run passes) and its data does not (the file
 * fails at its load).
 */
export async function paymentsParquet(wh: Warehouse, path: string): Promise<Buffer> {
  await exec(
    wh,
    `INSERT INTO FUNCTION file({p:String}, 'Parquet') SELECT toString(number) AS payment_id, 'L1' AS loan_id,
      '2024-01-15' AS paid_date, '10.00' AS amount FROM numbers(500) SETTINGS engine_file_truncate_on_insert = 1`,
    { p: path },
  );
  return readFileSync(path);
}

/** The second half of a Parquet file's bytes: fails at its load, not at the check before the run. */
export const cutAtItsStart = (whole: Buffer): Buffer => whole.subarray(Math.floor(whole.length / 2));
