import { defaultTarget, targetName } from '../feature-catalogue.ts';
import { param, sql, trusted } from '../sql.ts';
import type { SourceContext } from './sources.ts';
import { computedWarningDaysSql } from '../warning-days-sql.ts';

/**
 * Sources over what later steps store beside the snapshot: provisions from finance, the champion
 * model's scores and monitoring, fired warnings; and the ECL exposures, which combine the snapshot
 * with PDs and LGD from the book's own history.
 */

/** the current champion of the default early-warning target: the last decision in champion_history */
const champion = (c: SourceContext) => sql`
  SELECT argMax((model_name, version), (decided_at, model_name, version)) FROM ${c.db}.champion_history
  WHERE target = ${param(targetName(defaultTarget), 'String')}`;

const npl = "five_class IN ('substandard', 'doubtful', 'loss')";

/**
 * Per active loan at {as_of}: IFRS 9 stage, balance (EAD), balance × remaining months, the stage's
 * 12-month PD and stage 1's, and the book's pooled LGD of closed workouts (every row of a group
 * repeats the last three, which the metric reads with `max`).
 * 12-month PD of a stage = balance-weighted share of loans in that stage (active, not defaulted,
 * balance > 0) at the month-ends of the year ending twelve months before {as_of}, that defaulted
 * within 12 months of the month-end, within the request's segment.
 */
// money is summed as Decimal and converted after: a Float64 sum's last digits depend on the order the
// engine's threads add in, and an archived pack must be rebuilt bit for bit
const windowMonthEnds = (col: string) =>
  trusted(
    `${col} > toLastDayOfMonth(addMonths({as_of:Date}, -24)) AND ${col} <= toLastDayOfMonth(addMonths({as_of:Date}, -12))`,
  );
const pd12ByStage = (c: SourceContext) => sql`
  SELECT lwq_a.stage AS stage, toFloat64(ifNull(lwq_b.defaulted, toDecimal128(0, 2))) / toFloat64(lwq_a.balance) AS pd
  FROM (SELECT ifrs9_stage AS stage, toDecimal128(sum(principal_balance), 2) AS balance FROM ${c.db}.loan_month
        WHERE status = 'active' AND default_flag = 0 AND ifrs9_stage < 3 AND principal_balance > 0 AND ${windowMonthEnds('month_end')}
          AND ${c.where({ period: null })}
        GROUP BY stage) AS lwq_a
  -- of those, the loan-months whose loan defaulted within 12 months: kept per defaulted loan by the snapshot
  -- (loan_defaults.pre_default: month-end, stage, balance), so only the defaulted loans' rows are read
  LEFT JOIN (SELECT lwq_p.2 AS stage, toDecimal128(sum(lwq_p.3), 2) AS defaulted
             FROM ${c.db}.loan_defaults ARRAY JOIN pre_default AS lwq_p
             WHERE ${windowMonthEnds('lwq_p.1')} AND ${c.where({ period: null })}
             GROUP BY stage) AS lwq_b ON lwq_b.stage = lwq_a.stage`;

/** the book's LGD over every closed workout up to {as_of} (pooled: a segment's few workouts are noise), 45% without any */
const pooledLgd = (c: SourceContext) => sql`
  SELECT if(closed_workouts > 0 AND ead_closed > 0, least(1, greatest(0, (ead_closed - recovered) / ead_closed)), 0.45) AS lgd,
    closed_workouts
  FROM (SELECT toFloat64(sumIf(ead, closed)) AS ead_closed, toFloat64(sumIf(ifNull(cash, toDecimal64(0, 2)), closed)) AS recovered,
          countIf(closed) AS closed_workouts
        FROM (${c.source('workouts', { where: () => trusted('1') })}))`;

