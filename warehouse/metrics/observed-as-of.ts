import { sql } from '../sql.ts';
import type { SourceContext } from './sources.ts';

/**
 * The last month-end a grid of months after an event is observed at: the as-of, or the snapshot's
 * last month-end when the as-of is past the data (allowed, for "this year" dashboards) — a month the
 * data has not reached has no delinquency, cash or cure to show, not none of them.
 */
export const observedAsOf = (c: SourceContext) =>
  sql`least({as_of:Date}, (SELECT max(month_end) FROM ${c.db}.loan_month))`;
