import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultDisposalTerms, parseDisposalTerms } from '../../../../warehouse/workout/disposal-terms.ts';
import {
  collateralValue,
  collectionValue,
  debtSaleValue,
  discount,
  disposalOptions,
  restructureValue,
  valueLoan,
  writeOffValue,
  type DisposalLoan,
  type Estimates,
} from '../../../../warehouse/workout/disposal-value.ts';
import {
  bandOf,
  curveReach,
  estimator,
  fallbackCurve,
  pooledCurve,
} from '../../../../warehouse/workout/disposal-evidence.ts';

const t = parseDisposalTerms({ discount_rate: 0.12, collection: { horizon_months: 4, cost_rate: 0.1 } });
const loan = (o: Partial<DisposalLoan> = {}): DisposalLoan => ({
  loan_id: 'L1',
  product: 'consumer',
  region: 'east',
  status: 'active',
  dpd: 120,
  balance: 10_000,
  months_since_default: 1,
  collateral_value: null,
  ...o,
});
const from = { source: 'book' as const, n: 9, basis: 'hand' };
const est = (o: Partial<Estimates> = {}): Estimates => ({
  curve: [0, 0.1, 0.2, 0.3, 0.35],
  curveFrom: from,
  repaidShare: 0.6,
  repaidFrom: from,
  haircut: 0.3,
  haircutFrom: from,
  monthsToSale: 7,
  monthsToSaleFrom: from,
  debtPrice: 0.12,
  debtPriceFrom: from,
  ...o,
});
const d = (months: number) => 1.12 ** (-months / 12);
const cents = (x: number) => Math.round(x * 100) / 100;

describe('option values (hand-computed, 12% a year)', () => {
  it('discounts at (1 + r)^(−months/12)', () => {
    expect(discount(0.12, 12)).toBeCloseTo(1 / 1.12, 12);
    expect(discount(0.12, 0)).toBe(1);
  });

  it('collection follows the curve from the months since default to the horizon, less its cost', () => {
    // months since default 1, horizon 4: months 2, 3, 4 bring 10%, 10%, 5% of 10,000
    const v = collectionValue(loan(), est(), t);
    expect(v.value).toBe(cents(0.9 * (1000 * d(1) + 1000 * d(2) + 500 * d(3))));
    expect(v.months).toBeCloseTo((1000 * 1 + 1000 * 2 + 500 * 3) / 2500, 12);
    // at the horizon already: nothing left to collect
    expect(collectionValue(loan({ months_since_default: 4 }), est(), t).value).toBe(0);
    // past the curve's last point it is flat: no cash
    expect(collectionValue(loan(), est({ curve: [0, 0.1] }), t).value).toBe(0);
  });

  it('a restructure repays its share evenly over the plan, less the set-up cost', () => {
    const p = t.restructure.plan_months;
    let pv = 0;
    for (let j = 1; j <= p; j++) pv += (10_000 * 0.6 * d(j)) / p;
    const v = restructureValue(loan(), est(), t);
    expect(v.value).toBe(cents(pv - 200));
    expect(v.months).toBe((p + 1) / 2);
  });

  it('a collateral sale nets value × (1 − haircut) × (1 − costs), at most the balance, at the months left to a sale', () => {
    const v = collateralValue(loan({ collateral_value: 8000 }), est(), t);
    // 8000 × 0.7 × 0.95 = 5320, sale 7 − 1 = 6 months from now
    expect(v.value).toBe(cents(5320 * d(6)));
    expect(v.months).toBe(6);
    // capped at the balance
    expect(collateralValue(loan({ collateral_value: 100_000 }), est(), t).value).toBe(cents(10_000 * d(6)));
    // a sale takes at least min_months_to_sale (3) however late the loan is
    expect(collateralValue(loan({ collateral_value: 8000, months_since_default: 20 }), est(), t).months).toBe(3);
    // no collateral: not an option
    expect(collateralValue(loan(), est(), t).available).toBe(false);
    expect(collateralValue(loan({ collateral_value: 0 }), est(), t).available).toBe(false);
  });

  it('a debt sale is the price at the loan band, paid after months_to_close; a write-off is 0', () => {
    expect(debtSaleValue(loan(), est(), t).value).toBe(cents(1200 * d(1)));
    expect(writeOffValue().value).toBe(0);
  });
});

