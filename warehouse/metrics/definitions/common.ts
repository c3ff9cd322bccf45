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
export function ratiosOver(
  denominator: string,
  label: string | Record<Basis, string>,
  pairs: [string, string][],
): Record<string, RatioDef> {
  return Object.fromEntries(
    pairs.map(([name, numerator]) => [name, { numerator, denominator, denominatorLabel: label }]),
  );
}
