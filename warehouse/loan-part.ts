import { joinSql, param, sql, trusted, type Sql } from './sql.ts';

/**
 * One part of the loans: a heavy reader splits its work into parts so other statements run
 * between them (api/query-gate.ts), and a whole rebuild into passes of bounded memory.
 * - by hash of the id (cityHash64(loan_id) % count = index): even parts of any column, the
 *   snapshot's passes;
 * - by a range of ids (`range`, [from, to), null open): for a reader of tables ordered by loan_id
 *   (or by month and loan_id, one month read), each part reads only its own granules — parts by
 *   hash each read every granule and hash every id, so four parts cost four passes.
 */
export interface LoanPart {
  count: number;
  index: number;
  range?: { from: string | null; to: string | null };
}
export const wholeBook: LoanPart = { count: 1, index: 0 };

/** The part as a condition on a loan id column. */
export const inLoanPart = (column: string, part: LoanPart = wholeBook): Sql => {
  if (!part.range)
    return sql`cityHash64(${trusted(column)}) % ${param(part.count, 'UInt32')} = ${param(part.index, 'UInt32')}`;
  const { from, to } = part.range;
  const bounds = [
    ...(from === null ? [] : [sql`${trusted(column)} >= ${param(from, 'String')}`]),
    ...(to === null ? [] : [sql`${trusted(column)} < ${param(to, 'String')}`]),
  ];
  return bounds.length ? sql`(${joinSql(bounds, ' AND ')})` : trusted('1');
};

/** Consecutive range parts cut at `boundaries` (ascending in the engine's byte order; the first part is open below, the last above). */
export function rangeParts(boundaries: readonly string[]): LoanPart[] {
  const edges = [null, ...boundaries, null];
  return boundaries.length === 0
    ? [wholeBook]
    : edges.slice(0, -1).map((from, index) => ({
        count: edges.length - 1,
        index,
        range: { from, to: edges[index + 1]! },
      }));
}

/** How many parts keep each at most `perPass` loans (one when no bound is set). */
export const passesFor = (loans: number, perPass?: number) => (perPass ? Math.max(1, Math.ceil(loans / perPass)) : 1);