describe('the recommendation', () => {
  it('is the highest value with its margin over the next best available option', () => {
    const r = valueLoan(loan({ collateral_value: 8000 }), est(), t);
    const values = Object.fromEntries(r.options.map((o) => [o.option, o.value]));
    expect(r.recommended).toBe('restructure');
    expect(values.restructure).toBeGreaterThan(values.collateral_sale!);
    expect(r.next_best).toBe('collateral_sale');
    expect(r.margin).toBe(cents(values.restructure! - values.collateral_sale!));
  });

  it('never recommends an unavailable option, and write-off when everything else is worth nothing', () => {
    const zero = est({ curve: [0], repaidShare: 0, debtPrice: 0 });
    const r = valueLoan(loan(), zero, parseDisposalTerms({ restructure: { cost: 0 } }));
    // all at 0: ties go to the least drastic option
    expect(r.recommended).toBe('collection');
    expect(r.margin).toBe(0);
    const costly = valueLoan(loan(), zero, t);
    expect(costly.options.find((o) => o.option === 'restructure')!.value).toBe(-200);
    expect(costly.recommended).toBe('collection');
    expect(costly.next_best).not.toBe('collateral_sale');
  });

  it("ranks as the definition sorts: highest value first, equal values in the options' order (random loans)", () => {
    // seeded: ties are common here (zero curves, prices and shares, costs that cancel)
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let i = 0; i < 2000; i++) {
      const l = loan({
        balance: pick([0, 150, 10_000, Math.round(rand() * 1e6) / 100]),
        months_since_default: pick([0, 1, 3, 4, 9]),
        collateral_value: pick([null, 0, 5000, Math.round(rand() * 2e6) / 100]),
      });
      const e = est({
        curve: pick([[0], [0, 0.1, 0.2, 0.3, 0.35], [0, rand(), 1]]),
        repaidShare: pick([0, 0.6, rand()]),
        haircut: pick([0, 0.3, 1]),
        debtPrice: pick([0, 0.12, rand()]),
      });
      const terms = pick([t, parseDisposalTerms({ restructure: { cost: 0 } })]);
      const r = valueLoan(l, e, terms, false);
      const order: readonly string[] = disposalOptions;
      // ties go to the earlier option: valueLoan lists them in this order
      expect(r.options.map((o) => o.option)).toEqual(order);
      const sorted = r.options
        .filter((o) => o.available)
        .sort((a, b) => b.value - a.value || order.indexOf(a.option) - order.indexOf(b.option));
      expect(r.recommended).toBe(sorted[0]!.option);
      expect(r.next_best).toBe(sorted[1]?.option ?? null);
      expect(r.margin).toBe(sorted[1] ? cents(sorted[0]!.value - sorted[1].value) : 0);
    }
  });

  it('without the words: the same values, months and recommendation, each basis empty', () => {
    for (const l of [loan(), loan({ collateral_value: 8000, months_since_default: 3 }), loan({ balance: 150 })])
      for (const e of [est(), est({ curve: [0, 0.5], debtPrice: 0.4 }), est({ repaidShare: 0.95, haircut: 0 })]) {
        const told = valueLoan(l, e, t);
        const bare = valueLoan(l, e, t, false);
        const strip = (r: typeof told) => ({ ...r, options: r.options.map(({ basis: _, ...o }) => o) });
        expect(strip(bare)).toEqual(strip(told));
        expect(told.options.filter((o) => o.basis === '')).toEqual([]);
        expect(bare.options.filter((o) => o.available && o.option !== 'write_off').map((o) => o.basis)).toEqual(
          bare.options.filter((o) => o.available && o.option !== 'write_off').map(() => ''),
        );
      }
  });
});

