import { BeforeTheDataError, firstSnapshotMonthEnd, lastSnapshotMonthEnd } from '../../../warehouse/data-horizon.ts';
import type { Warehouse } from '../../../warehouse/connection.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { UserError } from '../../../lib/user-error.ts';
import { monthEndOf, addMonthEnds } from '../../../lib/dates.ts';
import type { DisposalTerms } from '../../../warehouse/workout/disposal-terms.ts';
import { valueBook, type LoanFilters } from '../../../warehouse/workout/disposal-book.ts';
import { disposalOptions, type LoanDisposal } from '../../../warehouse/workout/disposal-value.ts';

/** The month-end a date's disposal options are valued at: the date if it is one, else the month-end before it. */
export const valuationMonthEnd = (asOf: string) => (monthEndOf(asOf) === asOf ? asOf : addMonthEnds(asOf, -1));

/**
 * Disposal options of every loan past the terms' stage at the month-end on or before the date,
 * largest balance first: the same valuation as the `disposal_options` metric (valueBook), with
 * the given terms.
 */
export async function disposalList(
  wh: Warehouse,
  asOf: string,
  terms: DisposalTerms,
  filters: LoanFilters = {},
): Promise<{ monthEnd: string; loans: LoanDisposal[] }> {
  const monthEnd = valuationMonthEnd(asOf);
  const last = await lastSnapshotMonthEnd(wh);
  if (!last) throw new UserError('no snapshot yet: run `loanwatch snapshot --as-of …` first');
  if (monthEnd > last)
    throw new UserError(`disposal options as of ${asOf} need the ${monthEnd} month-end; the snapshot ends at ${last}`);
  // a day of the data's first month is valued at the month-end before it: an empty list read as a book without late loans
  const first = await firstSnapshotMonthEnd(wh);
  if (first && monthEnd < first)
    throw new BeforeTheDataError(
      `disposal options as of ${asOf} are valued at the ${monthEnd} month-end, before the snapshot's first ${first}: there is nothing to value`,
      { hint: `use --as-of ${first} or later` },
    );
  const loans = await valueBook(
    (name, request) => runMetric(wh, name, { ...request, as_of: monthEnd }),
    terms,
    filters,
  );
  loans.sort((a, b) => b.loan.balance - a.loan.balance || a.loan.loan_id.localeCompare(b.loan.loan_id));
  return { monthEnd, loans };
}

/** One flat row per loan (CSV, the API): each option's value and months, the recommendation, its margin and the estimates' sources. */
export function disposalRow(d: LoanDisposal) {
  const option = (o: (typeof disposalOptions)[number]) => d.options.find((x) => x.option === o)!;
  const value = (o: (typeof disposalOptions)[number]) => (option(o).available ? option(o).value : null);
  const months = (o: (typeof disposalOptions)[number]) =>
    option(o).available ? Math.round(option(o).months * 10) / 10 : null;
  return {
    loan_id: d.loan.loan_id,
    product: d.loan.product,
    region: d.loan.region,
    status: d.loan.status,
    dpd: d.loan.dpd,
    balance: d.loan.balance,
    months_since_default: d.loan.months_since_default,
    collateral_value: d.loan.collateral_value,
    recommended: d.recommended,
    margin: d.margin,
    next_best: d.next_best,
    collection_value: value('collection'),
    collection_months: months('collection'),
    restructure_value: value('restructure'),
    restructure_months: months('restructure'),
    collateral_sale_value: value('collateral_sale'),
    collateral_sale_months: months('collateral_sale'),
    debt_sale_value: value('debt_sale'),
    debt_sale_months: months('debt_sale'),
    write_off_value: value('write_off'),
    collection_basis: option('collection').basis,
    restructure_basis: option('restructure').basis,
    collateral_sale_basis: option('collateral_sale').basis,
    debt_sale_basis: option('debt_sale').basis,
  };
}
export type DisposalRow = ReturnType<typeof disposalRow>;
export const disposalColumns = Object.keys(
  disposalRow({
    loan: {
      loan_id: '',
      product: '',
      region: '',
      status: 'active',
      dpd: 0,
      balance: 0,
      months_since_default: 0,
      collateral_value: null,
    },
    options: disposalOptions.map((option) => ({ option, available: false, value: 0, months: 0, basis: '' })),
    recommended: 'write_off',
    margin: 0,
    next_best: null,
  }),
) as (keyof DisposalRow)[];
/** the amounts among them (balance, collateral, each option's value, the margin), written to the cent */
export const disposalMoneyColumns = disposalColumns.filter(
  (c) => c === 'balance' || c === 'collateral_value' || c === 'margin' || c.endsWith('_value'),
);
