import type { Basis, DerivedMetric, MetricDefinition } from './definition.ts';
import * as accrual from './definitions/accrual.ts';
import * as collections from './definitions/collections.ts';
import * as agency from './definitions/agency.ts';
import * as disposal from './definitions/disposal.ts';
import * as eclWalk from './definitions/ecl-walk.ts';
import * as forecast from './definitions/forecast.ts';
import * as incentives from './definitions/incentives.ts';
import * as migration from './definitions/migration.ts';
import * as models from './definitions/models.ts';
import * as portfolio from './definitions/portfolio.ts';
import * as promises from './definitions/promises.ts';
import * as provisioning from './definitions/provisioning.ts';
import * as recovery from './definitions/recovery.ts';
import * as rollRate from './definitions/roll-rate.ts';
import * as vintage from './definitions/vintage.ts';
import * as warningEffectiveness from './definitions/warning-effectiveness.ts';

export type MetricEntry = MetricDefinition | DerivedMetric;

/** Entries keyed by their own literal names: a key can only be the name its definition declares. */
const byName = <const T extends readonly MetricEntry[]>(entries: T) =>
  Object.fromEntries(entries.map((m) => [m.name, m])) as { [E in T[number] as E['name']]: E };

/**
 * Every metric, by name: the CLI (`metrics <name>`), the API (`/v1/metrics/<name>`) and the report
 * datasets all read this registry. Every export of a definitions module is a metric, so a metric
 * declared in one of them appears in all three with no other edit.
 */
export const metrics = byName([
  ...Object.values(portfolio),
  ...Object.values(vintage),
  ...Object.values(rollRate),
  ...Object.values(migration),
  ...Object.values(recovery),
  ...Object.values(collections),
  ...Object.values(promises),
  ...Object.values(provisioning),
  ...Object.values(models),
  ...Object.values(forecast),
  ...Object.values(eclWalk),
  ...Object.values(incentives),
  ...Object.values(warningEffectiveness),
  ...Object.values(disposal),
  ...Object.values(agency),
  ...Object.values(accrual),
]);

export type MetricName = keyof typeof metrics;
export const metricNames = Object.keys(metrics) as MetricName[];

/** A (user-given) name is a metric's by own property only: `constructor` is no metric. */
export const isMetricName = (name: string): name is MetricName => Object.hasOwn(metrics, name);

/** The entry a (user-given) name declares, or undefined. */
export const metricEntry = (name: string): MetricEntry | undefined => (isMetricName(name) ? metrics[name] : undefined);

type Keys<T> = T extends Record<string, unknown> ? Extract<keyof T, string> : never;
type SharesOf<S> = S extends { kind: 'share'; shares: readonly (infer M extends string)[] } ? `${M}_share` : never;
type Internal<M> = { [K in Keys<M>]: M[K] extends { internal: true } ? K : never }[Keys<M>];

/**
 * A result row of a declared metric, inferred from its definition: dimensions (present when
 * grouped by), measures (exact decimal or 64-bit integer text, or a number), ratios (a float, null
 * over a zero denominator), formulas. A derived metric's rows are untyped records.
 */
export type RowOf<D> = D extends MetricDefinition
  ? Partial<Record<Keys<D['dimensions']>, string | number>> &
      Record<Exclude<Keys<D['measures']>, Internal<D['measures']>> | SharesOf<D['shape']>, string | number> &
      Record<Keys<D['ratios']>, number | null> &
      Record<Keys<D['formulas']>, string | number | null>
  : Record<string, string | number | null>;

export type MetricRowOf<N extends MetricName> = RowOf<(typeof metrics)[N]>;

/** The metrics the compiler compiles (every entry but the derived ones). */
export const declaredMetrics: MetricDefinition[] = Object.values<MetricEntry>(metrics).filter(
  (m): m is MetricDefinition => !('kind' in m),
);

/** The declared definition a (user-given) name names, or undefined (unknown, or derived). */
export const metricDefinition = (name: string): MetricDefinition | undefined => {
  const entry = metricEntry(name);
  return entry && !('kind' in entry) ? entry : undefined;
};

/** The basis a request without one gets: the metric's own when it has one basis, else balance. */
export const defaultBasisOf = (name: MetricName): Basis => {
  const entry: MetricEntry = metrics[name];
  return ('kind' in entry ? undefined : entry.bases?.[0]) ?? 'balance';
};