describe('estimates: the book when it has enough observations, else the terms', () => {
  const curveRows = (n: number, product?: string) =>
    [0, 1, 2].map((k) => ({
      default_cohort: '2023-01-01',
      months_since_default: k,
      ...(product ? { product } : {}),
      ead: 1000,
      recovered: [0, 100, 150][k]!,
      defaulted_loans: n,
    }));

  it('pools cohorts by months since default, made non-decreasing', () => {
    const c = pooledCurve(
      [
        ...curveRows(2),
        { default_cohort: '2023-02-01', months_since_default: 0, ead: 1000, recovered: 0, defaulted_loans: 3 },
        { default_cohort: '2023-02-01', months_since_default: 1, ead: 1000, recovered: 50, defaulted_loans: 3 },
      ],
      36,
    );
    expect(c.loans).toBe(5);
    expect(c.rates).toEqual([0, 0.075, 0.15]);
  });

  it("names the loans the curve's tail rests on: followed to its last month, and the months on fewer than min_observations", () => {
    // 4 loans defaulted in January followed to month 1, 2 in March followed to month 3
    const cohort = (default_cohort: string, loans: number, reach: number) =>
      Array.from({ length: reach + 1 }, (_, k) => ({
        default_cohort,
        months_since_default: k,
        ead: 100 * loans,
        recovered: 10 * k * loans,
        defaulted_loans: loans,
      }));
    const rows = [...cohort('2024-01-01', 4, 1), ...cohort('2024-03-01', 2, 3)];
    const c = pooledCurve(rows, 36);
    expect(c.loans).toBe(6);
    expect(c.followed).toEqual([6, 6, 2, 2]);
    expect(curveReach(c, 5)).toBe('2 followed to month 3; months 2–3 rest on fewer than 5 loans');
    expect(curveReach(c, 3)).toBe('2 followed to month 3; months 2–3 rest on fewer than 3 loans');
    expect(curveReach(c, 2)).toBe('2 followed to month 3, every month on at least 2');
    expect(curveReach({ rates: [0, 0.1, 0.2], followed: [9, 9, 1] }, 5)).toBe(
      '1 followed to month 2; month 2 rests on fewer than 5 loans',
    );
    // the basis a loan's collection value cites says it, not the 6 alone
    const e = estimator(
      { recovery: rows, restructures: [], sales: [] },
      parseDisposalTerms({ min_observations: 5 }),
    )(loan());
    expect(e.curveFrom.basis).toBe(
      'book: 6 defaulted loans, EAD 600.00, 30.0% recovered by month 3; 2 followed to month 3; months 2–3 rest on fewer than 5 loans',
    );
    expect(collectionValue(loan(), e, t).basis).toContain(
      '2 followed to month 3; months 2–3 rest on fewer than 5 loans',
    );
  });

  it('interpolates the fallback curve and holds it flat after its last point', () => {
    const f = fallbackCurve(defaultDisposalTerms.collection.fallback_curve, 40);
    expect(f[0]).toBe(0);
    expect(f[6]).toBeCloseTo(0.06, 12);
    expect(f[36]).toBe(0.2);
    expect(f[40]).toBe(0.2);
  });

  it('bands DPD by lower edges, below the first in the first', () => {
    const edges = [91, 181, 361];
    expect([0, 90, 91, 180, 181, 360, 361, 5000].map((x) => bandOf(x, edges))).toEqual([0, 0, 0, 0, 1, 1, 2, 2]);
  });

  it('switches each estimate from the config to the book at min_observations', () => {
    const terms = parseDisposalTerms({ min_observations: 3, restructure: { plan_months: 2 } });
    const sale = (kind: 'collateral_sale' | 'debt_sale', dpd: number) => ({
      kind,
      product: 'consumer',
      dpd,
      proceeds: kind === 'debt_sale' ? 10 : 600,
      collateral_value: kind === 'debt_sale' ? 0 : 1000,
      balance: 100,
      months_after_default: 10,
    });
    const restructures = [
      { months_after: 1, events: 3, balance: 1000, cash: 100, cured: 2 },
      { months_after: 2, events: 3, balance: 1000, cash: 50, cured: 2 },
    ];
    const few = estimator(
      {
        recovery: curveRows(2),
        restructures: restructures.map((r) => ({ ...r, events: 2 })),
        sales: [
          sale('collateral_sale', 400),
          sale('collateral_sale', 400),
          sale('debt_sale', 200),
          sale('debt_sale', 200),
        ],
      },
      terms,
    )(loan({ dpd: 200 }));
    expect(few.curveFrom.source).toBe('config');
    expect(few.repaidFrom.source).toBe('config');
    expect(few.repaidShare).toBe(terms.restructure.fallback_repaid_share);
    expect(few.haircutFrom).toMatchObject({ source: 'config', n: 2 });
    expect(few.haircut).toBe(terms.collateral.fallback_haircut);
    expect(few.monthsToSale).toBe(terms.collateral.fallback_months_to_sale);
    expect(few.debtPriceFrom).toMatchObject({ source: 'config', n: 2 });
    expect(few.debtPrice).toBe(0.12);

    const enough = estimator(
      {
        recovery: curveRows(3),
        restructures,
        sales: Array.from({ length: 3 }).flatMap(() => [sale('collateral_sale', 400), sale('debt_sale', 200)]),
      },
      terms,
    );
    const e = enough(loan({ dpd: 200 }));
    expect(e.curveFrom).toMatchObject({ source: 'book', n: 3 });
    expect(e.curve.slice(0, 3)).toEqual([0, 0.1, 0.15]);
    expect(e.repaidFrom).toMatchObject({ source: 'book', n: 3 });
    expect(e.repaidShare).toBeCloseTo(0.15, 12);
    expect(e.haircutFrom).toMatchObject({ source: 'book', n: 3 });
    expect(e.haircut).toBeCloseTo(0.4, 12);
    expect(e.monthsToSale).toBe(10);
    expect(e.debtPriceFrom).toMatchObject({ source: 'book', n: 3 });
    expect(e.debtPrice).toBeCloseTo(0.1, 12);
    // another band has no sales of its own: the fallback price of that band
    const other = enough(loan({ dpd: 400 }));
    expect(other.debtPriceFrom.source).toBe('config');
    expect(other.debtPrice).toBe(0.08);
  });
});

