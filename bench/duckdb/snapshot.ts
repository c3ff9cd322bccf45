/**
 * The SPEC §4 month-end computation in DuckDB SQL, for bench/ingest-snapshot: the peer an analyst
 * would pick instead of loanwatch, on the same rows, timed in the same run (issue 24, item 5).
 *
 * In scope (as loanwatch's schedule path computes them): every month-end from the origination month
 * to closure or the as-of month-end; amount applied P(d) = payments up to and including d less
 * penalty, paid before any charge-off, plus restructure credits; the oldest installment not fully
 * paid (first cumulative due > P, integer cents, so "within half a cent" is exact); DPD with the
 * grace days and counting convention of the run; allocation oldest installment first, interest then
 * principal (the servicer's principal_paid split when every payment of the loan carries one);
 * principal balance (less restructure amounts not yet capitalised); status paid_off / charged_off /
 * active with no rows after the closure row; bucket. Left out, as in the pandas reference: the
 * five-category class (contagion, overrides), IFRS 9 stage, overdue principal/interest, cash paid in
 * the month, tape (performance) loans, and generating schedules from loan terms — DuckDB reads the
 * effective schedule loanwatch evaluates (the servicer's file, else the one generated from terms),
 * exported once as installments.
 *
 * Inputs (CSV, integers: ids, days since 1970-01-01, cents), in the directory bench/pandas reads:
 *   credits.csv        the pandas reference's own file: payments before charge-off (less penalty) and restructure credits
 *   installments.csv   every installment of the effective schedule (loan, no, due, principal, interest) — pandas' schedule.csv
 *                      holds only the amounts due by the as-of date; balances and paid-off need the whole schedule and its split
 *   restructures.csv   restructure credits apart (the balance excludes them until their date)
 *   principal_paid.csv the servicer's principal split, for loans whose every payment carries one (before charge-off)
 *   peer_loans.csv     schedule-path loans originated by the as-of date: origination, charge-off date, explicit split
 *   loan_month.csv     loanwatch's answer (dpd, bucket, status, balance of every schedule-path loan-month): the check, not timed
 */
