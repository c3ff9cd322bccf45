import { param, sql, trusted, type Sql } from '../sql.ts';
import { comparisonBalanceEdges, defaultAgencyTerms } from '../workout/agency-terms.ts';
import type { SourceContext } from './sources.ts';
import { observedAsOf } from './observed-as-of.ts';
import { cashAfterDefaultEvents } from '../workout-facts.ts';

/**
 * Sources of the workout metrics (issue 22, items 4 and 5): agency placements with what happened
 * during them and the in-house loans they are compared with; the loans that get disposal options
 * and the book's realised sales and restructures their options are estimated from.
 */

const closingTypes = "('settlement', 'debt_sale', 'collateral_sale')";

/**
 * A defaulted loan's cash after default up to {as_of}: its row of the snapshot's loan_defaults keeps
 * the cash by month since the default month (cash_k / cash), summed here in the row — an ARRAY JOIN
 * grouped back by loan and joined took three times as long.
 */
export const cashSoFar = (alias: string) =>
  trusted(
    `arraySum(arrayFilter((lwq_a, lwq_k) -> lwq_k <= dateDiff('month', toStartOfMonth(${alias}.default_me), toStartOfMonth({as_of:Date})), ${alias}.cash, ${alias}.cash_k))`,
  );

/** Every cash receipt of a loan up to {as_of}: payments, and the cash events after default. */
const cashOf = (c: SourceContext, loans: Sql) => sql`
  SELECT loan_id, paid_date AS cash_date, amount AS cash FROM ${c.db}.payments WHERE paid_date <= {as_of:Date} AND loan_id IN (${loans})
  UNION ALL
  SELECT loan_id, event_date, amount FROM ${c.db}.loan_events WHERE type IN ${trusted(cashAfterDefaultEvents)} AND event_date <= {as_of:Date} AND loan_id IN (${loans})`;

/** The charged-off loans of loan_month up to {as_of}: the loans whose default episode chargedOffDefaults reads. */
const chargedOffIds = (c: SourceContext) =>
  sql`SELECT loan_id FROM ${c.db}.loan_month WHERE status = 'charged_off' AND month_end <= {as_of:Date}`;

/**
 * The default a loan is in (or ended in) at {as_of}: its first month-end past 90 DPD (or charged off)
 * after its last month-end current (DPD 0, active) — the SPEC's default for a loan that never came
 * back, the default it went into again for one that cured — with the principal balance there (the
 * EAD). None for a loan current since its last default. loan_defaults keeps the first default (the
 * recovery metric's cohort): a loan that defaulted, cured, was paid down and defaulted again was
 * valued on that first EAD less every instalment it paid while current — it owed 44.40 of the
 * 7,456.50 written off — and counted its months from it.
 */
const episodeDefaults = (c: SourceContext, loans: Sql) => sql`
    SELECT loan_id, lwq_h[lwq_i].1 AS default_me, lwq_h[lwq_i].3 AS ead
    FROM (
      SELECT loan_id, lwq_h, arrayLastIndex(lwq_x -> lwq_x.2 = 0 AND lwq_x.4 = 'active', lwq_h) AS lwq_current
      FROM (
        SELECT loan_id, arraySort(groupArray((month_end, dpd, principal_balance, toString(status)))) AS lwq_h
        FROM ${c.db}.loan_month WHERE month_end <= {as_of:Date} AND loan_id IN (${loans})
        GROUP BY loan_id))
    ARRAY JOIN [arrayFirstIndex((lwq_x, lwq_j) -> lwq_j > lwq_current AND (lwq_x.2 > 90 OR lwq_x.4 = 'charged_off'), lwq_h, arrayEnumerate(lwq_h))] AS lwq_i
    WHERE lwq_i > 0`;

/** A charged-off loan's default that ended in the charge-off (episodeDefaults), with the cash received after it up to {as_of}. */
const chargedOffDefaults = (c: SourceContext) => sql`
  SELECT lwq_e.loan_id AS loan_id, lwq_e.default_me AS default_me, lwq_e.ead AS ead,
    ifNull(sumIf(lwq_k.cash, lwq_k.cash_date > lwq_e.default_me), 0) AS cash_since
  FROM (${episodeDefaults(c, chargedOffIds(c))}) AS lwq_e
  LEFT JOIN (${cashOf(c, chargedOffIds(c))}) AS lwq_k ON lwq_k.loan_id = lwq_e.loan_id
  GROUP BY loan_id, default_me, ead`;

