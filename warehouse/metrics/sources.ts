import { fiveClassesSql } from '../classification.ts';
import type { FilterKey, SourceName } from './definition.ts';
import { sql, trusted, type Sql } from '../sql.ts';
import { bookSources } from './book-sources.ts';
import { accrualSources } from './accrual-sources.ts';
import { actionStageSql, cureMonthEndSql, pastDueThenSql, promiseSources } from './promise-sources.ts';
import { incentiveSources } from './incentive-sources.ts';
import { warningSources } from './warning-sources.ts';
import { cashSoFar, workoutSources } from './workout-sources.ts';
import { observedAsOf } from './observed-as-of.ts';

/**
 * The relations metrics read, from a fixed catalogue. Filters reach a source only as
 * `where(columns)`: the request's filters compiled to bound parameters against the
 * columns the source names (null drops a filter that does not apply there).
 * Parameters: {as_of:Date} the data's last month-end; {p_start:Date} / {p_to:Date} the opening and
 * closing month-ends of the request's period (window.ts: the month-end before `from`, and `to`).
 * The period filter (`from`/`to`, month-ends) selects stock rows by their month-end and monthly
 * moves by the month-end they end at.
 */
export interface SourceContext {
  /** the database, as trusted text (from config, not a request) */
  db: Sql;
  where: (columns?: Partial<Record<FilterKey, string | null>>) => Sql;
  cohortGrain: 'month' | 'quarter';
  /**
   * Whether the request groups by this dimension of the metric. A source may put a constant where a
   * column no one groups by would be, so it need not compute it nor keep its rows apart (the warning
   * outcomes' collector and segment keys). A source read through `source()` is told every dimension
   * is grouped: its columns are another metric's.
   */
  grouped: (dimension: string) => boolean;
  /** Whether the request filters by this key (a source read through `source()` is told it does). */
  filtered: (key: FilterKey) => boolean;
  /** another source of the catalogue, under this context with `override` (e.g. a book-wide `where`) */
  source: (name: SourceName, override?: Partial<Omit<SourceContext, 'source'>>) => Sql;
}

const cohortOf = (grain: 'month' | 'quarter', col: string) =>
  trusted(grain === 'quarter' ? `toStartOfQuarter(${col})` : `toStartOfMonth(${col})`);
/** months from a cohort's first to its last origination month */
const cohortSpan = (grain: 'month' | 'quarter') => trusted(grain === 'quarter' ? '2' : '0');
const thresholds = [0, 30, 60, 90] as const;
/** The month a cohort grid is censored at (observedAsOf: the as-of, or the data's last month-end before it). */
const observedMonth = (c: SourceContext) => sql`toStartOfMonth(${observedAsOf(c)})`;
const classRank = (col: string) => trusted(`indexOf(${fiveClassesSql}, ${col})`);
/** the first month-end with DPD > 90 or charged off, and the balance then (EAD): per-loan facts kept by the snapshot (loan_defaults) */
const defaults = (c: SourceContext) => sql`
  SELECT loan_id, default_me, ead, product, region, branch, channel, cohort_month, cash_k, cash, paid_off_me
  FROM ${c.db}.loan_defaults AS lwq_lm WHERE lwq_lm.default_me <= {as_of:Date}
    AND ${c.where({ period: null, product: 'lwq_lm.product', region: 'lwq_lm.region', branch: 'lwq_lm.branch', channel: 'lwq_lm.channel', cohort: 'lwq_lm.cohort_month' })}`;