export const bookSources = {
  ecl_exposures: (c: SourceContext) => sql`
    SELECT lwq_e.loan_id AS loan_id, lwq_e.stage AS stage, lwq_e.product AS product, lwq_e.region AS region, lwq_e.branch AS branch,
      lwq_e.channel AS channel, lwq_e.balance AS balance, lwq_e.balance_months AS balance_months,
      -- the stages' PDs read once, as one scalar (a subquery named twice is computed twice)
      ifNull(arrayFirst(lwq_x -> lwq_x.1 = lwq_e.stage, lwq_pds).2, 0) AS pd12,
      ifNull(arrayFirst(lwq_x -> lwq_x.1 = 1, lwq_pds).2, 0) AS pd12_stage1,
      lwq_g.lgd AS lgd, lwq_g.closed_workouts AS closed_workouts
    FROM (
      SELECT lwq_m.loan_id AS loan_id, lwq_m.ifrs9_stage AS stage, lwq_m.product AS product, lwq_m.region AS region, lwq_m.branch AS branch,
        lwq_m.channel AS channel, lwq_m.principal_balance AS balance,
        lwq_m.principal_balance * greatest(lwq_l.term_months - lwq_m.mob, 0) AS balance_months
      FROM ${c.db}.loan_month AS lwq_m
      INNER JOIN ${c.db}.loans AS lwq_l ON lwq_l.loan_id = lwq_m.loan_id
      WHERE lwq_m.month_end = {as_of:Date} AND lwq_m.status = 'active'
        AND ${c.where({ period: null, product: 'lwq_m.product', region: 'lwq_m.region', branch: 'lwq_m.branch', channel: 'lwq_m.channel', cohort: 'lwq_m.cohort_month' })}
      -- both sides come in loan_id order (loans' key; loan_month's within a month-end): merging them is
      -- twice as fast as hashing the million ids of loans
      SETTINGS join_algorithm = 'full_sorting_merge') AS lwq_e
    CROSS JOIN (SELECT groupArray((toUInt8(stage), toNullable(pd))) AS lwq_pds FROM (${pd12ByStage(c)})) AS lwq_p
    CROSS JOIN (${pooledLgd(c)}) AS lwq_g`,

  /**
   * Per loan active at the month-end before {as_of} (M − 1) or at {as_of} (M): its IFRS 9 stage and
   * EAD (principal balance) at each, 0 and 0 where it was not active, and how it moved: `continuing`
   * (active at both), `new` (active at M only), `written_off` (active at M − 1, in WO at M: a
   * roll_rate move to WO) or `repaid` (active at M − 1, not at M otherwise). One read of the two
   * month-ends, grouped by loan: the ECL walk sums these instead of taking every loan to Node.
   */
  ecl_stage_moves: (c: SourceContext) => sql`
    SELECT lwq_product AS product, lwq_region AS region, lwq_branch AS branch, lwq_channel AS channel,
      lwq_cohort AS cohort, if(lwq_a0, lwq_s0, 0) AS from_stage, if(lwq_a1, lwq_s1, 0) AS to_stage,
      multiIf(lwq_a0 AND lwq_a1, 'continuing', lwq_a1, 'new', lwq_wo, 'written_off', 'repaid') AS move,
      lwq_e0 AS ead_from, lwq_e1 AS ead_to
    FROM (
      -- the attributes under other names: an alias named like a column would replace it in the WHERE;
      -- grouped by the loan's number (loan_key, one to one with loan_id): an integer hashes faster than the id
      SELECT loan_key, any(product) AS lwq_product, any(region) AS lwq_region, any(branch) AS lwq_branch,
        any(channel) AS lwq_channel, any(cohort_month) AS lwq_cohort,
        countIf(month_end < {as_of:Date} AND status = 'active') > 0 AS lwq_a0,
        countIf(month_end = {as_of:Date} AND status = 'active') > 0 AS lwq_a1,
        anyIf(ifrs9_stage, month_end < {as_of:Date} AND status = 'active') AS lwq_s0,
        anyIf(ifrs9_stage, month_end = {as_of:Date} AND status = 'active') AS lwq_s1,
        sumIf(principal_balance, month_end < {as_of:Date} AND status = 'active') AS lwq_e0,
        sumIf(principal_balance, month_end = {as_of:Date} AND status = 'active') AS lwq_e1,
        countIf(month_end = {as_of:Date} AND bucket = 'WO' AND prev_bucket NOT IN ('', 'PO', 'WO')) > 0 AS lwq_wo
      FROM ${c.db}.loan_month
      WHERE month_end IN ({as_of:Date}, toLastDayOfMonth(addMonths({as_of:Date}, -1)))
        AND ${c.where({ period: null })}
      GROUP BY loan_key)
    WHERE lwq_a0 OR lwq_a1`,

  /** month-ends with a loaded provision (the latest load of each): the provision, NPL and outstanding balance then */
  provision_months: (c: SourceContext) => sql`
    SELECT lwq_b.month_end AS month_end, lwq_v.provision AS provision, lwq_b.npl_balance AS npl_balance, lwq_b.outstanding AS outstanding
    FROM (SELECT month_end, sumIf(principal_balance, status = 'active') AS outstanding,
            sumIf(principal_balance, status = 'active' AND ${trusted(npl)}) AS npl_balance
          FROM ${c.db}.loan_month WHERE month_end <= {as_of:Date} AND ${c.where()} GROUP BY month_end) AS lwq_b
    INNER JOIN (SELECT month_end, argMax(provision, loaded_at) AS provision FROM ${c.db}.provisions
                WHERE month_end <= {as_of:Date} GROUP BY month_end) AS lwq_v ON lwq_v.month_end = lwq_b.month_end`,

  /** the champion's scores up to {as_of}, with the loan's balance and attributes at that month-end */
  champion_scores: (c: SourceContext) => sql`
    SELECT lwq_s.month_end AS month_end, lwq_s.grade AS grade, lwq_s.probability AS probability,
      lwq_f.principal_balance AS principal_balance, lwq_f.product AS product, lwq_f.region AS region,
      lwq_f.branch AS branch, lwq_f.channel AS channel
    FROM ${c.db}.scores AS lwq_s
    INNER JOIN (SELECT loan_id, month_end, principal_balance, product, region, branch, channel FROM ${c.db}.loan_month
                WHERE month_end <= {as_of:Date}) AS lwq_f
      ON lwq_f.loan_id = lwq_s.loan_id AND lwq_f.month_end = lwq_s.month_end
    WHERE (lwq_s.model_name, lwq_s.model_version) = (${champion(c)}) AND lwq_s.month_end <= {as_of:Date}
      AND ${c.where({ period: 'lwq_s.month_end', product: 'lwq_f.product', region: 'lwq_f.region', branch: 'lwq_f.branch', channel: 'lwq_f.channel', cohort: null })}`,

  /** the champion's stored monitoring per month-end up to {as_of}: the latest computation of each */
  champion_monitoring: (c: SourceContext) => sql`
    SELECT month_end, argMax(score_psi, computed_at) AS score_psi, argMax(auc, computed_at) AS auc, argMax(n, computed_at) AS loans
    FROM ${c.db}.model_monitoring
    WHERE model = (SELECT concat(tupleElement(lwq_c, 1), '@', toString(tupleElement(lwq_c, 2))) FROM (SELECT (${champion(c)}) AS lwq_c))
      AND month_end <= {as_of:Date} AND ${c.where({ period: 'month_end' })}
    GROUP BY month_end`,

  /** warnings fired at each as-of date up to {as_of}, with the loan's (or the rule's) segment */
  warnings_fired: (c: SourceContext) => sql`
    SELECT as_of AS month_end, rule_id, kind, severity, product, region, branch FROM ${c.db}.warnings
    WHERE as_of <= {as_of:Date} AND ${c.where({ period: 'as_of' })}`,

  /** each date up to {as_of} the warning rules were computed for, with what that run stored (bank-wide) */
  warning_days: (c: SourceContext) => sql`
    SELECT day AS month_end, fired
    FROM (${computedWarningDaysSql((name) => sql`${c.db}.${trusted(name)}`, trusted('as_of <= {as_of:Date}'))})
    WHERE ${c.where({ period: 'day' })}`,
};