/** The active loans past due at {as_of} that have defaulted before (loan_defaults): the ones whose default episodeDefaults reads. */
const activeDefaultedIds = (c: SourceContext) =>
  sql`SELECT loan_id FROM ${c.db}.loan_month WHERE month_end = {as_of:Date} AND status = 'active' AND dpd > 0
    AND loan_id IN (SELECT loan_id FROM ${c.db}.loan_defaults WHERE default_me <= {as_of:Date})`;

/**
 * Loans that may get disposal options at the month-end {as_of}: active loans with DPD > 0 there,
 * and charged-off loans whose workout is still open (no settlement, debt sale or collateral sale
 * by {as_of}). For a charged-off loan: DPD = its DPD at charge-off plus the days since; balance =
 * the EAD of the default that ended in the charge-off (after its last cure, chargedOffDefaults) less the cash
 * received after it; months since that default. For an active loan months since the default it is in
 * (after its last cure, episodeDefaults: the default a sale's months are measured from, sale_facts;
 * 0 when it is not in one — cured since its last default, or never defaulted).
 */
const disposalCandidates = (c: SourceContext) => {
  return sql`
  SELECT lwq_m.loan_id AS loan_id, lwq_m.product AS product, lwq_m.region AS region, lwq_m.branch AS branch, lwq_m.channel AS channel,
    lwq_m.cohort_month AS cohort, toString(lwq_m.status) AS status,
    toUInt32(lwq_m.dpd + if(lwq_m.status = 'active', 0, dateDiff('day', lwq_m.month_end, {as_of:Date}))) AS dpd_now,
    if(lwq_m.status = 'active', lwq_m.principal_balance,
       greatest(toDecimal64(0, 2), toDecimal64(lwq_o.ead, 2) - toDecimal64(lwq_o.cash_since, 2))) AS balance,
    toUInt32(multiIf(
      lwq_m.status != 'active', if(lwq_o.default_me > toDate('1970-01-01'), dateDiff('month', lwq_o.default_me, {as_of:Date}), 0),
      lwq_d.default_me > toDate('1970-01-01') AND lwq_d.default_me <= {as_of:Date}, dateDiff('month', lwq_d.default_me, {as_of:Date}),
      0)) AS months_since_default,
    toDecimal64(ifNull(lwq_l.collateral_value, 0), 2) AS collateral_value
  FROM (SELECT loan_id, month_end, product, region, branch, channel, cohort_month, status, dpd, principal_balance FROM ${c.db}.loan_month
        WHERE ((month_end = {as_of:Date} AND status = 'active' AND dpd > 0) OR (status = 'charged_off' AND month_end <= {as_of:Date}))
          -- dpd_over: of the active loans; a charged-off loan's workout is open whatever its days past due
          AND ${c.where({ period: null, cohort: 'cohort_month', dpd: "if(status = 'active', dpd, 4294967295)" })}) AS lwq_m
  -- collateral values of the loans that have one: every loan of loan_month is in loans, and a hash of the collateralised third
  -- of them is built faster than one of the whole book
  LEFT JOIN (SELECT loan_id, collateral_value FROM ${c.db}.loans WHERE collateral_value > 0) AS lwq_l ON lwq_l.loan_id = lwq_m.loan_id
  -- the default an active loan is in; a charged-off loan's last, with the cash since
  LEFT JOIN (${episodeDefaults(c, activeDefaultedIds(c))}) AS lwq_d ON lwq_d.loan_id = lwq_m.loan_id
  LEFT JOIN (${chargedOffDefaults(c)}) AS lwq_o ON lwq_o.loan_id = lwq_m.loan_id
  WHERE lwq_m.loan_id NOT IN (SELECT loan_id FROM ${c.db}.loan_events WHERE type IN ${trusted(closingTypes)} AND event_date <= {as_of:Date})`;
};

