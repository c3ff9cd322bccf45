import { querySql, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { rangeParts, type LoanPart } from './loan-part.ts';
import { param, sql, trusted } from './sql.ts';

/**
 * The loans in `count` ranges of ids, cut so each range holds about as many rows of `rowsOf` (a
 * table ordered by loan id first: `loans` for equal numbers of loans, `payments` for equal numbers
 * of payments, which older loans have more of). The tables a per-loan step reads are ordered by loan
 * id, so a range part reads only its own granules of them: parts by hash each read every granule of
 * every input, so n parts cost n reads of the book and a step in bounded passes grew with the square
 * of the book.
 */
export async function loanRangeParts(
  wh: Warehouse,
  count: number,
  rowsOf: 'loans' | 'payments' = 'loans',
  /** the table's row count, when the caller has just read it */
  rows?: number,
): Promise<LoanPart[]> {
  const table = trusted(tableRef(wh, rowsOf));
  const n = rows ?? Number((await querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM ${table}`))[0]?.n ?? 0);
  if (n === 0) return rangeParts([]);
  const at = async (offset: number) => {
    const [b] = await querySql<{ loan_id: string }>(
      wh,
      sql`SELECT loan_id FROM ${table} ORDER BY loan_id LIMIT 1 OFFSET ${param(offset, 'UInt64')}`,
    );
    return b?.loan_id;
  };
  // every cut asked at once: the engine runs them back to back, not each after Node took the last
  const [first, ...cuts] = await Promise.all(
    Array.from({ length: Math.max(1, count) }, (_, k) => at(Math.floor((k * n) / count))),
  );
  const boundaries: string[] = [];
  // a cut at the first id would leave the part below it empty
  let previous = first;
  for (const id of cuts) {
    if (previous === undefined) break;
    // ids come in the engine's order: one loan's rows at two offsets (a loan with many payments, more
    // parts than loans) make one cut, not an empty part
    if (id !== undefined && id !== previous) boundaries.push((previous = id));
  }
  return rangeParts(boundaries);
}
