import { addMonthEnds } from '../../../lib/dates.ts';
import { bucketLabels, defaultBucketBounds } from '../../classification.ts';
import type { DerivedMetric, MetricColumn, MetricRow } from '../definition.ts';

const buckets = bucketLabels(defaultBucketBounds).filter((b) => b !== 'PO' && b !== 'WO');
const cents = (x: number) => Math.round(x * 100) / 100;

const forecastColumns = (): MetricColumn[] => [
  { name: 'month_ahead', kind: 'dimension' },
  { name: 'month_end', kind: 'dimension' },
  ...[...buckets, 'paid_off', 'charged_off'].map((name) => ({ name, kind: 'measure' as const })),
];

/**
 * Roll-rate (Markov) loss forecast: the balance by bucket at the as-of month-end, projected
 * `months` ahead (default 12) with the balance-weighted transition matrix of the period (the
 * roll_rate metric: flows and balances summed before dividing). PO and WO absorb; expected
 * charge-offs per month are the balance flowing into WO. No new business, no recoveries.
 * Derived in TypeScript (a matrix power per month); both inputs are catalogue metrics.
 */
export const forecast = {
  name: 'forecast',
  kind: 'derived',
  columns: forecastColumns,
  title: 'Roll-rate loss forecast',
  description:
    "Balances by bucket projected month by month from the as-of month-end with the period's balance-weighted roll-rate matrix; charged_off = balance flowing into WO that month, paid_off = into PO. No new business or recoveries.",
  filters: ['product', 'region', 'branch', 'channel', 'cohort', 'period'],
  takesMonths: true,
  async derive(run, request, asOf) {
    const { group_by: _groupBy, basis: _basis, months = 12, ...filters } = request;
    const matrix = await run('roll_rate', { ...filters, as_of: asOf, basis: 'balance' });
    const start = await run('overdue', {
      ...filters,
      as_of: asOf,
      from: asOf,
      to: asOf,
      group_by: ['bucket'],
      basis: 'balance',
    });
    const shares = new Map<string, Map<string, number>>();
    for (const r of matrix.rows) {
      const row = shares.get(String(r.from_bucket)) ?? new Map<string, number>();
      row.set(String(r.to_bucket), Number(r.flow_share));
      shares.set(String(r.from_bucket), row);
    }
    let balances = new Map(start.rows.map((r) => [String(r.bucket), Number(r.outstanding)]));
    const rows: MetricRow[] = [];
    for (let m = 1; m <= months; m++) {
      const next = new Map<string, number>();
      let paidOff = 0;
      let chargedOff = 0;
      for (const [from, balance] of balances) {
        const row = shares.get(from);
        // no history for this bucket in the period: its balance is held
        if (!row) next.set(from, (next.get(from) ?? 0) + balance);
        for (const [to, share] of row ?? []) {
          if (to === 'PO') paidOff += balance * share;
          else if (to === 'WO') chargedOff += balance * share;
          else next.set(to, (next.get(to) ?? 0) + balance * share);
        }
      }
      balances = next;
      rows.push({
        month_ahead: m,
        month_end: addMonthEnds(asOf, m),
        ...Object.fromEntries(buckets.map((b) => [b, cents(balances.get(b) ?? 0)])),
        paid_off: cents(paidOff),
        charged_off: cents(chargedOff),
      });
    }
    return { columns: forecastColumns(), rows };
  },
} as const satisfies DerivedMetric;