export const sources: Record<SourceName, (c: SourceContext) => Sql> = {
  ...bookSources,
  ...accrualSources,
  ...promiseSources,
  ...incentiveSources,
  ...warningSources,
  ...workoutSources,
  /** one row per loan per month-end (status active, paid_off or charged_off) */
  loan_months: (c) => sql`SELECT *, ${cohortOf(c.cohortGrain, 'cohort_month')} AS cohort
    FROM ${c.db}.loan_month WHERE month_end <= {as_of:Date} AND ${c.where()}`,

  /** a loan's move from month-end t (from_month, a non-terminal bucket) to t + 1 (month_end: the period filter reads the end) */
  transitions: (
    c,
  ) => sql`SELECT *, ${cohortOf(c.cohortGrain, 'cohort_month')} AS cohort, toLastDayOfMonth(addMonths(month_end, -1)) AS from_month
    FROM ${c.db}.loan_month WHERE prev_bucket NOT IN ('', 'PO', 'WO') AND month_end <= {as_of:Date} AND ${c.where()}`,

  /**
   * Balance in each delinquency bucket at t, and balance in the next bucket at t + 1 (the collections
   * flow rate), for the moves ending in the period. M7+ has no next delinquency bucket: WO at t + 1
   * holds the month's write-offs from every bucket, not a flow from M7+ (write-offs by the bucket
   * they came from are the roll_forward metric's).
   */
  bucket_flows: (c) => sql`
    SELECT lwq_a.month_end AS from_month, toLastDayOfMonth(addMonths(lwq_a.month_end, 1)) AS to_month, lwq_a.bucket AS from_bucket,
      lwq_a.next_bucket AS to_bucket, lwq_a.balance AS from_balance, lwq_a.loans AS from_loans, lwq_b.balance AS to_balance, lwq_b.loans AS to_loans
    FROM (SELECT month_end, bucket, arrayElement({bucket_order:Array(String)}, indexOf({bucket_order:Array(String)}, bucket) + 1) AS next_bucket,
            sum(principal_balance) AS balance, count() AS loans
          FROM ${c.db}.loan_month WHERE status = 'active' AND month_end < {as_of:Date} AND bucket != 'M7+'
            AND ${c.where({ period: 'toLastDayOfMonth(addMonths(month_end, 1))' })} GROUP BY month_end, bucket) AS lwq_a
    LEFT JOIN (SELECT month_end, bucket, sum(principal_balance) AS balance, count() AS loans
          FROM ${c.db}.loan_month WHERE status != 'paid_off' AND month_end <= {as_of:Date} AND ${c.where({ period: null })} GROUP BY month_end, bucket) AS lwq_b
      ON lwq_b.month_end = toLastDayOfMonth(addMonths(lwq_a.month_end, 1)) AND lwq_b.bucket = lwq_a.next_bucket`,

  /**
   * Vintage grid: every cohort × MOB the cohort has reached (right-censored at {as_of}, or the data's
   * last month-end when it is earlier (observedMonth): a cohort
   * has no row at a MOB its last origination month has not reached), with the cohort's original
   * principal and loan count (on the MOB 0 row), first-reach events of DPD > 0/30/60/90 at that
   * MOB (original principal, loans) and active balances over those thresholds at that MOB.
   */
  vintage_events: (c) => {
    const events = thresholds.flatMap((x, i) => [
      `sumIf(original_principal, bitTest(new_ever_bits, ${i})) AS first${x}_bal`,
      `countIf(bitTest(new_ever_bits, ${i})) AS first${x}_n`,
      `sumIf(principal_balance, status = 'active' AND dpd > ${x}) AS over${x}_bal`,
      `countIf(status = 'active' AND dpd > ${x}) AS over${x}_n`,
    ]);
    const picked = thresholds.flatMap((x) =>
      [`first${x}_bal`, `first${x}_n`, `over${x}_bal`, `over${x}_n`].map((k) => `lwq_e.${k} AS ${k}`),
    );
    return sql`
    SELECT lwq_g.cohort AS cohort, lwq_g.mob AS mob, if(lwq_g.mob = 0, lwq_g.principal, 0) AS cohort_principal,
      if(lwq_g.mob = 0, lwq_g.loans, 0) AS cohort_loans, ${trusted(picked.join(', '))}
    FROM (SELECT cohort, principal, loans, toUInt16(arrayJoin(range(toUInt32(max_mob) + 1))) AS mob FROM (
            SELECT ${cohortOf(c.cohortGrain, 'origination_date')} AS cohort, sum(principal) AS principal, count() AS loans,
              greatest(0, dateDiff('month', addMonths(cohort, ${cohortSpan(c.cohortGrain)}), ${observedMonth(c)})) AS max_mob
            FROM ${c.db}.loans WHERE origination_date <= {as_of:Date} AND ${c.where({ cohort: 'toStartOfMonth(origination_date)', period: null })}
            GROUP BY cohort)) AS lwq_g
    LEFT JOIN (SELECT ${cohortOf(c.cohortGrain, 'cohort_month')} AS cohort, mob, ${trusted(events.join(', '))}
            FROM ${c.db}.loan_month WHERE month_end <= {as_of:Date} AND ${c.where({ period: null })} GROUP BY cohort, mob) AS lwq_e
      ON lwq_e.cohort = lwq_g.cohort AND lwq_e.mob = lwq_g.mob`;
  },

  /**
   * Loans active at the period's opening month-end {p_start} (the month-end before `from`) with
   * their class then, and their last row on or before {p_to}: status, class and balance at the end
   * (or at closure).
   */
  migration_pairs: (c) => sql`
    SELECT lwq_s.loan_id AS loan_id, lwq_s.product AS product, lwq_s.region AS region, lwq_s.branch AS branch, lwq_s.channel AS channel,
      lwq_s.five_class AS from_class, lwq_s.principal_balance AS start_balance,
      lwq_e.status AS end_status, lwq_e.five_class AS end_class, lwq_e.principal_balance AS end_balance,
      ${classRank('end_class')} > ${classRank('from_class')} AS worse
    FROM (SELECT loan_id, loan_key, product, region, branch, channel, five_class, principal_balance FROM ${c.db}.loan_month
          WHERE month_end = {p_start:Date} AND status = 'active' AND ${c.where({ period: null })}) AS lwq_s
    -- the last row in the period is the one whose next row (if any) is after {p_to}: tapes may skip months, and a
    -- loan's rows stop at the one it closed in. An exact filter, so a plain join instead of a per-loan argMax;
    -- loans originated after {p_start} cannot have a start row and are not read. No end row (join default ''): closed.
    -- joined on the snapshot's integer loan_key: hashing 430 k id strings was a third of the query
    LEFT JOIN (SELECT loan_key, status, five_class, principal_balance FROM ${c.db}.loan_month
               WHERE month_end > {p_start:Date} AND month_end <= {p_to:Date} AND next_month_end > {p_to:Date} AND cohort_month <= {p_start:Date}) AS lwq_e
      ON lwq_e.loan_key = lwq_s.loan_key`,

  /**
   * Defaulted loans × months since default k = 0 … (right-censored at {as_of} or the data's last
   * month-end, observedMonth; with quarterly
   * cohorts, at the months the quarter's last month has reached): EAD on the k = 0 row,
   * cash received in month k after the default month (payments, recovery, collateral_sale,
   * debt_sale, settlement), and on the k = 0 row whether all cash so far exceeds EAD.
   */
  recovery_flows: (c) => {
    // the defaulted loans of the request with their cohort, how many months it has reached, and their cash by month
    const loans = sql`
      SELECT product, region, ead, ${cohortOf(c.cohortGrain, 'default_me')} AS default_cohort,
        -- the cash by month in month order, and the first month its running total exceeds the EAD (0: never)
        arraySort(arrayZip(cash_k, cash)) AS lwq_kc,
        arrayFirstIndex(lwq_t -> lwq_t > ead, arrayCumSum(arrayMap(lwq_x -> lwq_x.2, lwq_kc))) AS lwq_over_at,
        -- a quarterly cohort stops at the month its last default month has reached (as vintage cohorts do)
        toUInt32(greatest(0, dateDiff('month', addMonths(default_cohort, ${cohortSpan(c.cohortGrain)}), ${observedMonth(c)}))) AS reach
      FROM (${defaults(c)}) WHERE ${c.where({ period: 'default_me', product: null, region: null, branch: null, channel: null, cohort: null })}`;
    // three kinds of rows, summed by the metric: each loan at k = 0 (its EAD and the loan itself);
    // each month of cash up to the cohort's reach, flagged in the month the loan's cash first exceeds
    // its EAD (summed along k, the loans above 100% by month k, as `recovered` is the cash by then);
    // and a zero row for every month a cohort's product and region have reached, so a month without
    // cash still has its row. The same sums as one row per loan and month, with a fifth of the rows
    // (1M book: 0.5M rows instead of 1.4M).
    return sql`
    SELECT default_cohort, toUInt16(0) AS k, product, region, ead, toDecimal64(0, 2) AS cash, toUInt8(1) AS defaulted,
      toUInt8(0) AS over_100pct
    FROM (${loans})
    UNION ALL
    SELECT default_cohort, lwq_x.1 AS k, product, region, toDecimal64(0, 2) AS ead, toDecimal64(lwq_x.2, 2) AS cash,
      toUInt8(0) AS defaulted, toUInt8(lwq_n = lwq_over_at) AS over_100pct
    FROM (${loans}) ARRAY JOIN lwq_kc AS lwq_x, arrayEnumerate(lwq_kc) AS lwq_n WHERE lwq_x.1 <= reach
    UNION ALL
    SELECT default_cohort, toUInt16(arrayJoin(range(reach + 1))) AS k, product, region, toDecimal64(0, 2) AS ead,
      toDecimal64(0, 2) AS cash, toUInt8(0) AS defaulted, toUInt8(0) AS over_100pct
    FROM (SELECT DISTINCT default_cohort, product, region, reach FROM (${loans}))`;
  },

  /**
   * One row per defaulted loan: EAD, cash after default up to {as_of}, and whether the workout is
   * closed (a settlement, debt sale or collateral sale, or the loan paid off after default).
   */
  workouts: (c) => sql`
    SELECT lwq_d.loan_id AS loan_id, toStartOfMonth(lwq_d.default_me) AS default_cohort, lwq_d.product AS product, lwq_d.region AS region,
      lwq_d.ead AS ead, ${cashSoFar('lwq_d')} AS cash,
      (lwq_z.closed_by_event OR (lwq_d.paid_off_me > toDate('1970-01-01') AND lwq_d.paid_off_me <= {as_of:Date})) AS closed
    FROM (${defaults(c)}) AS lwq_d
    LEFT JOIN (SELECT loan_id, 1 AS closed_by_event FROM ${c.db}.loan_events WHERE type IN ('settlement', 'debt_sale', 'collateral_sale') AND event_date <= {as_of:Date} GROUP BY loan_id) AS lwq_z
      ON lwq_z.loan_id = lwq_d.loan_id
    WHERE ${c.where({ period: 'lwq_d.default_me', product: 'lwq_d.product', region: 'lwq_d.region', branch: 'lwq_d.branch', channel: 'lwq_d.channel', cohort: 'lwq_d.cohort_month' })}`,

  /**
   * Collection actions up to {as_of} with: the stage of the loan when the action was taken (its
   * bucket on the action's day, from its DPD that day: actionStageSql, shared with the promises
   * source), whether it was past due then (stage early, mid or late), contact and promise flags,
   * whether a matured promise (promised date + 3 days ≤ as-of) was kept (the promises source's
   * state: payments from the action date to promised date + 3 days, each counted for one promise
   * only when promises overlap, ≥ the promised amount; a promise without an amount needs a
   * payment), cash collected up to the as-of date (each
   * payment credited to the latest action on or before it, within 30 days; of several actions that
   * day, the greatest id), and cure (past due on the action's day, and current or paid off at the
   * first month-end after that day — cureMonthEndSql: the action's month-end, or the next one for an
   * action on a month's last day — once that month-end is on or before the as-of date). An action on a loan not past due then is never a
   * cure, nor in the cure rate's denominator. Read from the per-action facts the snapshot keeps
   * (collection_facts, warehouse/derived-facts.ts); what depends on the as-of date is decided here.
   */
  collection_actions: (c) => sql`
    SELECT action_id, channel, team, agent, toStartOfMonth(action_date) AS action_month, product, region, branch,
      ${trusted(actionStageSql('bucket_then'))} AS stage,
      ${trusted(pastDueThenSql('bucket_then'))} AS past_due,
      outcome IN ('contacted', 'promise_to_pay', 'refused', 'paid') AS contacted,
      outcome = 'promise_to_pay' AS promised,
      promised AND promise_due <= {as_of:Date} AS promise_matured,
      -- kept as the promise lifecycle says (promise-sources.ts: the same payment is not counted for two overlapping
      -- promises); a matured promise's state is the same at any as-of date after its deadline, so the snapshot keeps it
      promise_matured AND promise_status = 'kept' AS promise_kept,
      arraySum(arrayFilter((lwq_v, lwq_d) -> lwq_d <= {as_of:Date}, pay_amounts, pay_dates)) AS collected,
      -- a cure starts from past due, and is seen at the first month-end after the action's day: a report as of an earlier date does not know it yet
      past_due AND bucket_next IN ('C', 'PO') AND ${trusted(cureMonthEndSql('action_date'))} <= {as_of:Date} AS cured
    FROM ${c.db}.collection_facts
    WHERE action_date <= {as_of:Date}
      AND ${c.where({ period: 'toLastDayOfMonth(action_date)', product: 'product', region: 'region', branch: 'branch', channel: 'loan_channel', cohort: 'cohort_month' })}`,
};
