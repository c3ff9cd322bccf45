import type { MetricColumn, MetricRequest, MetricRow } from '../metrics/definition.ts';
import type { DisposalTerms } from './disposal-terms.ts';
import { estimator, type BookEvidence, type SaleRow } from './disposal-evidence.ts';
import { valueLoan, type DisposalLoan, type LoanDisposal } from './disposal-value.ts';

/** Runs a catalogue metric at the as-of month-end (runMetric, or a derived metric's `run`). */
export type RunMetric = (
  name: string,
  request: Partial<MetricRequest>,
) => Promise<{ columns: MetricColumn[]; rows: MetricRow[] }>;

export type LoanFilters = Pick<
  MetricRequest,
  'product' | 'region' | 'branch' | 'channel' | 'cohort_from' | 'cohort_to'
>;

const num = (v: unknown) => (v === null || v === undefined || v === '' ? 0 : Number(v));
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * The book's evidence, from catalogue metrics over the whole book (a segment's own few sales would
 * be noise): recovery curves pooled and by product, restructure outcomes by months after, and
 * every realised collateral and debt sale.
 */
export async function bookEvidence(run: RunMetric): Promise<BookEvidence> {
  const [pooled, byProduct, restructures, sales] = await Promise.all([
    run('recovery', { group_by: ['default_cohort', 'months_since_default'], basis: 'balance' }),
    run('recovery', { group_by: ['default_cohort', 'months_since_default', 'product'], basis: 'balance' }),
    run('restructure_outcomes', { group_by: ['months_after'] }),
    run('disposal_sales', { group_by: ['event_id', 'kind', 'product'] }),
  ]);
  const curveRow = (r: MetricRow, product?: string) => ({
    default_cohort: str(r.default_cohort),
    months_since_default: num(r.months_since_default),
    ...(product === undefined ? {} : { product }),
    ead: num(r.ead),
    recovered: num(r.recovered),
    defaulted_loans: num(r.defaulted_loans),
  });
  return {
    recovery: [...pooled.rows.map((r) => curveRow(r)), ...byProduct.rows.map((r) => curveRow(r, str(r.product)))],
    restructures: restructures.rows.map((r) => ({
      months_after: num(r.months_after),
      events: num(r.events),
      balance: num(r.balance),
      cash: num(r.cash),
      cured: num(r.cured),
    })),
    sales: sales.rows.map((r): SaleRow => ({
      kind: str(r.kind) === 'collateral_sale' ? 'collateral_sale' : 'debt_sale',
      product: str(r.product),
      dpd: num(r.dpd_at_sale),
      proceeds: num(r.proceeds),
      collateral_value: num(r.collateral_value),
      balance: num(r.balance_at_sale),
      months_after_default: num(r.months_after_default),
    })),
  };
}

/** Whether a loan is past the terms' stage: DPD above the minimum, or charged off with the workout open. */
export const pastStage = (loan: DisposalLoan, t: DisposalTerms) =>
  loan.status === 'charged_off' ? t.stage.include_charged_off : loan.dpd > t.stage.min_dpd;

/** The loans past the stage at the as-of month-end (filtered as asked), each with its options valued. */
export async function valueBook(run: RunMetric, terms: DisposalTerms, filters: LoanFilters): Promise<LoanDisposal[]> {
  const [evidence, candidates] = await Promise.all([
    bookEvidence(run),
    run('disposal_candidates', { ...filters, group_by: ['loan_id', 'product', 'region', 'status'] }),
  ]);
  const estimate = estimator(evidence, terms);
  return candidates.rows
    .map((r): DisposalLoan => ({
      loan_id: str(r.loan_id),
      product: str(r.product),
      region: str(r.region),
      status: str(r.status) === 'charged_off' ? 'charged_off' : 'active',
      dpd: num(r.dpd),
      balance: num(r.balance),
      months_since_default: num(r.months_since_default),
      collateral_value: num(r.collateral_value) > 0 ? num(r.collateral_value) : null,
    }))
    .filter((l) => l.balance > 0 && pastStage(l, terms))
    .map((l) => valueLoan(l, estimate(l), terms));
}
