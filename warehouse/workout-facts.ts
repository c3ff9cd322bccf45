import type { Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';

/**
 * What the disposal options' evidence reads of a restructured or sold loan's history, kept per
 * event by the snapshot (restructure_facts, sale_facts) instead of re-derived at each request from
 * the loan-months and payments of those loans (1.0 s of restructure outcomes and 0.3 s of the sales
 * on the 1M book). None of it depends on a request's as-of date: a request keeps the events on or
 * before it, and reads a restructure's month k only once month k has ended by then, so every
 * month-end and every payment it reads is on or before its as-of date too.
 */

/** the loan events that bring cash after default (besides payments): recovery, LGD, workouts read them */
export const cashAfterDefaultEvents = "('recovery', 'collateral_sale', 'debt_sale', 'settlement')";

/** Every cash receipt (payments, and cash events) of the loans in `loans` (all loans without it): loan_id, cash_date, cash. */
export const cashReceipts = (wh: Pick<Warehouse, 'database'>, loans?: string) => {
  const ofLoans = loans ? ` AND loan_id IN (${loans})` : '';
  return `
  SELECT loan_id, paid_date AS cash_date, amount AS cash FROM ${tableRef(wh, 'payments')} WHERE 1${ofLoans}
  UNION ALL
  SELECT loan_id, event_date, amount FROM ${tableRef(wh, 'loan_events')} WHERE type IN ${cashAfterDefaultEvents}${ofLoans}`;
};

const eventsOf = (wh: Pick<Warehouse, 'database'>, types: string, loans?: string) =>
  `SELECT event_id, loan_id, type, event_date, amount FROM ${tableRef(wh, 'loan_events')}
   WHERE type IN ${types}${loans ? ` AND loan_id IN (${loans})` : ''}`;

const loanAttributes = `lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch, lwq_l.channel AS channel,
    toStartOfMonth(lwq_l.origination_date) AS cohort_month`;

/**
 * Per restructure: the loan's attributes, its principal balance at the month-end before the
 * restructure month (0 without a row there), the month-end it was first paid off (1970-01-01:
 * never), the month-ends at which it was current or paid off (bucket C or PO), and its cash by
 * month (first day of the month, sum; every month with cash, in order).
 */
export const restructureFactsSelect = (wh: Pick<Warehouse, 'database'>, loans?: string) => {
  const restructured = `SELECT loan_id FROM (${eventsOf(wh, "('restructure')", loans)})`;
  return `
  SELECT lwq_e.event_id AS event_id, lwq_e.loan_id AS loan_id, lwq_e.event_date AS event_date, ${loanAttributes},
    toDecimal64(lwq_m.balances[indexOf(lwq_m.month_ends, toLastDayOfMonth(addMonths(lwq_e.event_date, -1)))], 2) AS balance_before,
    lwq_m.paid_off_me AS paid_off_me, lwq_m.current_mes AS current_mes, lwq_k.months AS cash_months, lwq_k.amounts AS cash_amounts
  FROM (${eventsOf(wh, "('restructure')", loans)}) AS lwq_e
  INNER JOIN ${tableRef(wh, 'loans')} AS lwq_l ON lwq_l.loan_id = lwq_e.loan_id
  LEFT JOIN (SELECT loan_id, groupArray(month_end) AS month_ends, groupArray(principal_balance) AS balances,
               arraySort(groupArrayIf(month_end, bucket IN ('C', 'PO'))) AS current_mes, minIf(month_end, status = 'paid_off') AS paid_off_me
             FROM ${tableRef(wh, 'loan_month')} WHERE loan_id IN (${restructured}) GROUP BY loan_id) AS lwq_m ON lwq_m.loan_id = lwq_e.loan_id
  LEFT JOIN (SELECT loan_id, arraySort(groupArray((month, cash))) AS lwq_mc, arrayMap(lwq_x -> lwq_x.1, lwq_mc) AS months,
               arrayMap(lwq_x -> lwq_x.2, lwq_mc) AS amounts
             FROM (SELECT loan_id, toStartOfMonth(cash_date) AS month, sum(cash) AS cash FROM (${cashReceipts(wh, restructured)}) GROUP BY loan_id, month)
             GROUP BY loan_id) AS lwq_k ON lwq_k.loan_id = lwq_e.loan_id`;
};

/**
 * Per collateral or debt sale: the loan's attributes and collateral value, the proceeds, what was
 * owed then (the EAD of the default the sale ended less the cash between its month-end and the
 * sale; the principal balance at the last month-end before a sale of a loan not in default), DPD at
 * the sale (the last month-end's DPD before it plus the days since) and whole months from that
 * default's month-end to the sale. The default is the one the disposal candidates are valued on
 * (workout-sources.ts chargedOffDefaults): the first month-end past 90 DPD (or charged off) after
 * the last month-end current before the sale — a sold loan that defaulted, cured, was paid down and
 * defaulted again owed its last default's EAD, not its first less every instalment paid while
 * current (the price rate would divide the proceeds by too little).
 */
export const saleFactsSelect = (wh: Pick<Warehouse, 'database'>, loans?: string) => {
  const sales = eventsOf(wh, "('collateral_sale', 'debt_sale')", loans);
  const sold = `SELECT loan_id FROM (${sales})`;
  const inDefault = "lwq_s.default_me > toDate('1970-01-01')";
  return `
  SELECT lwq_s.event_id AS event_id, lwq_s.loan_id AS loan_id, lwq_s.kind AS kind, lwq_s.event_date AS event_date, ${loanAttributes},
    lwq_s.proceeds AS proceeds, toDecimal64(ifNull(lwq_l.collateral_value, 0), 2) AS collateral_value,
    if(${inDefault},
       greatest(toDecimal64(0, 2), toDecimal64(lwq_s.ead, 2) - toDecimal64(arraySum(arrayFilter((lwq_c, lwq_d) ->
         lwq_d > lwq_s.default_me AND lwq_d < lwq_s.event_date, ifNull(lwq_k.cash, []), ifNull(lwq_k.dates, []))), 2)),
       toDecimal64(lwq_s.last_balance, 2)) AS balance_at_sale,
    toUInt32(lwq_s.last_dpd + if(lwq_s.last_me > toDate('1970-01-01'), dateDiff('day', lwq_s.last_me, lwq_s.event_date), 0)) AS dpd_at_sale,
    toUInt32(if(${inDefault}, dateDiff('month', lwq_s.default_me, lwq_s.event_date), 0)) AS months_after_default
  FROM (
    SELECT event_id, loan_id, kind, event_date, proceeds, last_dpd, last_balance, last_me,
      arrayLastIndex(lwq_x -> lwq_x.2 = 0 AND lwq_x.4 = 'active', lwq_h) AS lwq_current,
      arrayFirstIndex((lwq_x, lwq_j) -> lwq_j > lwq_current AND (lwq_x.2 > 90 OR lwq_x.4 = 'charged_off'), lwq_h, arrayEnumerate(lwq_h)) AS lwq_di,
      if(lwq_di > 0, lwq_h[lwq_di].1, toDate('1970-01-01')) AS default_me, if(lwq_di > 0, lwq_h[lwq_di].3, toDecimal64(0, 2)) AS ead
    FROM (
      SELECT lwq_e.event_id AS event_id, any(lwq_e.loan_id) AS loan_id, toString(any(lwq_e.type)) AS kind, any(lwq_e.event_date) AS event_date,
        any(lwq_e.amount) AS proceeds,
        argMaxIf(lwq_m.dpd, lwq_m.month_end, lwq_m.month_end <= lwq_e.event_date) AS last_dpd,
        argMaxIf(lwq_m.principal_balance, lwq_m.month_end, lwq_m.month_end <= lwq_e.event_date) AS last_balance,
        maxIf(lwq_m.month_end, lwq_m.month_end <= lwq_e.event_date) AS last_me,
        -- the month-ends before the sale, in order: (month-end, DPD, principal balance, status)
        arraySort(groupArrayIf((lwq_m.month_end, lwq_m.dpd, lwq_m.principal_balance, toString(lwq_m.status)),
          lwq_m.month_end < lwq_e.event_date)) AS lwq_h
      FROM (${sales}) AS lwq_e
      LEFT JOIN (SELECT loan_id, month_end, dpd, principal_balance, status FROM ${tableRef(wh, 'loan_month')} WHERE loan_id IN (${sold})) AS lwq_m ON lwq_m.loan_id = lwq_e.loan_id
      GROUP BY lwq_e.event_id)) AS lwq_s
  INNER JOIN ${tableRef(wh, 'loans')} AS lwq_l ON lwq_l.loan_id = lwq_s.loan_id
  -- each sold loan's cash receipts as two arrays (sales are few: no join row per receipt and sale)
  LEFT JOIN (SELECT loan_id, groupArray(cash_date) AS dates, groupArray(cash) AS cash FROM (${cashReceipts(wh, sold)}) GROUP BY loan_id) AS lwq_k
    ON lwq_k.loan_id = lwq_s.loan_id`;
};
