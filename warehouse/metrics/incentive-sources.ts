import { sql, type Sql } from '../sql.ts';
import type { SourceContext } from './sources.ts';

/**
 * The collector incentive awards as issued (issue 22, item 3): `loanwatch incentives --month`
 * computes a month under its scheme (pipelines/collections/incentives) and stores one row per
 * agent; the chart, the route and the CLI read those rows through the catalogue, so they agree.
 * A month not issued has no rows. Columns are prefixed `a_`: the metric's measures of the same
 * names are aggregates, which ClickHouse would read inside each other.
 */
export const incentiveSources = {
  incentive_awards: (c: SourceContext): Sql => sql`
    SELECT month_end, agent_id, toString(team) AS team, recovered AS a_recovered, payments AS a_payments,
      commission AS a_commission, cures AS a_cures, cure_bonus AS a_cure_bonus, promises AS a_promises,
      kept_promises AS a_kept_promises, multiplier_effect AS a_multiplier_effect, cap_reduction AS a_cap_reduction,
      breaches AS a_breaches, deductions AS a_deductions, floor AS a_floor, award AS a_award
    FROM ${c.db}.incentive_awards
    WHERE month_end <= {as_of:Date} AND ${c.where({ period: 'month_end' })}`,
};
