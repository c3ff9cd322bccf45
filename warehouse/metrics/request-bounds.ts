import type { Warehouse } from '../connection.ts';
import { lastSnapshotMonthEnd } from '../data-horizon.ts';
import { addMonthEnds, monthEndOf } from '../../lib/dates.ts';
import { MetricRequestError } from './compile.ts';
import type { Basis, MetricRequest } from './definition.ts';

/**
 * How far after the data's last month-end a metric request may reach. Work grows with the span
 * past the data (a vintage grid has a row per cohort per month on book up to as_of: as_of=2149
 * built 23 MB), while a year past it still covers "this year" dashboards and a forecast horizon.
 */
export const monthsPastData = 12;

/**
 * Refuses a request that reaches more than `monthsPastData` months past the data's last
 * month-end (before the first snapshot: past today's month), naming the parameter and the limit.
 */
export function assertWithinData(
  req: MetricRequest,
  lastMonthEnd: string | null,
  /** a field as the caller's user names it (the CLI's `--as-of`; default the API's `as_of`) */
  name: (field: string) => string = (f) => f,
): void {
  const base = lastMonthEnd ?? monthEndOf(new Date().toISOString().slice(0, 10));
  const limit = addMonthEnds(base, monthsPastData);
  const dates: [string, string | undefined][] = [
    ['as_of', req.as_of],
    ['from', req.from],
    ['to', req.to],
    ['cohort_from', req.cohort_from],
    ['cohort_to', req.cohort_to],
  ];
  // a month (YYYY-MM) or a day: compared by its month-end
  const late = dates.filter(([, d]) => d !== undefined && monthEndOf(d.length === 7 ? `${d}-01` : d) > limit);
  if (late.length > 0) {
    throw new MetricRequestError(
      `${late.map(([k, d]) => `${name(k)} ${d}`).join(', ')}: too far past the data, which ends ${lastMonthEnd ?? '(no snapshot yet)'}; dates may reach ${monthsPastData} months past it (${limit})`,
    );
  }
}

/**
 * The one form of equivalent requests (for a cache key, and as the request echoed with the
 * result): list filters sorted and de-duplicated (IN ignores order), group_by de-duplicated in
 * its order (the order is the columns'), dates as their month-ends (periods are whole months),
 * as_of filled with the data's last month-end, basis with the metric's default (`defaultBasis`).
 * Other defaults are already filled by the schema.
 */
export function normaliseMetricRequest(
  req: MetricRequest,
  lastMonthEnd: string | null,
  defaultBasis: Basis = 'balance',
): MetricRequest {
  const list = (xs: string[] | undefined) => (xs ? [...new Set(xs)].sort() : undefined);
  // basis first: one key order whether the caller gave it or not (the cache key is the JSON text)
  const { basis = defaultBasis, ...rest } = req;
  const out: MetricRequest = {
    basis,
    ...rest,
    group_by: req.group_by && [...new Set(req.group_by)],
    product: list(req.product),
    region: list(req.region),
    branch: list(req.branch),
    channel: list(req.channel),
    from: req.from && monthEndOf(req.from),
    to: req.to && monthEndOf(req.to),
    as_of: req.as_of ? monthEndOf(req.as_of) : (lastMonthEnd ?? undefined),
  };
  // a request without a field and one with it undefined are the same request
  return Object.fromEntries(
    Object.entries(out as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ) as MetricRequest;
}

/**
 * lastSnapshotMonthEnd for a server answering many requests: kept per warehouse for a few seconds
 * (a new snapshot is seen that much later; runMetric checks against the exact value again).
 */
const recentMs = 10_000;
const recent = new WeakMap<Warehouse, { at: number; value: Promise<string | null> }>();
export function recentSnapshotMonthEnd(wh: Warehouse): Promise<string | null> {
  const hit = recent.get(wh);
  if (hit && Date.now() - hit.at < recentMs) return hit.value;
  const value = lastSnapshotMonthEnd(wh);
  recent.set(wh, { at: Date.now(), value });
  value.catch(() => {
    if (recent.get(wh)?.value === value) recent.delete(wh);
  });
  return value;
}
