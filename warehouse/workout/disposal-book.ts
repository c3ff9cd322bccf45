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
 * The book's recovery curves without the product: the products' curves added up by cohort and month
 * since default. Their measures (EAD, cash recovered, defaulted loans, cumulated along the months)
 * are sums, so this is the pooled run of `recovery` — in cents, exactly — without reading the
 * defaults and their cash a second time.
 */
export function pooledCurves(byProduct: readonly MetricRow[]): MetricRow[] {
  const cents = (v: unknown) => Math.round(num(v) * 100);
  const pooled = new Map<
    string,
    { default_cohort: string; months_since_default: number; ead: number; recovered: number; defaulted_loans: number }
  >();
  for (const r of byProduct) {
    const key = `${str(r.default_cohort)}|${num(r.months_since_default)}`;
    const p = pooled.get(key) ?? {
      default_cohort: str(r.default_cohort),
      months_since_default: num(r.months_since_default),
      ead: 0,
      recovered: 0,
      defaulted_loans: 0,
    };
    p.ead += cents(r.ead);
    p.recovered += cents(r.recovered);
    p.defaulted_loans += num(r.defaulted_loans);
    pooled.set(key, p);
  }
  return [...pooled.values()].map((p) => ({ ...p, ead: p.ead / 100, recovered: p.recovered / 100 }));
}

/**
 * The book's evidence, from catalogue metrics over the whole book (a segment's own few sales would
 * be noise): recovery curves pooled and by product, restructure outcomes by months after, and
 * every realised collateral and debt sale.
 */
export async function bookEvidence(run: RunMetric): Promise<BookEvidence> {
  // one after the other: the embedded engine runs one statement at a time, and side by side they
  // only contend for its threads and memory
  const byProduct = await run('recovery', {
    group_by: ['default_cohort', 'months_since_default', 'product'],
    basis: 'balance',
  });
  const restructures = await run('restructure_outcomes', { group_by: ['months_after'] });
  const sales = await run('disposal_sales', { group_by: ['event_id', 'kind', 'product'] });
  const curveRow = (r: MetricRow, product?: string) => ({
    default_cohort: str(r.default_cohort),
    months_since_default: num(r.months_since_default),
    ...(product === undefined ? {} : { product }),
    ead: num(r.ead),
    recovered: num(r.recovered),
    defaulted_loans: num(r.defaulted_loans),
  });
  return {
    recovery: [
      ...pooledCurves(byProduct.rows).map((r) => curveRow(r)),
      ...byProduct.rows.map((r) => curveRow(r, str(r.product))),
    ],
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

/**
 * The loans past the stage at the as-of month-end (filtered as asked), each with its options valued
 * (and each option's basis in words, unless `explain` is false: valueLoan).
 */
export async function valueBook(
  run: RunMetric,
  terms: DisposalTerms,
  filters: LoanFilters,
  { explain = true }: { explain?: boolean } = {},
): Promise<LoanDisposal[]> {
  const evidence = await bookEvidence(run);
  const candidates = await run('disposal_candidates', {
    ...filters,
    // the active loans past the stage only (55,000 of 95,000 on the 1M book): the rest would be sent to Node to be dropped
    dpd_over: terms.stage.min_dpd,
    group_by: ['loan_id', 'product', 'region', 'status'],
  });
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
    .map((l) => valueLoan(l, estimate(l), terms, explain));
}
