import type { MetricDefinition } from './definition.ts';
import { collections } from './definitions/collections.ts';
import { migration } from './definitions/migration.ts';
import { newBusiness, overdue } from './definitions/portfolio.ts';
import { lgd, recovery } from './definitions/recovery.ts';
import { cureRate, flowRate, rollRate } from './definitions/roll-rate.ts';
import { vintage } from './definitions/vintage.ts';

/** Every declared metric, by name: the CLI, the API and the reports all read this registry. */
export const metrics: Record<string, MetricDefinition> = Object.fromEntries(
  [overdue, newBusiness, vintage, rollRate, cureRate, flowRate, migration, recovery, lgd, collections].map((m) => [
    m.name,
    m,
  ]),
);
export const metricNames = Object.keys(metrics);

/** The definition a (user-given) name declares, by own property only: `constructor` is no metric. */
export const metricDefinition = (name: string): MetricDefinition | undefined =>
  Object.hasOwn(metrics, name) ? metrics[name] : undefined;
