import type { DisposalTerms } from './disposal-terms.ts';
import type { DisposalLoan, Estimates, Provenance } from './disposal-value.ts';

/**
 * From the book's observations to the estimates a loan's options are valued with. Each estimate
 * is the book's when it has at least `min_observations` behind it (for a debt-sale price: the
 * loan's DPD band × product, else the band over all products), else the terms' fallback; the
 * Provenance says which, with n and the observed value.
 */

/** A row of the `recovery` metric grouped by default_cohort × months_since_default (× product): cumulative per cohort. */
export interface RecoveryCurveRow {
  default_cohort: string;
  months_since_default: number;
  product?: string;
  ead: number;
  recovered: number;
  defaulted_loans: number;
}

/** A row of `restructure_outcomes`: restructures observed k months after, their balance then, cash in month k, cured at month-end k. */
export interface RestructureRow {
  months_after: number;
  events: number;
  balance: number;
  cash: number;
  cured: number;
}

/** A realised collateral_sale or debt_sale event (`disposal_sales`). */
export interface SaleRow {
  kind: 'collateral_sale' | 'debt_sale';
  product: string;
  /** DPD at the sale (estimated from the last month-end row before it) */
  dpd: number;
  proceeds: number;
  collateral_value: number;
  /** what was owed at the sale: EAD less cash between default and the sale */
  balance: number;
  months_after_default: number;
}