/** A workout fact table's events up to {as_of}, of the loans the request asks for. */
const factsUpTo = (c: SourceContext, table: 'restructure_facts' | 'sale_facts') => sql`
  SELECT * FROM ${c.db}.${trusted(table)} WHERE event_date <= {as_of:Date} AND ${c.where({ period: null, cohort: 'cohort_month' })}`;

/**
 * Realised collateral and debt sales up to {as_of}, one row per event (sale_facts, kept by the
 * snapshot: warehouse/workout-facts.ts): proceeds, the loan's collateral value, what was owed then,
 * DPD at the sale and whole months from the default month-end to the sale.
 */
const disposalSales = (c: SourceContext) => sql`
  SELECT event_id, kind, product, region, branch, channel, cohort_month AS cohort, proceeds, collateral_value, balance_at_sale,
    dpd_at_sale, months_after_default
  FROM (${factsUpTo(c, 'sale_facts')})`;

/** months after a restructure the book follows (the longest plan a terms file may ask for) */
export const restructureHorizonMonths = 36;

/**
 * Restructures up to {as_of} × months after the restructure month k = 1 … (only months whose
 * month-end is on or before {as_of} and the data's last month-end, observedAsOf; at most 36): the principal balance at the month-end before
 * the restructure, the cash received in month k, and whether the loan was current (C) or paid off
 * at month-end k. Each restructure's history comes from restructure_facts (kept by the snapshot:
 * warehouse/workout-facts.ts), read once and looked up per k.
 */
const restructureOutcomes = (c: SourceContext) => sql`
  SELECT event_id, product, region, branch, channel, cohort, lwq_o.1 AS k, balance, lwq_o.2 AS cash, lwq_o.3 AS cured
  FROM (
    -- each month's outcome computed in the event's row, then the row unrolled: unrolling first copied the
    -- event's history arrays once per month
    SELECT event_id, product, region, branch, channel, cohort_month AS cohort, balance_before AS balance,
      arrayMap(lwq_k -> (lwq_k,
          toDecimal64(cash_amounts[indexOf(cash_months, toStartOfMonth(addMonths(event_date, lwq_k)))], 2),
          has(current_mes, toLastDayOfMonth(addMonths(event_date, lwq_k)))
            OR (paid_off_me > toDate('1970-01-01') AND paid_off_me <= toLastDayOfMonth(addMonths(event_date, lwq_k)))),
        arrayMap(lwq_i -> toUInt16(lwq_i), range(1, toUInt32(least(${param(restructureHorizonMonths, 'UInt32')},
          greatest(0, dateDiff('month', toStartOfMonth(event_date), toStartOfMonth(addDays(${observedAsOf(c)}, 1))) - 1))) + 1))) AS lwq_outcomes
    FROM (${factsUpTo(c, 'restructure_facts')}))
  ARRAY JOIN lwq_outcomes AS lwq_o`;

/** A balance as its comparison band: 0 below the first edge, … */
const balanceBand = (col: string) =>
  sql`arrayCount((lwq_edge) -> ${trusted(col)} >= lwq_edge, ${param([...comparisonBalanceEdges], 'Array(Float64)')})`;

/**
 * Agency placements up to {as_of}, one row per placement (loan_events agency_placement, note = the
 * agency): the window from the day after the placement to its recall (the loan's first
 * agency_recall of that agency on or after the placement), or, not recalled, to the placement
 * period's end or {as_of}, whichever is first; the cash received in the window (payments, and
 * recovery and settlement events: what the agency collected); cured when a month-end in the window
 * finds the loan current or paid off; the commission at the terms' rate of the agency.
 * The in-house comparison: at the month-end before the placement, the loan's product, DPD bucket and
 * balance band (the cell); loans of that cell at that month-end that no placement covered from the
 * month-end to the placement period after it give the cell's in-house recovery rate (cash in that
 * period / their balance then) and cure rate; the placement's in-house expectation is its balance ×
 * that rate (only for placements whose cell has in-house loans: `matched`).
 */
/**
 * Each agency placement up to `asOf` (a Date fragment) of `db`: placement_id, loan_id, agency,
 * placed_date, placed_amount, end_date (its recall, else the placement period's end or asOf, the
 * first), ref_me (the month-end before it). Its window, the day after the placement to end_date, is
 * the agency's: the agency_performance metric credits the cash in it to the agency, and the
 * incentives to no in-house agent.
 */
