import type { Basis, RatioDef } from '../definition.ts';

/** Loan attributes every loan-level source carries, as group-by dimensions. */
export const loanDims = {
  product: 'product',
  region: 'region',
  branch: 'branch',
  channel: 'channel',
  cohort: 'cohort',
} as const;

/** Ratios `<name>` = measure ÷ one shared denominator, for each [name, measure] pair. */
export function ratiosOver<const P extends readonly (readonly [string, string])[]>(
  denominator: string,
  label: string | Record<Basis, string>,
  pairs: P,
): Record<P[number][0], RatioDef> {
  return Object.fromEntries(
    pairs.map(([name, numerator]) => [name, { numerator, denominator, denominatorLabel: label }]),
  ) as Record<P[number][0], RatioDef>;
}

/** A measure's weight, the same SQL on either basis (a count of loans, a stored figure). */
export const both = (sql: string) => ({ weight: { balance: sql, count: sql } });
