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
): Promise<LoanPart[]> {
  const table = trusted(tableRef(wh, rowsOf));
  const [r] = await querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM ${table}`);
  const n = Number(r?.n ?? 0);
  const at = async (offset: number) => {
    const [b] = await querySql<{ loan_id: string }>(
      wh,
      sql`SELECT loan_id FROM ${table} ORDER BY loan_id LIMIT 1 OFFSET ${param(offset, 'UInt64')}`,
    );
    return b?.loan_id;
  };
  const boundaries: string[] = [];
  // a cut at the first id would leave the part below it empty
  let previous = n > 0 ? await at(0) : undefined;
  for (let k = 1; k < count && previous !== undefined; k++) {
    const id = await at(Math.floor((k * n) / count));
    // ids come in the engine's order: one loan's rows at two offsets (a loan with many payments, more
    // parts than loans) make one cut, not an empty part
    if (id !== undefined && id !== previous) boundaries.push((previous = id));
  }
  return rangeParts(boundaries);
}
