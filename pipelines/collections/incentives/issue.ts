import type { Warehouse } from '../../../warehouse/connection.ts';
import type { DelinquencySettings } from '../../../warehouse/config.ts';
import { requireSnapshotMonthEnd } from '../../../warehouse/data-horizon.ts';
import { UserError } from '../../../lib/user-error.ts';
import { computeAwards, type IncentiveResult } from './award.ts';
import type { IncentiveBreach } from './breaches.ts';
import { loadIncentiveInputs, monthBounds } from './inputs.ts';
import type { IncentiveScheme } from './scheme.ts';
import { storeIncentives } from './store.ts';

/** The contact-rule breaches of a period, as the scheme deducts them. */
export type BreachSource = (from: string, to: string) => Promise<IncentiveBreach[]>;

/** No breaches: the scheme's deductions are zero until a breach source is wired in. */
export const noBreaches: BreachSource = () => Promise.resolve([]);

/**
 * Computes a month's awards under the scheme and stores them (replacing an earlier issue of the
 * month). The month must be covered by the snapshot: cures are read at its month-end.
 */
export async function issueIncentives(
  wh: Warehouse,
  o: { month: string; scheme: IncentiveScheme; settings: DelinquencySettings; breaches?: BreachSource },
): Promise<IncentiveResult> {
  const { start, end } = monthBounds(o.month);
  const last = await requireSnapshotMonthEnd(wh);
  if (end > last)
    throw new UserError(`no snapshot for ${o.month} yet: the latest month-end is ${last}`, {
      hint: `run loanwatch snapshot --as-of ${end} first, or pick a month up to ${last.slice(0, 7)}`,
    });
  const breaches = await (o.breaches ?? noBreaches)(start, end);
  const result = computeAwards(
    await loadIncentiveInputs(wh, { month: o.month, scheme: o.scheme, settings: o.settings, breaches }),
    o.scheme,
  );
  await storeIncentives(wh, result, o.scheme);
  return result;
}