import { join } from 'node:path';
import { exec, type Warehouse } from '../../warehouse/connection.ts';
import { effectiveScheduleColumns, fileScheduleJoin } from '../../pipelines/snapshot/schedule-path-sql.ts';
import type { SnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { median } from '../lib/median.ts';
import { csv, openDuck, since, type Duck } from './duckdb.ts';

const loanNo = (col: string) => `toUInt64(substring(${col}, 2))`;

/** Writes the DuckDB peer's inputs beside the pandas reference's (credits.csv is written by bench/ingest-snapshot for both). */
export async function exportSnapshotPeerInputs(wh: Warehouse, dir: string, asOf: string): Promise<void> {
  const db = wh.database;
  const write = (file: string, select: string) =>
    exec(
      wh,
      `INSERT INTO FUNCTION file({f:String}, 'CSVWithNames') ${select} SETTINGS engine_file_truncate_on_insert = 1`,
      { f: join(dir, file), me: asOf },
    );
  // the loans the schedule path evaluates: originated by the as-of date, not carried by a performance tape
  const scheduleLoans = `lwq_l.origination_date <= {me:Date} AND lwq_l.loan_id NOT IN (SELECT loan_id FROM ${db}.performance)`;
  const chargeOff = `(SELECT loan_id, min(event_date) AS co FROM ${db}.loan_events WHERE type = 'charge_off' GROUP BY loan_id)`;
  const splitLoans = `(SELECT loan_id FROM ${db}.payments GROUP BY loan_id HAVING countIf(isNull(principal_paid)) = 0)`;
  await write(
    'installments.csv',
    `SELECT loan, toUInt32(x.1) AS no, toInt32(x.2) AS due, x.3 AS principal, x.4 AS interest FROM (
       SELECT ${loanNo('lwq_l.loan_id')} AS loan, ${effectiveScheduleColumns()}, arrayJoin(arrayZip(arrayEnumerate(s_due), s_due, s_pr, s_int)) AS x
       FROM ${db}.loans AS lwq_l ${fileScheduleJoin(wh)} WHERE ${scheduleLoans})`,
  );
  await write(
    'peer_loans.csv',
    `SELECT ${loanNo('lwq_l.loan_id')} AS loan, toInt32(lwq_l.origination_date) AS orig, if(c.loan_id = '', NULL, toInt32(c.co)) AS co,
       toUInt8(s.loan_id != '') AS explicit_split
     FROM ${db}.loans AS lwq_l LEFT JOIN ${chargeOff} AS c ON c.loan_id = lwq_l.loan_id LEFT JOIN ${splitLoans} AS s ON s.loan_id = lwq_l.loan_id
     WHERE ${scheduleLoans}`,
  );
  await write(
    'restructures.csv',
    `SELECT ${loanNo('loan_id')} AS loan, toInt32(event_date) AS date, toInt64(amount * 100) AS amount FROM ${db}.loan_events WHERE type = 'restructure'`,
  );
  await write(
    'principal_paid.csv',
    `SELECT ${loanNo('p.loan_id')} AS loan, toInt32(p.paid_date) AS date, toInt64(ifNull(p.principal_paid, 0) * 100) AS principal
     FROM ${db}.payments AS p LEFT JOIN ${chargeOff} AS c ON c.loan_id = p.loan_id
     WHERE (c.loan_id = '' OR p.paid_date < c.co) AND p.loan_id IN ${splitLoans}`,
  );
  await write(
    'loan_month.csv',
    `SELECT ${loanNo('loan_id')} AS loan, toInt32(month_end) AS me, dpd, bucket, status, toInt64(principal_balance * 100) AS balance
     FROM ${db}.loan_month WHERE source = 'schedule'`,
  );
}

/** The bucket of a row, from the run's bounds (C, M1 … Mn, M{n+1}+, PO, WO), as loanwatch's bucketSql. */
function bucketCase(bounds: readonly number[]): string {
  const steps = bounds.map((b, i) => `WHEN dpd <= ${b} THEN 'M${i + 1}'`).join(' ');
  return `CASE WHEN status = 'paid_off' THEN 'PO' WHEN status = 'charged_off' THEN 'WO' WHEN dpd = 0 THEN 'C' ${steps} ELSE 'M${bounds.length + 1}+' END`;
}

async function load(duck: Duck, dir: string): Promise<void> {
  const f = (name: string) => join(dir, name);
  await duck.run(
    `CREATE OR REPLACE TABLE inst AS SELECT * FROM ${csv(f('installments.csv'), { loan: 'UBIGINT', no: 'INTEGER', due: 'INTEGER', principal: 'BIGINT', interest: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE credits AS SELECT * FROM ${csv(f('credits.csv'), { loan: 'UBIGINT', date: 'INTEGER', applied: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE restructures AS SELECT * FROM ${csv(f('restructures.csv'), { loan: 'UBIGINT', date: 'INTEGER', amount: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE principal_paid AS SELECT * FROM ${csv(f('principal_paid.csv'), { loan: 'UBIGINT', date: 'INTEGER', principal: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE loans AS SELECT * FROM ${csv(f('peer_loans.csv'), { loan: 'UBIGINT', orig: 'INTEGER', co: 'INTEGER', explicit_split: 'UTINYINT' })}`,
  );
}

/** The month-end rows, as one CREATE TABLE (the result materialised in memory, as loanwatch writes its table). */
function computeSql(asOf: string, s: Pick<SnapshotSettings, 'graceDays' | 'dpdConvention' | 'bucketBounds'>): string {
  const grace = s.graceDays;
  const graceEnd = s.dpdConvention === 'grace_end' ? grace : 0;
  return `CREATE OR REPLACE TABLE duck_snapshot AS
WITH sched AS (
  SELECT loan, due, principal, interest,
    -- sums of BIGINT are HUGEINT in DuckDB, whose sort and compare in the as-of join cost several times more: cents fit BIGINT
    CAST(sum(principal + interest) OVER w AS BIGINT) AS cum_due,
    CAST(sum(principal + interest) OVER w AS BIGINT) - principal - interest AS c_prev,
    CAST(sum(principal) OVER w AS BIGINT) - principal AS cpr_prev
  FROM inst WINDOW w AS (PARTITION BY loan ORDER BY no ROWS UNBOUNDED PRECEDING)
), totals AS (
  SELECT loan, CAST(sum(principal) AS BIGINT) AS principal_total FROM inst GROUP BY loan
),
-- amounts applied, restructure credits and the servicer's principal split, cumulated per loan and day (one row a day, so an
-- as-of lookup sees the day's total): one as-of join for the three
cum AS (
  SELECT loan, date, CAST(sum(applied) OVER w AS BIGINT) AS paid, CAST(sum(r) OVER w AS BIGINT) AS r_cum, CAST(sum(pr) OVER w AS BIGINT) AS pr_cum
  FROM (SELECT loan, date, CAST(sum(applied) AS BIGINT) AS applied, CAST(sum(r) AS BIGINT) AS r, CAST(sum(pr) AS BIGINT) AS pr FROM (
          SELECT loan, date, applied, 0 AS r, 0 AS pr FROM credits
          UNION ALL SELECT loan, date, 0, amount, 0 FROM restructures
          UNION ALL SELECT loan, date, 0, 0, principal FROM principal_paid) GROUP BY loan, date)
  WINDOW w AS (PARTITION BY loan ORDER BY date ROWS UNBOUNDED PRECEDING)
), restr_total AS (SELECT loan, CAST(sum(amount) AS BIGINT) AS r_total FROM restructures GROUP BY loan),
grid AS (
  SELECT loan, co, explicit_split,
    CAST(last_day(date_trunc('month', DATE '1970-01-01' + orig) + to_months(k)) - DATE '1970-01-01' AS INTEGER) AS me
  FROM (SELECT *, unnest(generate_series(0, datediff('month', date_trunc('month', DATE '1970-01-01' + orig), DATE '${asOf}'))) AS k FROM loans)
), applied AS (
  SELECT g.*, coalesce(c.paid, 0) AS paid, coalesce(c.r_cum, 0) AS r_cum, coalesce(c.pr_cum, 0) AS pr_cum
  FROM grid AS g ASOF LEFT JOIN cum AS c ON g.loan = c.loan AND g.me >= c.date
), oldest AS (
  -- the oldest installment not fully paid: the first whose cumulative due exceeds the amount applied
  SELECT g.*, s.due, s.principal, s.interest, s.c_prev, s.cpr_prev
  FROM applied AS g ASOF LEFT JOIN sched AS s ON g.loan = s.loan AND g.paid < s.cum_due
), rows_ AS (
  SELECT g.loan, g.me,
    CASE WHEN g.due IS NOT NULL AND g.due + ${grace} < g.me THEN g.me - g.due - ${graceEnd} ELSE 0 END AS dpd,
    CASE WHEN g.co IS NOT NULL AND g.me >= g.co THEN 'charged_off' WHEN g.due IS NULL THEN 'paid_off' ELSE 'active' END AS status,
    coalesce(t.principal_total, 0) AS principal_total,
    -- principal allocated by the cumulative waterfall: earlier installments whole, then this one's interest before its principal
    CASE WHEN g.due IS NULL THEN coalesce(t.principal_total, 0)
      ELSE g.cpr_prev + least(greatest(g.paid - g.c_prev - g.interest, 0), g.principal) END AS waterfall_principal,
    greatest(coalesce(t.principal_total, 0) - CASE WHEN g.explicit_split = 1 THEN g.pr_cum ELSE waterfall_principal END
      - (coalesce(rt.r_total, 0) - g.r_cum), 0) AS balance
  FROM oldest AS g LEFT JOIN totals AS t ON t.loan = g.loan LEFT JOIN restr_total AS rt ON rt.loan = g.loan
)
SELECT loan, me, dpd, status, ${bucketCase(s.bucketBounds)} AS bucket, balance
FROM rows_
-- no rows after the closure row
QUALIFY me <= coalesce(min(CASE WHEN status != 'active' THEN me END) OVER (PARTITION BY loan), me)`;
}

export interface DuckdbSnapshotResult {
  /** reading the input CSVs into DuckDB tables */
  load_s: number;
  /** median of the timed computations, and every run */
  compute_s: number;
  compute_worst_s: number;
  compute_runs_s: number[];
  rows: number;
  loanwatch_rows: number;
  /** loan-months where dpd, bucket, status or balance differ, or that only one side has */
  mismatches: number;
  mismatch_examples: Record<string, unknown>[];
}

/** Loads the inputs, computes the month-end rows `runs` times, and compares the last with loanwatch's loan_month on every loan-month. */
export async function duckdbSnapshot(
  dir: string,
  asOf: string,
  settings: Pick<SnapshotSettings, 'graceDays' | 'dpdConvention' | 'bucketBounds'>,
  runs: number,
): Promise<DuckdbSnapshotResult> {
  const duck = await openDuck();
  try {
    const t0 = performance.now();
    await load(duck, dir);
    const loadS = since(t0);
    const computeRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t1 = performance.now();
      await duck.run(computeSql(asOf, settings));
      computeRuns.push(since(t1));
    }
    await duck.run(
      `CREATE OR REPLACE TABLE lw AS SELECT * FROM ${csv(join(dir, 'loan_month.csv'), { loan: 'UBIGINT', me: 'INTEGER', dpd: 'INTEGER', bucket: 'VARCHAR', status: 'VARCHAR', balance: 'BIGINT' })}`,
    );
    const diff = `FROM duck_snapshot AS d FULL OUTER JOIN lw AS l ON d.loan = l.loan AND d.me = l.me
      WHERE d.loan IS NULL OR l.loan IS NULL OR d.dpd != l.dpd OR d.status != l.status OR d.bucket != l.bucket OR d.balance != l.balance`;
    const [counts] = await duck.rows<{ rows: string; lw_rows: string; mismatches: string }>(
      `SELECT (SELECT count(*) FROM duck_snapshot) AS rows, (SELECT count(*) FROM lw) AS lw_rows, (SELECT count(*) ${diff}) AS mismatches`,
    );
    const examples = await duck.rows(
      `SELECT coalesce(d.loan, l.loan) AS loan, DATE '1970-01-01' + coalesce(d.me, l.me) AS month_end,
         d.dpd AS duckdb_dpd, l.dpd AS loanwatch_dpd, d.status AS duckdb_status, l.status AS loanwatch_status,
         d.bucket AS duckdb_bucket, l.bucket AS loanwatch_bucket, d.balance / 100 AS duckdb_balance, l.balance / 100 AS loanwatch_balance
       ${diff} ORDER BY 1, 2 LIMIT 5`,
    );
    return {
      load_s: loadS,
      compute_s: median(computeRuns),
      compute_worst_s: Math.max(...computeRuns),
      compute_runs_s: computeRuns,
      rows: Number(counts!.rows),
      loanwatch_rows: Number(counts!.lw_rows),
      mismatches: Number(counts!.mismatches),
      mismatch_examples: examples,
    };
  } finally {
    duck.close();
  }
}