describe('terms', () => {
  it('has documented defaults and names the bad field in one line', () => {
    expect(defaultDisposalTerms.discount_rate).toBe(0.08);
    // the shipped file is the defaults, written out
    const shipped: unknown = JSON.parse(
      readFileSync(
        new URL('../../../../pipelines/collections/disposal/default-disposal-terms.json', import.meta.url),
        'utf8',
      ),
    );
    expect(parseDisposalTerms(shipped)).toEqual(defaultDisposalTerms);
    expect(defaultDisposalTerms.stage).toEqual({ min_dpd: 90, include_charged_off: true });
    for (const [raw, field] of [
      [{ discount_rate: -1 }, 'discount_rate'],
      [{ collateral: { fallback_haircut: 2 } }, 'collateral.fallback_haircut'],
      [
        {
          debt_sale: {
            fallback_prices: [
              { dpd_from: 200, price: 0.1 },
              { dpd_from: 100, price: 0.2 },
            ],
          },
        },
        'debt_sale.fallback_prices.1.dpd_from',
      ],
      [{ stage: { min_dpd: 'x' } }, 'stage.min_dpd'],
      [{ extra: 1 }, 'terms'],
    ] as const) {
      expect(() => parseDisposalTerms(raw)).toThrow(new RegExp(`^${field.replaceAll('.', '\\.')}`, 'u'));
    }
  });
});
