import type { Warehouse } from '../connection.ts';
import { MetricRequestError } from './compile.ts';
import { runMetric } from './run.ts';

export interface ForecastMonth {
  month: number;
  balances: Record<string, number>;
  paid_off: number;
  charged_off: number;
}

/**
 * Roll-rate (Markov) loss forecast: the balance by bucket at the as-of month-end, projected
 * `months` ahead with the balance-weighted transition matrix averaged over the chosen window
 * (flows and balances summed before dividing). PO and WO absorb; expected charge-offs per month
 * are the balance flowing into WO. No new business, no recoveries.
 */
export async function markovLossForecast(wh: Warehouse, raw: Record<string, unknown>, months: number) {
  if (!Number.isInteger(months) || months < 1 || months > 120)
    throw new MetricRequestError('months must be a whole number in 1..120');
  const { group_by: _g, basis: _b, ...filters } = raw;
  const matrix = await runMetric(wh, 'roll_rate', { ...filters, basis: 'balance' });
  const current = await runMetric(wh, 'overdue', {
    ...filters,
    from: undefined,
    to: undefined,
    group_by: ['bucket', 'month_end'],
    basis: 'balance',
  });
  const P = new Map<string, Map<string, number>>();
  for (const r of matrix.rows) {
    const row = P.get(String(r.from_bucket)) ?? new Map<string, number>();
    row.set(String(r.to_bucket), Number(r.flow_share));
    P.set(String(r.from_bucket), row);
  }
  let v = new Map<string, number>();
  for (const r of current.rows.filter((x) => x.month_end === current.as_of))
    v.set(String(r.bucket), Number(r.outstanding));
  const starting = Object.fromEntries(v);
  const out: ForecastMonth[] = [];
  for (let m = 1; m <= months; m++) {
    const next = new Map<string, number>();
    let paidOff = 0;
    let chargedOff = 0;
    for (const [from, bal] of v) {
      const row = P.get(from);
      if (!row) {
        next.set(from, (next.get(from) ?? 0) + bal);
        continue;
      } // no history for this bucket: held
      for (const [to, share] of row) {
        if (to === 'PO') paidOff += bal * share;
        else if (to === 'WO') chargedOff += bal * share;
        else next.set(to, (next.get(to) ?? 0) + bal * share);
      }
    }
    v = next;
    out.push({
      month: m,
      balances: Object.fromEntries([...v].map(([k, x]) => [k, Math.round(x * 100) / 100])),
      paid_off: Math.round(paidOff * 100) / 100,
      charged_off: Math.round(chargedOff * 100) / 100,
    });
  }
  return {
    as_of: current.as_of,
    window: { from: matrix.request.from ?? null, to: matrix.request.to ?? null },
    starting_balances: starting,
    months: out,
    matrix_denominator: matrix.columns.find((c) => c.name === 'flow_share')?.denominator,
  };
}