export const placementWindowsSql = (db: Sql, asOf: Sql, placementDays: number) => sql`
    SELECT placement_id, loan_id, agency, placed_date, placed_amount,
      if(recalls > 0, recall_date, least(${asOf}, addDays(placed_date, ${param(placementDays, 'UInt32')}))) AS end_date,
      toLastDayOfMonth(addMonths(placed_date, -1)) AS ref_me
    FROM (SELECT lwq_p.event_id AS placement_id, any(lwq_p.loan_id) AS loan_id, any(lwq_p.note) AS agency, any(lwq_p.event_date) AS placed_date,
            any(lwq_p.amount) AS placed_amount,
            minIf(lwq_r.event_date, lwq_r.loan_id != '' AND lwq_r.event_date >= lwq_p.event_date) AS recall_date,
            countIf(lwq_r.loan_id != '' AND lwq_r.event_date >= lwq_p.event_date) AS recalls
          FROM (SELECT event_id, loan_id, note, event_date, amount FROM ${db}.loan_events WHERE type = 'agency_placement' AND event_date <= ${asOf}) AS lwq_p
          LEFT JOIN (SELECT loan_id, note, event_date FROM ${db}.loan_events WHERE type = 'agency_recall' AND event_date <= ${asOf}) AS lwq_r
            ON lwq_r.loan_id = lwq_p.loan_id AND lwq_r.note = lwq_p.note
          GROUP BY lwq_p.event_id)`;

