import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, render, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { bucketSql } from './classify-sql.ts';
import { inLoanPart, wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';
import { effectiveSchedule, scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { lastMonthEnd } from './build-snapshots.ts';
import { settingsLabel, snapshotParams, snapshotPass, type SnapshotSettings } from './snapshot-settings.ts';
import { heldMonthEndState, keepMonthEndState } from './month-end-state.ts';
import { delinquencyFromMonthEndStateSql, delinquencyOnWindowSql } from './delinquency-from-month-end-state.ts';

export interface DelinquencyAsOf {
  loan_id: string;
  as_of: string;
  source: 'schedule' | 'performance';
  dpd: number;
  bucket: string;
  status: string;
  principal_balance: string;
  overdue_principal: string;
  overdue_interest: string;
}

/**
 * DPD and bucket of every loan on any date (SPEC §4: case lists are pulled
 * daily). Schedule loans are evaluated exactly at the date with the snapshot's
 * own SQL; tape loans carry their latest month-end on or before the date
 * (a tape has no intra-month information).
 */
export function delinquencyAsOfSql(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
  part: LoanPart = wholeBook,
): Sql {
  const date = param(asOf, 'Date');
  // the pass reads the part as given (a hash bucket or a range of ids)
  const pass = {
    ...snapshotPass(snapshotParams(settings), { buckets: part.count, bucket: part.index, nonRetailOnly: false }),
    bucket: part,
  };
  return sql`
    SELECT loan_id, toString(${date}) AS as_of, 'schedule' AS source, dpd, bucket, status,
      toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
    FROM (${scheduleLoanMonthsSql(wh, { kind: 'as_of', date }, pass)})
    UNION ALL
    SELECT loan_id, toString(${date}), 'performance', dpd, bucket, status, toString(principal_balance), toString(overdue_principal), toString(overdue_interest)
    FROM (SELECT * FROM ${trusted(tableRef(wh, 'loan_month'))} PREWHERE source = 'performance' AND month_end <= ${date}
            WHERE ${inLoanPart('loan_id', part)}
          ORDER BY month_end DESC LIMIT 1 BY loan_id)`;
}

export async function delinquencyAsOf(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
): Promise<DelinquencyAsOf[]> {
  return querySql<DelinquencyAsOf>(wh, sql`SELECT * FROM (${delinquencyAsOfSql(wh, asOf, settings)}) ORDER BY loan_id`);
}

/**
 * Active schedule loans' delinquency on a date from the month-end state: the loans `loan_month`
 * holds as active at the last month-end on or before the date (paid-off and charged-off loans are
 * not looked at again) plus the loans originated since, each evaluated at the date with SPEC §4's
 * rules in closed form — one date needs no replay of the payment history: P = the amount applied
 * (payments less penalty, plus restructure credits) up to and including the date, the oldest
 * installment not fully paid is the first whose cumulative amount due exceeds P, DPD counts from
 * its due date once grace has lapsed, the waterfall (interest then principal) gives the principal
 * paid and hence the balance and overdue amounts. The same quantities the snapshot's array
 * evaluation computes (schedule-path-sql.ts), restricted to active loans: a loan charged off by
 * the date, or paid off, is left out, so cash after a charge-off never enters P here.
 *
 * The month-end row does not carry the cumulative amount applied (its balance and overdue
 * amounts pin it down only for delinquent loans), so P is one sum per loan over its payments to
 * the date, not a replay. Only valid while the snapshot is fresh (snapshotCovers): a payment
 * ingested after the snapshot could have closed a loan the state still holds as active.
 */
export function delinquencyFromStateSql(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
  part: LoanPart = wholeBook,
): Sql {
  const t = (name: string) => trusted(tableRef(wh, name));
  const date = param(asOf, 'Date');
  const me = param(lastMonthEnd(asOf), 'Date');
  const p = snapshotParams(settings);
  const candidates = sql`(SELECT loan_id FROM ${t('loan_month')} WHERE month_end = ${me} AND status = 'active' AND source = 'schedule'
        AND ${inLoanPart('loan_id', part)}
      UNION ALL SELECT loan_id FROM ${t('loans')} WHERE origination_date > ${me} AND origination_date <= ${date}
        AND ${inLoanPart('loan_id', part)} AND loan_id NOT IN (SELECT loan_id FROM ${t('performance')}))`;
  const schedule = effectiveSchedule(wh, {
    loans: 'lwq_l',
    as: 'lwq_sf',
    filter: sql`loan_id IN ${candidates}`,
    reach: { through: date, credits: trusted('ifNull(lwq_pay.applied, 0) + ifNull(lwq_ev.r_to_date, 0)') },
  });
  // the whole schedule read (a prefix: reach) as the window, nothing before it
  const state = sql`
    SELECT loan_id, s_due AS due, s_pr AS principal, s_int AS interest,
      toInt64(0) AS due_before, toInt64(0) AS principal_before, toInt64(0) AS interest_before,
      if(s_prefix, s_principal_cents, arraySum(s_pr)) AS principal_total, explicit_split,
      if(has_co, co_raw, toDate('2149-06-06')) AS charge_off, applied + r_to_date AS P,
      principal_paid AS principal_paid_to_date, r_total - r_to_date AS restructured_later
    FROM (
      SELECT lwq_l.loan_id AS loan_id,
        ${schedule.columns}, lwq_pay.applied AS applied, lwq_pay.principal AS principal_paid,
        lwq_pay.explicit_split AS explicit_split, lwq_ev.has_co AS has_co, lwq_ev.co_raw AS co_raw, lwq_ev.r_total AS r_total, lwq_ev.r_to_date AS r_to_date
      -- the candidates before the joins: a filter on the joined rows probed every loan of the book against them
      FROM (SELECT * FROM ${t('loans')} WHERE loan_id IN ${candidates} AND origination_date <= ${date}) AS lwq_l
      ${schedule.join}
      -- per payment as the snapshot converts it (cents, truncated), summed; explicit_split over all the loan's payments, as there
      LEFT JOIN (SELECT loan_id, sumIf(toInt64((amount - ifNull(penalty_paid, 0)) * 100), paid_date <= ${date}) AS applied,
                   sumIf(toInt64(ifNull(principal_paid, 0) * 100), paid_date <= ${date}) AS principal,
                   toUInt8(countIf(isNull(principal_paid)) = 0) AS explicit_split
                 FROM ${t('payments')} WHERE loan_id IN ${candidates} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
      LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                   sumIf(toInt64(amount * 100), type = 'restructure') AS r_total,
                   sumIf(toInt64(amount * 100), type = 'restructure' AND event_date <= ${date}) AS r_to_date
                 FROM ${t('loan_events')} WHERE loan_id IN ${candidates} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
      -- a loan without payments or events joins as zeros and explicit_split 0, as in the snapshot (join_use_nulls = 0)
    )`;
  const bucket = (dpd: string, status: string) => bucketSql(dpd, status, p.bucketBounds);
  return sql`
    ${delinquencyOnWindowSql(state, { date, grace: p.grace, graceEnd: p.graceEnd, bucket })}
    UNION ALL
    ${activeTapeLoansSql(wh, date, part)}`;
}

/**
 * Tape loans active on a date: their latest month-end row on or before it (a tape has no
 * intra-month information, and may stop before the date), as delinquencyAsOfSql carries them.
 */
function activeTapeLoansSql(wh: Warehouse, date: Param, part: LoanPart): Sql {
  return sql`
    SELECT loan_id, toString(${date}) AS as_of, 'performance' AS source, dpd, toString(bucket) AS bucket, toString(status) AS status,
      toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
    FROM (SELECT * FROM ${trusted(tableRef(wh, 'loan_month'))} PREWHERE source = 'performance' AND month_end <= ${date}
            WHERE ${inLoanPart('loan_id', part)}
          ORDER BY month_end DESC LIMIT 1 BY loan_id)
    WHERE status = 'active'`;
}

/**
 * Active loans' delinquency on a date, with where it came from. `sql` is the fragment to compose
 * into a larger statement; `query` and `query_params` are it rendered alone, for a caller that runs it
 * by itself.
 */
export interface DelinquencyQuery {
  sql: Sql;
  /** month_end_state: the kept state of the month-end (month-end-state.ts); state: that state evaluated again from loan_month */
  source: 'snapshot' | 'month_end_state' | 'state' | 'history';
  query: string;
  query_params: Record<string, unknown>;
}

const delinquencyQuery = (fragment: Sql, source: DelinquencyQuery['source']): DelinquencyQuery => ({
  sql: fragment,
  source,
  ...render(fragment),
});

/** Whether the latest snapshot run started after the last ingest finished (else a later file could have changed what it holds). */
const afterLastIngest = (wh: Warehouse) =>
  sql`(SELECT max(started_at) FROM ${trusted(tableRef(wh, 'snapshot_runs'))}) >= (SELECT max(finished_at) FROM ${trusted(tableRef(wh, 'ingest_receipts'))})`;

/**
 * Whether the latest snapshot run holds `monthEnd` as it is now: built with these settings,
 * through that month-end, and after the last ingest finished (else a later file could have changed it).
 */
export async function snapshotCovers(wh: Warehouse, monthEnd: string, settings: SnapshotSettings): Promise<boolean> {
  const runs = trusted(tableRef(wh, 'snapshot_runs'));
  const [fresh] = await querySql<{ ok: number }>(
    wh,
    sql`SELECT
      (SELECT argMax(settings, started_at) FROM ${runs}) = ${param(settingsLabel(settings), 'String')}
      AND (SELECT argMax(last_month_end, started_at) FROM ${runs}) >= ${param(monthEnd, 'Date')}
      AND ${afterLastIngest(wh)} AS ok`,
  );
  return fresh?.ok === 1;
}

/** afterLastIngest alone: for readers of the snapshot's other tables (the accrual rows), which carry their own settings label. */
export async function noIngestSinceSnapshot(wh: Warehouse): Promise<boolean> {
  const [r] = await querySql<{ ok: number }>(wh, sql`SELECT ${afterLastIngest(wh)} AS ok`);
  return r?.ok === 1;
}

/**
 * DPD on a date for readers that want active loans (case lists, warnings). While the latest
 * snapshot is fresh (snapshotCovers), a month-end's answer is its snapshot rows (the same SQL made
 * them, evaluated at that month-end) and any other date starts from the last month-end's state
 * (delinquencyFromStateSql); a stale snapshot, or a date past it, is evaluated from the history as
 * delinquencyAsOfSql does. The source is decided once (one statement); the query per part of the
 * book follows from it.
 */
export async function activeDelinquencySource(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
  /** snapshotCovers' answer for the date's month-end, when the caller has it */
  covers?: boolean,
): Promise<(part?: LoanPart) => DelinquencyQuery> {
  const me = lastMonthEnd(asOf);
  if (!(covers ?? (await snapshotCovers(wh, me, settings))))
    return (part = wholeBook) => delinquencyQuery(delinquencyAsOfSql(wh, asOf, settings, part), 'history');
  const date = param(asOf, 'Date');
  // a book without a servicer tape has no tape loans to read back from loan_month (a scan of every month-end's rows per part)
  const [tapes] = await querySql<{ n: string }>(
    wh,
    sql`SELECT count() AS n FROM (SELECT 1 FROM ${trusted(tableRef(wh, 'performance'))} LIMIT 1)`,
  );
  const tapeLoans = (part: LoanPart) =>
    Number(tapes?.n ?? 1) > 0 ? sql`UNION ALL ${activeTapeLoansSql(wh, date, part)}` : trusted('');
  const fillId = me !== asOf ? await monthEndStateAvailable(wh, me) : null;
  if (fillId !== null) {
    const p = snapshotParams(settings);
    const bucket = (dpd: string, status: string) => bucketSql(dpd, status, p.bucketBounds);
    return (part = wholeBook) =>
      delinquencyQuery(
        sql`${delinquencyFromMonthEndStateSql(wh, { asOf, monthEnd: me, fillId, grace: p.grace, graceEnd: p.graceEnd, bucket, part })}
        ${tapeLoans(part)}`,
        'month_end_state',
      );
  }
  if (me !== asOf)
    return (part = wholeBook) => delinquencyQuery(delinquencyFromStateSql(wh, asOf, settings, part), 'state');
  return (part = wholeBook) =>
    delinquencyQuery(
      sql`SELECT loan_id, toString(month_end) AS as_of, toString(source) AS source, dpd, toString(bucket) AS bucket, toString(status) AS status,
        toString(principal_balance) AS principal_balance, toString(overdue_principal) AS overdue_principal, toString(overdue_interest) AS overdue_interest
      FROM ${trusted(tableRef(wh, 'loan_month'))} WHERE month_end = ${date} AND status = 'active' AND source = 'schedule'
        AND ${inLoanPart('loan_id', part)}
      ${tapeLoans(part)}`,
      'snapshot',
    );
}

/**
 * The month-end's kept state to read (its keeping's id; heldMonthEndState): held under the latest
 * snapshot run, or kept now (an earlier month's, on the first list of a day in it). Null when a
 * warehouse refuses the write (a read-only user on a server): the state is then evaluated again from
 * loan_month instead.
 */
async function monthEndStateAvailable(wh: Warehouse, monthEnd: string): Promise<string | null> {
  const held = await heldMonthEndState(wh, monthEnd);
  if (held !== null) return held;
  try {
    return await keepMonthEndState(wh, monthEnd);
  } catch {
    return null;
  }
}

/** activeDelinquencySource's query for one part of the book (default: the whole book). */
export async function activeDelinquencyQuery(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
  part: LoanPart = wholeBook,
): Promise<DelinquencyQuery> {
  return (await activeDelinquencySource(wh, asOf, settings))(part);
}