export interface BookEvidence {
  recovery: RecoveryCurveRow[];
  restructures: RestructureRow[];
  sales: SaleRow[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fallback = (what: string, n: number, min: number): Provenance => ({
  source: 'config',
  n,
  basis: `config fallback: ${n} ${what} in the book, fewer than ${min}`,
});

interface Curve {
  rates: number[];
  loans: number;
  ead: number;
  /** at k: the defaulted loans of the cohorts that reached k, whose cash the rate at k rests on */
  followed: number[];
}

/** Pooled cumulative curve: at k, the cash to k of the cohorts that reached k over their EAD; made non-decreasing. */
export function pooledCurve(rows: readonly RecoveryCurveRow[], horizon: number): Curve {
  const byK = new Map<number, { ead: number; recovered: number; loans: number }>();
  let loans = 0;
  let ead = 0;
  for (const r of rows) {
    if (r.months_since_default === 0) {
      loans += r.defaulted_loans;
      ead += r.ead;
    }
    if (r.months_since_default > horizon) continue;
    const s = byK.get(r.months_since_default) ?? { ead: 0, recovered: 0, loans: 0 };
    s.ead += r.ead;
    s.recovered += r.recovered;
    s.loans += r.defaulted_loans;
    byK.set(r.months_since_default, s);
  }
  const rates: number[] = [];
  const followed: number[] = [];
  let last = 0;
  for (let k = 0; k <= horizon; k++) {
    const s = byK.get(k);
    if (!s || s.ead <= 0) break;
    last = Math.max(last, s.recovered / s.ead);
    rates.push(last);
    followed.push(s.loans);
  }
  return { rates, loans, ead, followed };
}

/**
 * How far a curve's evidence reaches: the loans followed to its last month, and the months resting
 * on fewer than `min` loans. Young cohorts reach only the early months, so a curve of 58 loans may
 * rest on one at its tail; the basis says so rather than lending the tail the 58.
 */
export function curveReach(c: Pick<Curve, 'rates' | 'followed'>, min: number): string {
  const last = c.rates.length - 1;
  const atLast = `${c.followed[last]} followed to month ${last}`;
  const thinFrom = c.followed.findIndex((n) => n < min);
  if (thinFrom < 0) return `${atLast}, every month on at least ${min}`;
  const months = thinFrom === last ? `month ${last} rests` : `months ${thinFrom}–${last} rest`;
  return `${atLast}; ${months} on fewer than ${min} loans`;
}

/** The fallback curve: linear between its points, flat after the last. */
export function fallbackCurve(points: DisposalTerms['collection']['fallback_curve'], horizon: number): number[] {
  const rates: number[] = [];
  for (let k = 0; k <= horizon; k++) {
    const next = points.findIndex((p) => p.months >= k);
    if (next < 0) rates.push(points[points.length - 1]!.rate);
    else if (next === 0) rates.push(points[0]!.months === k ? points[0]!.rate : 0);
    else {
      const a = points[next - 1]!;
      const b = points[next]!;
      rates.push(a.rate + ((b.rate - a.rate) * (k - a.months)) / (b.months - a.months));
    }
  }
  return rates;
}

/** The band a DPD falls in: the last whose lower edge it reaches (below the first: the first). */
export const bandOf = (dpd: number, edges: readonly number[]) => {
  let band = 0;
  edges.forEach((e, i) => {
    if (dpd >= e) band = i;
  });
  return band;
};

/** Estimates per loan from the book's evidence, computed once per product and band. */
export function estimator(evidence: BookEvidence, t: DisposalTerms): (loan: DisposalLoan) => Estimates {
  const min = t.min_observations;
  const horizon = t.collection.horizon_months;

  const curveOf = (rows: RecoveryCurveRow[], label: string) => {
    const c = pooledCurve(rows, horizon);
    return c.loans >= min && c.rates.length > 0
      ? {
          curve: c.rates,
          from: {
            source: 'book',
            n: c.loans,
            basis: `book: ${c.loans} defaulted loans${label}, EAD ${c.ead.toFixed(2)}, ${pct(c.rates[c.rates.length - 1]!)} recovered by month ${c.rates.length - 1}; ${curveReach(c, min)}`,
          } satisfies Provenance,
        }
      : null;
  };
  const pooled = curveOf(
    evidence.recovery.filter((r) => r.product === undefined),
    '',
  );
  const pooledLoans = pooledCurve(
    evidence.recovery.filter((r) => r.product === undefined),
    horizon,
  ).loans;
  const productCurves = new Map<string, ReturnType<typeof curveOf>>();
  const curveFor = (product: string) => {
    if (!productCurves.has(product))
      productCurves.set(
        product,
        curveOf(
          evidence.recovery.filter((r) => r.product === product),
          ` of ${product}`,
        ),
      );
    return (
      productCurves.get(product) ??
      pooled ?? {
        curve: fallbackCurve(t.collection.fallback_curve, horizon),
        from: fallback('defaulted loans', pooledLoans, min),
      }
    );
  };

  // restructures: the chain of monthly shares to the plan's length, over those observed that long
  const plan = t.restructure.plan_months;
  const byMonth = new Map(evidence.restructures.map((r) => [r.months_after, r]));
  const observed = byMonth.get(plan)?.events ?? 0;
  let share = 0;
  let cured = 0;
  for (let k = 1; k <= plan; k++) {
    const r = byMonth.get(k);
    if (r && r.balance > 0) share += r.cash / r.balance;
    if (k === Math.min(plan, 6) && r && r.events > 0) cured = r.cured / r.events;
  }
  const repaid =
    observed >= min
      ? {
          share,
          from: {
            source: 'book',
            n: observed,
            basis: `book: ${observed} restructures observed ${plan} months, ${pct(share)} of the balance repaid, ${pct(cured)} current ${Math.min(plan, 6)} months after`,
          } satisfies Provenance,
        }
      : {
          share: t.restructure.fallback_repaid_share,
          from: fallback(`restructures observed ${plan} months`, observed, min),
        };

  const collateral = evidence.sales.filter((s) => s.kind === 'collateral_sale' && s.collateral_value > 0);
  const value = collateral.reduce((a, s) => a + s.collateral_value, 0);
  const proceeds = collateral.reduce((a, s) => a + s.proceeds, 0);
  const months = collateral.reduce((a, s) => a + s.months_after_default, 0);
  const bookSales = collateral.length >= min && value > 0;
  const haircut = bookSales
    ? {
        v: Math.max(0, 1 - proceeds / value),
        from: {
          source: 'book',
          n: collateral.length,
          basis: `book: ${collateral.length} collateral sales, proceeds ${pct(proceeds / value)} of value`,
        } satisfies Provenance,
      }
    : { v: t.collateral.fallback_haircut, from: fallback('collateral sales', collateral.length, min) };
  const toSale = bookSales
    ? {
        v: months / collateral.length,
        from: {
          source: 'book',
          n: collateral.length,
          basis: `book: ${collateral.length} collateral sales, ${(months / collateral.length).toFixed(1)} months after default on average`,
        } satisfies Provenance,
      }
    : { v: t.collateral.fallback_months_to_sale, from: fallback('collateral sales', collateral.length, min) };

  const edges = t.debt_sale.fallback_prices.map((b) => b.dpd_from);
  const debt = evidence.sales.filter((s) => s.kind === 'debt_sale' && s.balance > 0);
  const priceOf = (sales: SaleRow[], label: string) => {
    const bal = sales.reduce((a, s) => a + s.balance, 0);
    const paid = sales.reduce((a, s) => a + s.proceeds, 0);
    return sales.length >= min && bal > 0
      ? {
          v: paid / bal,
          from: {
            source: 'book',
            n: sales.length,
            basis: `book: ${sales.length} debt sales${label}, price ${pct(paid / bal)} of balance`,
          } satisfies Provenance,
        }
      : null;
  };
  const prices = new Map<string, { v: number; from: Provenance }>();
  const priceFor = (product: string, dpd: number) => {
    const band = bandOf(dpd, edges);
    const key = `${band}\u0000${product}`;
    let p = prices.get(key);
    if (!p) {
      const inBand = debt.filter((s) => bandOf(s.dpd, edges) === band);
      const label = `at DPD ${edges[band]}+`;
      p = priceOf(
        inBand.filter((s) => s.product === product),
        ` of ${product} ${label}`,
      ) ??
        priceOf(inBand, ` ${label}`) ?? {
          v: t.debt_sale.fallback_prices[band]!.price,
          from: fallback(`debt sales at DPD ${edges[band]}+`, inBand.length, min),
        };
      prices.set(key, p);
    }
    return p;
  };

  return (loan) => {
    const c = curveFor(loan.product);
    const price = priceFor(loan.product, loan.dpd);
    return {
      curve: c.curve,
      curveFrom: c.from,
      repaidShare: repaid.share,
      repaidFrom: repaid.from,
      haircut: haircut.v,
      haircutFrom: haircut.from,
      monthsToSale: toSale.v,
      monthsToSaleFrom: toSale.from,
      debtPrice: price.v,
      debtPriceFrom: price.from,
    };
  };
}