const agencyPlacements = (c: SourceContext) => {
  const t = defaultAgencyTerms;
  const days = param(t.placement_days, 'UInt32');
  const placedLoans = sql`SELECT loan_id FROM ${c.db}.loan_events WHERE type = 'agency_placement' AND event_date <= {as_of:Date}`;
  const placements = placementWindowsSql(c.db, trusted('{as_of:Date}'), t.placement_days);
  /** each loan's cash up to {as_of} as parallel arrays of dates and amounts */
  const loanCash = (loans: Sql) => sql`
    SELECT loan_id, groupArray(cash_date) AS dates, groupArray(cash) AS amounts FROM (${cashOf(c, loans)}) GROUP BY loan_id`;
  /** each loan's month-ends at which it was current or paid off */
  const currentMonthEnds = (loans: Sql) => sql`
    SELECT loan_id, groupArray(month_end) AS current_mes FROM ${c.db}.loan_month
    WHERE bucket IN ('C', 'PO') AND month_end <= {as_of:Date} AND loan_id IN (${loans}) GROUP BY loan_id`;
  // loans delinquent at the month-ends placements are compared at, with their cell
  const inHouseBase = sql`
    SELECT loan_id, month_end, toString(bucket) AS bucket, ${balanceBand('principal_balance')} AS band, product, principal_balance
    FROM ${c.db}.loan_month WHERE status = 'active' AND dpd > 0 AND month_end IN (SELECT ref_me FROM (${placements}))`;
  const inHouseCells = sql`
    SELECT lwq_b.month_end AS ref_me, lwq_b.bucket AS bucket, lwq_b.band AS band, lwq_b.product AS product,
      count() AS ih_loans, sum(lwq_b.principal_balance) AS ih_balance,
      sum(arraySum(arrayFilter((lwq_v, lwq_d) -> lwq_d > lwq_b.month_end AND lwq_d <= least({as_of:Date}, addDays(lwq_b.month_end, ${days})),
        lwq_c.amounts, lwq_c.dates))) AS ih_cash,
      sum(toUInt64(arrayExists((lwq_d) -> lwq_d > lwq_b.month_end AND lwq_d <= least({as_of:Date}, addDays(lwq_b.month_end, ${days})), lwq_u.current_mes))) AS ih_cured
    FROM (${inHouseBase}) AS lwq_b
    LEFT JOIN (SELECT lwq_x.loan_id AS loan_id, lwq_x.month_end AS month_end,
                 countIf(lwq_q.placed_date <= addDays(lwq_x.month_end, ${days}) AND lwq_q.end_date > lwq_x.month_end) AS placed
               FROM (${inHouseBase}) AS lwq_x INNER JOIN (${placements}) AS lwq_q ON lwq_q.loan_id = lwq_x.loan_id
               GROUP BY loan_id, month_end) AS lwq_o ON lwq_o.loan_id = lwq_b.loan_id AND lwq_o.month_end = lwq_b.month_end
    -- per loan, its cash and its current month-ends as arrays: a loan at several month-ends reads them once (no row fan-out)
    LEFT JOIN (${loanCash(sql`SELECT loan_id FROM (${inHouseBase})`)}) AS lwq_c ON lwq_c.loan_id = lwq_b.loan_id
    LEFT JOIN (${currentMonthEnds(sql`SELECT loan_id FROM (${inHouseBase})`)}) AS lwq_u ON lwq_u.loan_id = lwq_b.loan_id
    WHERE ifNull(lwq_o.placed, 0) = 0
    GROUP BY ref_me, bucket, band, product`;
  return sql`
  SELECT lwq_p.placement_id AS placement_id, lwq_p.loan_id AS loan_id, lwq_p.agency AS agency, toStartOfMonth(lwq_p.placed_date) AS placement_cohort,
    lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch, lwq_l.channel AS channel, toStartOfMonth(lwq_l.origination_date) AS cohort,
    lwq_p.placed_amount AS placed_amount,
    toDecimal64(arraySum(arrayFilter((lwq_v, lwq_d) -> lwq_d > lwq_p.placed_date AND lwq_d <= lwq_p.end_date, lwq_c.amounts, lwq_c.dates)), 2) AS cash,
    toUInt64(arrayExists((lwq_d) -> lwq_d > lwq_p.placed_date AND lwq_d <= lwq_p.end_date, lwq_u.current_mes)) AS cured,
    toFloat64(cash) * arrayElement(${param(
      t.agencies.map((a) => a.commission_rate),
      'Array(Float64)',
    )}, indexOf(${param(
      t.agencies.map((a) => a.id),
      'Array(String)',
    )}, lwq_p.agency)) AS commission0,
    if(indexOf(${param(
      t.agencies.map((a) => a.id),
      'Array(String)',
    )}, lwq_p.agency) > 0, commission0, toFloat64(cash) * ${param(t.default_commission_rate, 'Float64')}) AS fee,
    lwq_h.ih_loans > 0 AS matched,
    if(matched, toFloat64(lwq_p.placed_amount) * toFloat64(lwq_h.ih_cash) / toFloat64(lwq_h.ih_balance), 0) AS inhouse_cash,
    if(matched, lwq_h.ih_cured / lwq_h.ih_loans, 0) AS inhouse_cure
  FROM (${placements}) AS lwq_p
  INNER JOIN ${c.db}.loans AS lwq_l ON lwq_l.loan_id = lwq_p.loan_id
  LEFT JOIN (${loanCash(placedLoans)}) AS lwq_c ON lwq_c.loan_id = lwq_p.loan_id
  LEFT JOIN (${currentMonthEnds(placedLoans)}) AS lwq_u ON lwq_u.loan_id = lwq_p.loan_id
  LEFT JOIN (SELECT loan_id, month_end, toString(bucket) AS bucket, ${balanceBand('principal_balance')} AS band FROM ${c.db}.loan_month
             WHERE loan_id IN (${placedLoans})) AS lwq_r ON lwq_r.loan_id = lwq_p.loan_id AND lwq_r.month_end = lwq_p.ref_me
  LEFT JOIN (${inHouseCells}) AS lwq_h
    ON lwq_h.ref_me = lwq_p.ref_me AND lwq_h.bucket = lwq_r.bucket AND lwq_h.band = lwq_r.band AND lwq_h.product = lwq_l.product
  WHERE ${c.where({ period: 'toLastDayOfMonth(lwq_p.placed_date)', product: 'lwq_l.product', region: 'lwq_l.region', branch: 'lwq_l.branch', channel: 'lwq_l.channel', cohort: 'toStartOfMonth(lwq_l.origination_date)' })}`;
};

export const workoutSources = {
  agency_placements: agencyPlacements,
  disposal_candidates: disposalCandidates,
  disposal_sales: disposalSales,
  restructure_outcomes: restructureOutcomes,
};
