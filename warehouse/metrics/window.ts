import { addMonthEnds } from '../../lib/dates.ts';

/** Month-ends in "the last 12 months". */
export const windowMonths = 12;

/**
 * The one definition of "the last 12 months ending at month-end M", shared by the metric defaults
 * (CLI, API) and the report packs: a period runs from its first month-end `from` = M − 11 to `to` = M.
 * What each kind of figure covers over such a period:
 * - stock figures (balances, ratios at a month-end): the 12 month-ends from … to;
 * - monthly moves (roll, flow and cure rates): the 12 moves ending at those month-ends, the first
 *   from the month-end before `from` (`start`);
 * - a migration over the period: from the month-end before `from` (`start`, M − 12) to `to` (M),
 *   the opening and closing balances of the 12 months.
 */
export interface MetricWindow {
  /** the period's first month-end */
  from: string;
  /** its last month-end */
  to: string;
  /** the month-end before `from`: the opening point of moves and migrations over the period */
  start: string;
}

/** The window ending at month-end `to` (from = to − 11 month-ends, unless given). */
export function metricWindow(to: string, from: string = addMonthEnds(to, -(windowMonths - 1))): MetricWindow {
  return { from, to, start: addMonthEnds(from, -1) };
}
