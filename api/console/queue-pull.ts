import type { Context } from 'hono';
import type { Stage } from '../../pipelines/cases/strategy.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import type { QueueQuery } from './queue.ts';

/** The queue's filters as the case list takes them: a whole-book role's region and team as chosen; a collector's come from his key (queueOf). */
export function queueFilters(c: Context<AppEnv>, q: QueueQuery) {
  const whole = c.get('key').role !== 'collector';
  return {
    product: q.product ? [q.product] : undefined,
    stage: q.stage ? [q.stage as Stage] : undefined,
    region: whole && q.region ? [q.region] : undefined,
    team: whole && q.team ? [q.team] : undefined,
  };
}

/** A case-list pull from the console (the queue page, its CSV), audited as the API's are. */
export async function auditQueuePull(
  c: Context<AppEnv>,
  asOf: string,
  q: QueueQuery,
  returned: number,
  total: number,
): Promise<void> {
  const key = c.get('key');
  await audit(c, 'cases.pull', asOf, {
    source: 'console',
    region: key.role === 'collector' ? [key.region] : q.region ? [q.region] : null,
    team: key.role === 'collector' ? (key.team ? [key.team] : null) : q.team ? [q.team] : null,
    product: q.product ?? null,
    stage: q.stage ?? null,
    returned,
    total,
  });
}
