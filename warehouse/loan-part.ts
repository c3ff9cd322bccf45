import { param, sql, trusted, type Sql } from './sql.ts';

/**
 * One part of the loans, by hash of the id (cityHash64(loan_id) % count = index): a heavy reader
 * splits its work into parts so other statements run between them (api/query-gate.ts), and a
 * whole rebuild into passes of bounded memory.
 */
export interface LoanPart {
  count: number;
  index: number;
}
export const wholeBook: LoanPart = { count: 1, index: 0 };

/** The part as a condition on a loan id column. */
export const inLoanPart = (column: string, part: LoanPart = wholeBook): Sql =>
  sql`cityHash64(${trusted(column)}) % ${param(part.count, 'UInt32')} = ${param(part.index, 'UInt32')}`;

/** How many parts keep each at most `perPass` loans (one when no bound is set). */
export const passesFor = (loans: number, perPass?: number) => (perPass ? Math.max(1, Math.ceil(loans / perPass)) : 1);
