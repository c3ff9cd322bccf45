import { randomUUID } from 'node:crypto';
import { exec, execSql, querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';
import { loanRangeParts } from '../../warehouse/loan-ranges.ts';
import { param, sql, trusted, underLayers, type Param, type Sql } from '../../warehouse/sql.ts';
import { monthEndStateTables } from '../../warehouse/tables.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { effectiveSchedule } from './schedule-path-sql.ts';

/**
 * Each schedule loan's state at a month-end, kept so that a date of the next month reads one row
 * per loan instead of generating its schedule and summing its payments again (issue 24: a daily
 * case list from the month-end state). What a date d of that month needs, by SPEC §4's rules in
 * closed form (delinquencyFromStateSql):
 * - the amount applied P(d): the amount applied through the month-end (payments less penalty, and
 *   restructure credits) plus the payments and credits dated after it up to d — kept as arrays, so
 *   P(d) is a sum over them;
 * - the oldest installment not fully paid at P(d), its due date and the cumulative amounts before
 *   it: P(d) lies between the amount applied at the month-end (the window starts at the oldest
 *   installment unpaid then) and that plus every positive credit after it, and d is before the
 *   next month-end, so the window ends at the first installment due after the next month-end that
 *   is also beyond that largest P. Before the window, only cumulative sums are kept;
 * - the installments past due at d: those of the window with due + grace < d, and every one
 *   before the window once the window's first is (then nothing before it is unpaid, so the
 *   overdue amounts need only the window's cumulative sums).
 * Where P can fall after the month-end (a negative payment or credit) or the schedule is a file's
 * (its due dates need not be in order), the window is the whole schedule read.
 *
 * Valid while the snapshot that wrote it is fresh (snapshotCovers): it holds every payment known
 * when it was written.
 */

const columns = monthEndStateTables.month_end_state.columns.map(([n]) => n);

/** The state rows of a month-end for the loans of `part` (active at the month-end, or originated after it). */
export function monthEndStateSql(
  wh: Pick<Warehouse, 'database'>,
  monthEnd: string,
  part: LoanPart = wholeBook,
  fillId = '',
): Sql {
  const t = (name: string) => trusted(tableRef(wh, name));
  const me = param(monthEnd, 'Date');
  const nextMe = param(addMonthEnds(monthEnd, 1), 'Date');
  const candidates = sql`(SELECT loan_id FROM ${t('loan_month')} WHERE month_end = ${me} AND status = 'active' AND source = 'schedule'
        AND ${inLoanPart('loan_id', part)}
      UNION ALL SELECT loan_id FROM ${t('loans')} WHERE origination_date > ${me} AND ${inLoanPart('loan_id', part)}
        AND loan_id NOT IN (SELECT loan_id FROM ${t('performance')}))`;
  const schedule = effectiveSchedule(wh, {
    loans: 'lwq_l',
    as: 'lwq_sf',
    filter: sql`loan_id IN ${candidates}`,
    reach: { through: nextMe, credits: trusted('ifNull(lwq_pay.credit_bound, 0) + ifNull(lwq_ev.credit_bound, 0)') },
  });
  const inputs = sql`
    SELECT lwq_l.loan_id AS loan_id, lwq_l.origination_date AS origination_date, lwq_l.product AS product,
      toFloat64(lwq_l.annual_rate) AS annual_rate, ${schedule.columns},
      lwq_pay.applied AS applied, lwq_pay.principal_paid_me AS principal_paid, lwq_pay.explicit_split AS explicit_split,
      lwq_pay.pay_dates AS pay_dates, lwq_pay.pay_applied AS pay_applied, lwq_pay.pay_principal AS pay_principal,
      lwq_pay.pay_amount AS pay_amount, lwq_pay.pay_penalty AS pay_penalty, lwq_pay.penalty_above_cash AS penalty_above_cash,
      lwq_ev.waiver_dates AS waiver_dates, lwq_ev.waiver_amounts AS waiver_amounts,
      lwq_ev.restructured AS restructured, lwq_ev.restructure_total AS restructure_total,
      if(lwq_ev.has_co, lwq_ev.co_raw, toDate('2149-06-06')) AS charge_off,
      lwq_ev.restructure_dates AS restructure_dates, lwq_ev.restructure_amounts AS restructure_amounts
    FROM (SELECT * FROM ${t('loans')} WHERE loan_id IN ${candidates}) AS lwq_l
    ${schedule.join}
    -- per payment as the snapshot converts it (cents, truncated); explicit_split over all the loan's payments, as there
    LEFT JOIN (SELECT loan_id, sumIf(toInt64((amount - ifNull(penalty_paid, 0)) * 100), paid_date <= ${me}) AS applied,
                 sumIf(toInt64(ifNull(principal_paid, 0) * 100), paid_date <= ${me}) AS principal_paid_me,
                 toUInt8(countIf(isNull(principal_paid)) = 0) AS explicit_split,
                 sum(greatest(toInt64((amount - ifNull(penalty_paid, 0)) * 100), 0)) AS credit_bound,
                 -- the accrual's form of each payment too: its cash, and its penalty part (-1: none given)
                 arraySort(groupArrayIf((paid_date, toInt64((amount - ifNull(penalty_paid, 0)) * 100), toInt64(ifNull(principal_paid, 0) * 100),
                     toInt64(amount * 100), if(isNull(penalty_paid), toInt64(-1), toInt64(assumeNotNull(penalty_paid) * 100))),
                   paid_date > ${me})) AS after,
                 arrayMap(x -> x.1, after) AS pay_dates, arrayMap(x -> x.2, after) AS pay_applied, arrayMap(x -> x.3, after) AS pay_principal,
                 arrayMap(x -> x.4, after) AS pay_amount, arrayMap(x -> x.5, after) AS pay_penalty,
                 -- a penalty part above the payment's cash lowers the amount applied (the accrual's closed form then differs)
                 toUInt8(countIf(ifNull(penalty_paid, 0) > amount) > 0) AS penalty_above_cash
               FROM ${t('payments')} WHERE loan_id IN ${candidates} GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
    LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                 sumIf(toInt64(amount * 100), type = 'restructure') AS restructure_total,
                 sumIf(toInt64(amount * 100), type = 'restructure' AND event_date <= ${me}) AS restructured,
                 sumIf(greatest(toInt64(amount * 100), 0), type = 'restructure') AS credit_bound,
                 arraySort(groupArrayIf((event_date, toInt64(amount * 100)), type = 'restructure' AND event_date > ${me})) AS r_after,
                 arrayMap(x -> x.1, r_after) AS restructure_dates, arrayMap(x -> x.2, r_after) AS restructure_amounts,
                 arraySort(groupArrayIf((event_date, toInt64(amount * 100)), type = 'waiver' AND event_date > ${me})) AS w_after,
                 arrayMap(x -> x.1, w_after) AS waiver_dates, arrayMap(x -> x.2, w_after) AS waiver_amounts
               FROM ${t('loan_events')} WHERE loan_id IN ${candidates} GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id`;
  // a loan without payments or events joins as zeros and empty arrays (join_use_nulls = 0), as in the snapshot
  const window = underLayers(inputs, [
    `arrayCumSum(arrayMap((x, y) -> x + y, s_pr, s_int)) AS C, arrayCumSum(s_pr) AS CPR, arrayCumSum(s_int) AS CI,
      length(s_due) AS n, if(s_prefix, s_principal_cents, CPR[n]) AS principal_total, applied + restructured AS p_me,
      arrayExists(x -> x < 0, pay_applied) OR arrayExists(x -> x < 0, restructure_amounts) AS can_fall`,
    `p_me + arraySum(x -> greatest(x, 0), pay_applied) + arraySum(x -> greatest(x, 0), restructure_amounts) AS p_max`,
    // (a first index of 0: no such installment, so every one up to the last read)
    sql`if(can_fall OR has_file_schedule, 1, greatest(arrayFirstIndex(c -> c > p_me, C), 1)) AS a,
      arrayFirstIndex(d -> d > ${nextMe}, s_due) AS due_after, arrayFirstIndex(c -> c > p_max, C) AS beyond_p,
      if(has_file_schedule OR due_after = 0 OR beyond_p = 0, n, greatest(a, due_after, beyond_p)) AS b`,
  ]);
  return sql`
    SELECT ${me} AS month_end, ${param(fillId, 'String')} AS fill_id, loan_id, origination_date, product, annual_rate, toUInt32(a) AS first_installment, toUInt8(b = n AND NOT s_prefix) AS last_is_final,
      arraySlice(s_due, a, b - a + 1) AS due, arraySlice(s_pr, a, b - a + 1) AS principal, arraySlice(s_int, a, b - a + 1) AS interest,
      if(a > 1, C[a - 1], 0) AS due_before, if(a > 1, CPR[a - 1], 0) AS principal_before, if(a > 1, CI[a - 1], 0) AS interest_before,
      principal_total, applied, principal_paid, explicit_split, restructured, restructure_total, charge_off,
      pay_dates, pay_applied, pay_principal, pay_amount, pay_penalty, restructure_dates, restructure_amounts,
      waiver_dates, waiver_amounts, penalty_above_cash
    FROM (${window})`;
}

/**
 * Rewrites month_end_state for the month-end (run at the end of the snapshot), into a new table
 * swapped in atomically, in passes over ranges of loan ids like the accrual's.
 */
export async function fillMonthEndState(
  wh: Warehouse,
  o: { monthEnd: string; passes?: number | undefined },
): Promise<void> {
  const live = tableRef(wh, 'month_end_state');
  const next = tableRef(wh, 'month_end_state_next');
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  const passes = Math.max(1, o.passes ?? 1);
  const parts = passes === 1 ? [wholeBook] : await loanRangeParts(wh, passes);
  for (const p of parts)
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(next)} (${trusted(columns.join(', '))}) ${monthEndStateSql(wh, o.monthEnd, p)}`,
      { max_insert_threads: 2 },
    );
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
}

/**
 * Records that month_end_state holds the month-end, by the keeping `fillId`, and how many rows,
 * under the snapshot run begun at `runStartedAt` (epoch ms).
 */
export async function recordMonthEndState(
  wh: Warehouse,
  monthEnd: string,
  runStartedAt: number,
  fillId = '',
): Promise<void> {
  const me = param(monthEnd, 'Date');
  const fill = param(fillId, 'String');
  await execSql(
    wh,
    sql`INSERT INTO ${trusted(tableRef(wh, 'month_end_state_runs'))} (month_end, run_started_at, fill_id, rows, written_at)
      SELECT ${me}, fromUnixTimestamp64Milli(${param(runStartedAt, 'Int64')}), ${fill}, count(), now64(3)
      FROM ${trusted(tableRef(wh, 'month_end_state'))} WHERE month_end = ${me} AND fill_id = ${fill}`,
  );
}

/** The runs' table's rows of the month-end under the latest snapshot run. */
const latestRunRecords = (wh: Pick<Warehouse, 'database'>, monthEnd: Param) =>
  sql`SELECT fill_id, rows, written_at FROM ${trusted(tableRef(wh, 'month_end_state_runs'))}
    WHERE month_end = ${monthEnd} AND run_started_at = (SELECT max(started_at) FROM ${trusted(tableRef(wh, 'snapshot_runs'))})`;

/**
 * The keeping of the month-end's state to read (its fill_id), or null when none is held: written
 * under the latest snapshot run with every row still there (a refresh replacing the touched loans'
 * rows could have left an earlier month's partial until its run is recorded); the latest such.
 */
export async function heldMonthEndState(wh: Warehouse, monthEnd: string): Promise<string | null> {
  const me = param(monthEnd, 'Date');
  const [r] = await querySql<{ fill_id: string }>(
    wh,
    sql`SELECT lwq_r.fill_id AS fill_id FROM (${latestRunRecords(wh, me)}) AS lwq_r
      INNER JOIN (SELECT fill_id, count() AS n FROM ${trusted(tableRef(wh, 'month_end_state'))} WHERE month_end = ${me} GROUP BY fill_id) AS lwq_n
        ON lwq_n.fill_id = lwq_r.fill_id
      WHERE lwq_n.n = lwq_r.rows
      ORDER BY lwq_r.written_at DESC LIMIT 1`,
  );
  return r ? r.fill_id : null;
}

/** Loans per statement of a month-end state kept on demand (the case list's parts). */
const keptStateLoansPerPart = 250_000;
const keeping = new Map<string, Promise<string>>();

/**
 * Keeps the state of a month-end the latest snapshot run did not write (an earlier month's, for a
 * list of a day in it) under a keeping id of its own, recorded under that run once every row is in,
 * and drops the keepings of earlier runs; once per process at a time (a second caller waits for the
 * first). Returns the keeping's id. The caller has checked the snapshot is fresh.
 */
export function keepMonthEndState(wh: Warehouse, monthEnd: string): Promise<string> {
  const key = `${wh.database}\u0000${monthEnd}`;
  const running = keeping.get(key);
  if (running) return running;
  const done = (async () => {
    const me = param(monthEnd, 'Date');
    const fillId = randomUUID();
    const runs = trusted(tableRef(wh, 'snapshot_runs'));
    const [run] = await querySql<{ at: string }>(
      wh,
      sql`SELECT toString(toUnixTimestamp64Milli(max(started_at))) AS at FROM ${runs}`,
    );
    const live = trusted(tableRef(wh, 'month_end_state'));
    const [n] = await querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM ${trusted(tableRef(wh, 'loans'))}`);
    const parts = await loanRangeParts(wh, Math.max(1, Math.ceil(Number(n?.n ?? 0) / keptStateLoansPerPart)));
    for (const p of parts)
      await execSql(
        wh,
        sql`INSERT INTO ${live} (${trusted(columns.join(', '))}) ${monthEndStateSql(wh, monthEnd, p, fillId)}`,
        { max_insert_threads: 2 },
      );
    await recordMonthEndState(wh, monthEnd, Number(run?.at ?? 0), fillId);
    // a keeping of this run may be read by another process meanwhile: only earlier runs' go
    await execSql(
      wh,
      sql`DELETE FROM ${live} WHERE month_end = ${me} AND fill_id NOT IN (SELECT fill_id FROM (${latestRunRecords(wh, me)}))`,
    );
    return fillId;
  })().finally(() => keeping.delete(key));
  keeping.set(key, done);
  return done;
}
