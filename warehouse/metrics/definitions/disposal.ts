import type { DerivedMetric, MetricColumn, MetricDefinition, MetricRow } from '../definition.ts';
import { defaultDisposalTerms } from '../../workout/disposal-terms.ts';
import { valueBook } from '../../workout/disposal-book.ts';
import { disposalOptions } from '../../workout/disposal-value.ts';
import { MetricRequestError } from '../compile.ts';
import { both, loanDims } from './common.ts';

const one = both('toUInt64(1)');

/**
 * Loans that may get disposal options at the as-of month-end (workout-sources.ts): active with
 * DPD > 0, or charged off with the workout still open; balance owed now, DPD, months since
 * default, collateral value. Grouped by loan_id it is the per-loan input of `disposal_options`.
 */
export const disposal_candidates = {
  name: 'disposal_candidates',
  title: 'Late and defaulted loans with an open workout',
  description:
    'Active loans with DPD > 0 (or > dpd_over) and charged-off loans with no settlement, debt sale or collateral sale yet, at the as-of month-end: balance owed (charged off: EAD less cash since the default that ended in the charge-off, after its last cure), DPD (charged off: at charge-off plus the days since), months since default, collateral value.',
  source: 'disposal_candidates',
  dimensions: { loan_id: 'loan_id', status: 'status', ...loanDims },
  defaultDimensions: ['status'],
  weight: { balance: 'balance', count: 'toUInt64(1)' },
  measures: {
    loans: one,
    balance: both('balance'),
    collateral_value: both('collateral_value'),
    dpd: { ...both('dpd_now'), aggregate: 'max', kind: 'number' },
    months_since_default: { ...both('months_since_default'), aggregate: 'max', kind: 'number' },
  },
  ratios: {},
  // dpd: the options' stage (more than 90 days past due by default) selected in the engine, not in Node
  filters: ['product', 'region', 'branch', 'channel', 'cohort', 'dpd'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** The book's realised collateral and debt sales (disposal options' evidence), one row per event when grouped by event_id. */
export const disposal_sales = {
  name: 'disposal_sales',
  title: 'Realised collateral and debt sales',
  description:
    'Collateral sales and debt sales up to the as-of date: proceeds, collateral value, balance owed at the sale (EAD less cash since default), DPD at the sale, months from the default month-end to the sale.',
  source: 'disposal_sales',
  dimensions: { event_id: 'event_id', kind: 'kind', ...loanDims },
  defaultDimensions: ['kind'],
  weight: { balance: 'balance_at_sale', count: 'toUInt64(1)' },
  measures: {
    sales: one,
    proceeds: both('proceeds'),
    collateral_value: both('collateral_value'),
    balance_at_sale: both('balance_at_sale'),
    dpd_at_sale: { ...both('dpd_at_sale'), aggregate: 'max', kind: 'number' },
    months_after_default: { ...both('months_after_default'), aggregate: 'max', kind: 'number' },
  },
  ratios: {
    price_rate: { numerator: 'proceeds', denominator: 'balance_at_sale', denominatorLabel: 'balance owed at the sale' },
  },
  filters: ['product', 'region', 'branch', 'channel', 'cohort'],
  defaultPeriod: 'all',
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** Restructured loans month by month after the restructure: cash repaid and cure (disposal options' evidence). */
export const restructure_outcomes = {
  name: 'restructure_outcomes',
  title: 'Restructure outcomes by months after',
  description:
    'Restructures observed k months after the restructure month (month-end k on or before the as-of date, k ≤ 36): their principal balance at the month-end before, cash received in month k, and how many were current or paid off at month-end k.',
  source: 'restructure_outcomes',
  dimensions: { months_after: 'k', ...loanDims },
  defaultDimensions: ['months_after'],
  requiredDimensions: ['months_after'],
  weight: { balance: 'balance', count: 'toUInt64(1)' },
  measures: {
    events: one,
    balance: both('balance'),
    cash: both('cash'),
    cured: { ...one, when: 'cured' },
  },
  ratios: {
    repaid_rate: {
      numerator: 'cash',
      denominator: 'balance',
      denominatorLabel: 'balance before the restructure of those observed this month',
    },
    cure_rate: { numerator: 'cured', denominator: 'events', denominatorLabel: 'restructures observed this month' },
  },
  filters: ['product', 'region', 'branch', 'channel', 'cohort'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

const groupable = ['recommended', 'product', 'region'] as const;

const disposalColumns = (groupBy: readonly string[] | undefined): MetricColumn[] => [
  ...(groupBy ?? ['recommended']).map((name) => ({ name, kind: 'dimension' as const })),
  { name: 'loans', kind: 'count' },
  { name: 'balance', kind: 'measure' },
  { name: 'expected_recovery', kind: 'measure' },
  { name: 'recovery_rate', kind: 'ratio', denominator: 'balance of the loans' },
  { name: 'mean_margin', kind: 'measure' },
];

/**
 * Late and defaulted loans by their recommended disposal option (the regulatory pack's table):
 * every loan past the default stage (DPD > 90, or charged off with the workout open) valued with
 * the default terms (warehouse/workout/disposal-terms.ts; the command and the route take a terms
 * file) from the book's own history.
 */
export const disposal_options = {
  name: 'disposal_options',
  kind: 'derived',
  columns: disposalColumns,
  title: 'Late loans by recommended disposal option',
  description:
    "Loans past the disposal stage (default terms: DPD > 90, or charged off with the workout open) by the option with the highest expected net recovery (collection, restructure, collateral_sale, debt_sale, write_off), valued from the book's recovery curves, restructure outcomes and realised sales, discounted at 8% a year: loans, balance, expected net recovery and its share of the balance, mean margin over the next best option.",
  filters: ['product', 'region', 'branch', 'channel', 'cohort'],
  groupBy: groupable,
  async derive(run, request) {
    const { group_by, product, region, branch, channel, cohort_from, cohort_to } = request;
    const dims = group_by ?? ['recommended'];
    const bad = dims.filter((d) => !(groupable as readonly string[]).includes(d));
    if (bad.length > 0)
      throw new MetricRequestError(
        `disposal_options cannot be grouped by ${bad.join(', ')}; allowed: ${groupable.join(', ')}`,
      );
    const loans = await valueBook(
      run,
      defaultDisposalTerms,
      { product, region, branch, channel, cohort_from, cohort_to },
      // the table reads each loan's values, not the words of their bases
      { explain: false },
    );
    const groups = new Map<
      string,
      { key: Record<string, string>; loans: number; balance: number; value: number; margin: number }
    >();
    for (const l of loans) {
      const key: Record<string, string> = {};
      for (const d of dims)
        key[d] = d === 'recommended' ? l.recommended : d === 'product' ? l.loan.product : l.loan.region;
      const id = JSON.stringify(key);
      const g = groups.get(id) ?? { key, loans: 0, balance: 0, value: 0, margin: 0 };
      g.loans += 1;
      g.balance += l.loan.balance;
      g.value += l.options.find((o) => o.option === l.recommended)!.value;
      g.margin += l.margin;
      groups.set(id, g);
    }
    const order = (k: Record<string, string>) => disposalOptions.indexOf((k.recommended ?? '') as never);
    const rows: MetricRow[] = [...groups.values()]
      .sort((a, b) => order(a.key) - order(b.key) || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)))
      .map((g) => ({
        ...g.key,
        loans: g.loans,
        balance: Math.round(g.balance * 100) / 100,
        expected_recovery: Math.round(g.value * 100) / 100,
        recovery_rate: g.balance > 0 ? g.value / g.balance : null,
        mean_margin: Math.round((g.margin / g.loans) * 100) / 100,
      }));
    return { columns: disposalColumns(dims), rows };
  },
} as const satisfies DerivedMetric;
