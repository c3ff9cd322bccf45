/**
 * The six benchmarked metrics in DuckDB SQL, for bench/metrics: the same definitions as loanwatch's
 * catalogue (warehouse/metrics/definitions, sources.ts, derived-facts.ts) under the bench's default
 * requests, so every cell of `runMetric`'s answer can be compared (issue 24, item 5).
 *
 * Inputs: the CSVs bench/metrics exports once for the pandas reference (loan_month.csv, loans.csv,
 * cash.csv, actions.csv: ids, days and month indexes as integers, money as decimals). DuckDB reads
 * loan_month exported once, like pandas, because every metric is defined over the snapshot: computing
 * the month-end rows again is bench/ingest-snapshot's peer, not this one's. What loanwatch keeps as
 * derived facts (loan_defaults, collection_facts, prev_bucket/prev_balance, the ever-DPD bits) DuckDB
 * derives from those rows inside each timed query — loanwatch built them once in its snapshot.
 */
import { join } from 'node:path';
import { metricWindow } from '../../warehouse/metrics/window.ts';
import type { MetricResult } from '../../warehouse/metrics/run.ts';
import { csv, type Duck } from './duckdb.ts';

export const duckdbMetricNames = ['overdue', 'vintage', 'roll_rate', 'recovery', 'migration', 'collections'] as const;
export type DuckdbMetricName = (typeof duckdbMetricNames)[number];

const days = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
/** a month index (year·12 + month − 1) as the first day of the month */
const monthDate = (idx: string) => `make_date(CAST(${idx} // 12 AS BIGINT), CAST(${idx} % 12 + 1 AS BIGINT), 1)`;
const ratio = (num: string, den: string) => `CAST(${num} AS DOUBLE) / nullif(CAST(${den} AS DOUBLE), 0)`;
const sumWhen = (cond: string, value: string) => `sum(CASE WHEN ${cond} THEN ${value} ELSE 0 END)`;
const countWhen = (cond: string) => `count(*) FILTER (WHERE ${cond})`;

/** Reads the exported CSVs into DuckDB tables. */
export async function loadMetricInputs(duck: Duck, dir: string): Promise<void> {
  const f = (name: string) => join(dir, name);
  await duck.run(
    `CREATE OR REPLACE TABLE lm AS SELECT * FROM ${csv(f('loan_month.csv'), { loan: 'UBIGINT', me: 'INTEGER', month: 'INTEGER', cohort: 'INTEGER', mob: 'INTEGER', dpd: 'INTEGER', bucket: 'VARCHAR', status: 'VARCHAR', five_class: 'VARCHAR', bal: 'DECIMAL(18,2)' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE loans AS SELECT * FROM ${csv(f('loans.csv'), { loan: 'UBIGINT', orig_month: 'INTEGER', principal: 'DECIMAL(18,2)' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE cash AS SELECT * FROM ${csv(f('cash.csv'), { loan: 'UBIGINT', date: 'INTEGER', month: 'INTEGER', amount: 'DECIMAL(18,2)', kind: 'VARCHAR' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE actions AS SELECT * FROM ${csv(f('actions.csv'), { action_id: 'VARCHAR', loan: 'UBIGINT', date: 'INTEGER', month: 'INTEGER', channel: 'VARCHAR', outcome: 'VARCHAR', promised_amount: 'DECIMAL(18,2)', promised_date: 'INTEGER' })}`,
  );
  // the worked loans' schedule and credits, for the DPD on each action's day (bench/lib/metric-inputs.ts)
  await duck.run(
    `CREATE OR REPLACE TABLE action_loans AS SELECT * FROM ${csv(f('action_loans.csv'), { loan: 'UBIGINT', orig: 'INTEGER', tape: 'INTEGER' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE action_dues AS SELECT * FROM ${csv(f('action_dues.csv'), { loan: 'UBIGINT', due: 'INTEGER', no: 'INTEGER', cents: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE action_credits AS SELECT * FROM ${csv(f('action_credits.csv'), { loan: 'UBIGINT', date: 'INTEGER', cents: 'BIGINT' })}`,
  );
  await duck.run(
    `CREATE OR REPLACE TABLE action_charge_offs AS SELECT * FROM ${csv(f('action_charge_offs.csv'), { loan: 'UBIGINT', co: 'INTEGER' })}`,
  );
}

/**
 * Each metric's query under the bench's request (`requests` in bench/metrics.ts): balance basis, the
 * default dimensions, the 12 month-ends ending at the as-of month-end (migration: from `pFrom`).
 */
export function duckdbMetricSql(
  asOf: string,
  pFrom: string,
  /** the snapshot's grace days (DPD on an action's day): past due once due + grace is before the day, whatever the counting convention */
  graceDays = 0,
): Record<DuckdbMetricName, string> {
  const w12 = metricWindow(asOf);
  const [from, to, asOfD, asOfMonth] = [days(w12.from), days(w12.to), days(asOf), monthIndex(asOf)];
  const mig = metricWindow(asOf, pFrom);
  const [pStart, pTo] = [days(mig.start), days(mig.to)];
  const date = (d: string) => `DATE '1970-01-01' + ${d}`;
  // the month index of the first month-end after an action's day (its own month's, or the next for the last day of a month)
  const cureMonth = `(year(${date('a.date + 1')}) * 12 + month(${date('a.date + 1')}) - 1)`;
  const classRank = (c: string) =>
    `coalesce(list_position(['normal', 'special_mention', 'substandard', 'doubtful', 'loss'], ${c}), 0)`;
  const overdueRatios = [
    ['overdue_ratio', 'm1plus'],
    ['m2plus_ratio', 'm2plus'],
    ['m3plus_ratio', 'm3plus'],
    ['m4plus_ratio', 'm4plus'],
    ['par30', 'm2plus'],
    ['par90', 'm4plus'],
    ['npl_ratio', 'npl'],
    ['special_mention_ratio', 'special_mention'],
  ].map(([n, m]) => `${ratio(m!, 'outstanding')} AS ${n}`);
  const x4 = [0, 30, 60, 90];
  return {
    overdue: `
      SELECT ${date('me')} AS month_end, sum(b) AS outstanding, ${sumWhen('dpd > 0', 'b')} AS m1plus, ${sumWhen('dpd > 30', 'b')} AS m2plus,
        ${sumWhen('dpd > 60', 'b')} AS m3plus, ${sumWhen('dpd > 90', 'b')} AS m4plus,
        ${sumWhen("five_class IN ('substandard', 'doubtful', 'loss')", 'b')} AS npl, ${sumWhen("five_class = 'special_mention'", 'b')} AS special_mention,
        ${overdueRatios.join(', ')}, ${ratio('m4plus', 'npl')} AS deviation
      FROM (SELECT me, dpd, five_class, CASE WHEN status = 'active' THEN bal ELSE 0 END AS b FROM lm WHERE me <= ${asOfD} AND me BETWEEN ${from} AND ${to})
      GROUP BY me ORDER BY me`,

    // cohort grid from the loans; first reach of DPD > X per loan (its ever bits) and coincident balances per cohort and MOB
    vintage: `
      WITH grid AS (
        SELECT cohort, principal, loans, unnest(generate_series(0, greatest(0, ${asOfMonth} - cohort))) AS mob
        FROM (SELECT orig_month AS cohort, sum(principal) AS principal, count(*) AS loans FROM loans GROUP BY orig_month)
      ), firsts AS (
        SELECT lm.loan, ${x4.map((x) => `min(mob) FILTER (WHERE dpd > ${x}) AS f${x}`).join(', ')} FROM lm WHERE me <= ${asOfD} GROUP BY lm.loan
      ), ev AS (
        SELECT lm.cohort, lm.mob,
          ${x4.map((x) => `${sumWhen(`f.f${x} = lm.mob`, 'l.principal')} AS first${x}, ${sumWhen(`lm.status = 'active' AND lm.dpd > ${x}`, 'lm.bal')} AS over${x}`).join(', ')}
        FROM lm JOIN firsts AS f ON f.loan = lm.loan JOIN loans AS l ON l.loan = lm.loan WHERE lm.me <= ${asOfD} GROUP BY lm.cohort, lm.mob
      ), g AS (
        SELECT grid.cohort, grid.mob, CASE WHEN grid.mob = 0 THEN grid.principal ELSE 0 END AS cohort_principal,
          ${x4.map((x) => `coalesce(ev.first${x}, 0) AS first${x}, coalesce(ev.over${x}, 0) AS over${x}`).join(', ')}
        FROM grid LEFT JOIN ev ON ev.cohort = grid.cohort AND ev.mob = grid.mob
      ), c AS (
        SELECT cohort, mob, sum(cohort_principal) OVER w AS cohort_total,
          ${x4.map((x) => `sum(first${x}) OVER w AS ever${x}, over${x} AS coincident${x}`).join(', ')}
        FROM g WINDOW w AS (PARTITION BY cohort ORDER BY mob ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      )
      SELECT ${monthDate('cohort')} AS cohort, mob, cohort_total, ${x4.map((x) => `ever${x}, coincident${x}`).join(', ')},
        ${x4.map((x) => `${ratio(`ever${x}`, 'cohort_total')} AS ever${x}_rate, ${ratio(`coincident${x}`, 'cohort_total')} AS coincident${x}_rate`).join(', ')}
      FROM c ORDER BY cohort, mob`,

    // moves t → t + 1 ending in the period, from a non-terminal bucket; the previous row is the loan's previous month-end
    roll_rate: `
      WITH moves AS (
        SELECT lag(bucket) OVER w AS from_bucket, bucket AS to_bucket, lag(bal) OVER w AS prev_balance, me
        FROM lm WHERE me <= ${asOfD} WINDOW w AS (PARTITION BY loan ORDER BY me)
      ), flows AS (
        SELECT from_bucket, to_bucket, sum(prev_balance) AS flow FROM moves
        WHERE from_bucket NOT IN ('PO', 'WO') AND me BETWEEN ${from} AND ${to} GROUP BY from_bucket, to_bucket
      )
      SELECT from_bucket, to_bucket, flow, ${ratio('flow', 'sum(flow) OVER (PARTITION BY from_bucket)')} AS flow_share
      FROM flows ORDER BY from_bucket, to_bucket`,

    // the first month-end with DPD > 90 or charged off and its balance (EAD); cash after it by months since the default month
    recovery: `
      WITH d AS (
        SELECT loan, arg_min(me, me) AS dme, arg_min(month, me) AS dmonth, arg_min(bal, me) AS ead FROM lm
        WHERE dpd > 90 OR status = 'charged_off' GROUP BY loan HAVING arg_min(me, me) <= ${asOfD}
      ), flows AS (
        SELECT c.loan, c.month - d.dmonth AS k, sum(c.amount) AS cash FROM cash AS c JOIN d ON d.loan = c.loan
        WHERE c.date > d.dme AND c.date <= ${asOfD} GROUP BY c.loan, k
      ), crossed AS (
        -- the month each loan's cash first exceeds its EAD: the loans above 100% by month k, cumulated as the cash is
        SELECT loan, min(k) AS k FROM (
          SELECT f.loan, f.k, sum(f.cash) OVER (PARTITION BY f.loan ORDER BY f.k) AS cum, d.ead FROM flows AS f JOIN d ON d.loan = f.loan
        ) WHERE cum > ead GROUP BY loan
      ),
      grid AS (SELECT loan, dmonth, ead, unnest(generate_series(0, greatest(0, ${asOfMonth} - dmonth))) AS k FROM d),
      rows_ AS (
        SELECT grid.dmonth AS cohort, grid.k, CASE WHEN grid.k = 0 THEN grid.ead ELSE 0 END AS ead, coalesce(f.cash, 0) AS cash,
          CASE WHEN x.k IS NOT NULL THEN 1 ELSE 0 END AS over_100pct
        FROM grid LEFT JOIN flows AS f ON f.loan = grid.loan AND f.k = grid.k LEFT JOIN crossed AS x ON x.loan = grid.loan AND x.k = grid.k
      ), g AS (
        SELECT cohort, k, sum(ead) AS ead, sum(cash) AS recovered, sum(CASE WHEN k = 0 THEN 1 ELSE 0 END) AS defaulted_loans,
          sum(over_100pct) AS loans_over_100pct FROM rows_ GROUP BY cohort, k
      ), c AS (
        SELECT cohort, k, sum(ead) OVER w AS ead, sum(recovered) OVER w AS recovered, sum(defaulted_loans) OVER w AS defaulted_loans,
          sum(loans_over_100pct) OVER w AS loans_over_100pct
        FROM g WINDOW w AS (PARTITION BY cohort ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      )
      SELECT ${monthDate('cohort')} AS default_cohort, k AS months_since_default, ead, recovered, defaulted_loans, loans_over_100pct,
        ${ratio('recovered', 'ead')} AS recovery_rate
      FROM c ORDER BY default_cohort, months_since_default`,

    // loans active at the opening month-end and their last row in the period (none: closed)
    migration: `
      WITH s AS (SELECT loan, five_class AS from_class, bal AS start_balance FROM lm WHERE me = ${pStart} AND status = 'active'),
      e AS (
        SELECT loan, arg_max(status, me) AS end_status, arg_max(five_class, me) AS end_class, arg_max(bal, me) AS end_balance
        FROM lm WHERE me > ${pStart} AND me <= ${pTo} GROUP BY loan
      ), p AS (
        SELECT s.from_class, s.start_balance, coalesce(e.end_status, '') AS end_status, coalesce(e.end_balance, 0) AS end_balance,
          ${classRank('e.end_class')} > ${classRank('s.from_class')} AS worse
        FROM s LEFT JOIN e ON e.loan = s.loan
      ), g AS (
        SELECT from_class, sum(start_balance) AS start_total,
          sum(CASE WHEN end_status IN ('paid_off', 'charged_off', '') THEN start_balance ELSE greatest(start_balance - end_balance, 0) END) AS reduced,
          ${sumWhen("end_status = 'active' AND worse", 'end_balance')} AS migrated
        FROM p GROUP BY from_class
      )
      SELECT from_class, start_total, reduced, migrated, ${ratio('migrated', 'start_total - reduced')} AS migration_rate FROM g ORDER BY from_class`,

    // collection_facts' definitions: payments credited to the latest action on or before them within 30 days (of several
    // that day, the greatest id); past due = the loan past due on the action's day (its DPD that day, SPEC §4: the oldest
    // installment whose cumulative amount due exceeds the credits applied by the day, past due once its due date + grace is
    // before the day; or charged off by then; a tape loan: a delinquency bucket at its latest month-end by then, none before
    // its first), cure = past due then and C or PO at the first month-end after the day; actions whose month-end is in the
    // period. A promise is kept as
    // the promise lifecycle judges it (warehouse/metrics/promise-sources.ts): at promised date + 3 days, each payment
    // (one sum per day: same-day payments meet the same promises) goes to the loan's promises whose window holds it,
    // earliest deadline first (then the earlier made, then the id), each taking what it still lacks — a fold over the
    // loan's payment days with list_reduce; a promise without an amount is kept by any payment in its window.
    collections: `
      WITH a AS (SELECT * FROM actions WHERE date <= ${asOfD}),
      worked AS (SELECT lm.loan, lm.month, lm.me, lm.bucket FROM lm WHERE lm.loan IN (SELECT loan FROM a)),
      pay AS (SELECT loan, date, amount FROM cash WHERE kind = 'payment' AND loan IN (SELECT loan FROM a)),
      days AS (SELECT DISTINCT a.loan, a.date AS day, l.tape, l.orig FROM a JOIN action_loans AS l ON l.loan = a.loan),
      cum AS (SELECT loan, due, no, sum(cents) OVER (PARTITION BY loan ORDER BY no) AS cum FROM action_dues),
      applied AS (
        SELECT d.loan, d.day, coalesce(sum(c.cents), 0) AS p FROM days AS d LEFT JOIN action_credits AS c ON c.loan = d.loan AND c.date <= d.day
        WHERE d.tape = 0 AND d.orig <= d.day GROUP BY d.loan, d.day
      ), oldest AS (
        SELECT ap.loan, ap.day, arg_min(s.due, s.no) AS due FROM applied AS ap JOIN cum AS s ON s.loan = ap.loan AND s.cum > ap.p
        GROUP BY ap.loan, ap.day
      ), on_day AS (
        SELECT ap.loan, ap.day, (co.co IS NOT NULL AND ap.day >= co.co) OR (o.due IS NOT NULL AND o.due + ${graceDays} < ap.day) AS past_due
        FROM applied AS ap LEFT JOIN oldest AS o ON o.loan = ap.loan AND o.day = ap.day LEFT JOIN action_charge_offs AS co ON co.loan = ap.loan
        UNION ALL
        SELECT d.loan, d.day, arg_max(w.bucket, w.me) NOT IN ('C', 'PO') FROM days AS d JOIN worked AS w ON w.loan = d.loan AND w.me <= d.day
        WHERE d.tape = 1 GROUP BY d.loan, d.day
      ),
      promises AS (
        SELECT action_id, loan, date AS made, coalesce(promised_date, date) + 3 AS deadline, promised_amount IS NOT NULL AS has_amount,
          CAST(coalesce(promised_amount, 0) * 100 AS BIGINT) AS cents
        FROM a WHERE outcome = 'promise_to_pay'
      ), by_loan AS (
        -- one ordered list per loan (ordered aggregates cost per list), split into the fold's lists
        SELECT loan, list_transform(ps, x -> x.id) AS ids, list_transform(ps, x -> x.made) AS made, list_transform(ps, x -> x.dl) AS dl,
          list_transform(ps, x -> x.rem) AS rem0
        FROM (SELECT loan, list({'id': action_id, 'made': made, 'dl': deadline, 'rem': CASE WHEN has_amount THEN cents ELSE 0 END}
                ORDER BY deadline, made, action_id) AS ps
              FROM promises GROUP BY loan)
      ), in_window AS (
        SELECT DISTINCT p.loan, p.date FROM promises AS pr JOIN pay AS p ON p.loan = pr.loan AND p.date >= pr.made AND p.date <= pr.deadline
      ), pay_days AS (
        SELECT loan, list([CAST(date AS BIGINT), cents] ORDER BY date) AS days FROM (
          -- only days inside some promise's window can move an allocation: the fold walks those alone
          SELECT loan, date, CAST(sum(amount) * 100 AS BIGINT) AS cents FROM pay
          WHERE date <= ${asOfD} AND (loan, date) IN (SELECT (w.loan, w.date) FROM in_window AS w) GROUP BY loan, date)
        GROUP BY loan
      ), folded AS (
        SELECT b.ids, list_reduce(coalesce(d.days, []), (acc, p) -> list_transform(acc, (r, j) ->
            r - least(CASE WHEN b.made[j] <= p[1] AND p[1] <= b.dl[j] THEN r ELSE 0 END,
              greatest(0, p[2] - coalesce(list_sum(list_transform(acc[1:j - 1],
                (r2, j2) -> CASE WHEN b.made[j2] <= p[1] AND p[1] <= b.dl[j2] THEN r2 ELSE 0 END)), 0)))), b.rem0) AS rem
        FROM by_loan AS b LEFT JOIN pay_days AS d ON d.loan = b.loan
      ), lacking AS (SELECT unnest(ids) AS action_id, unnest(rem) AS rem FROM folded),
      window_paid AS (
        SELECT pr.action_id, sum(p.amount) AS paid FROM promises AS pr JOIN pay AS p ON p.loan = pr.loan
        WHERE p.date >= pr.made AND p.date <= pr.deadline AND p.date <= ${asOfD} GROUP BY pr.action_id
      ), kept AS (
        SELECT pr.action_id FROM promises AS pr LEFT JOIN lacking AS l ON l.action_id = pr.action_id LEFT JOIN window_paid AS w ON w.action_id = pr.action_id
        WHERE pr.deadline <= ${asOfD} AND CASE WHEN pr.has_amount THEN l.rem = 0 ELSE coalesce(w.paid, 0) > 0 END
      ), last_of_day AS (SELECT loan, date, max(action_id) AS action_id FROM a GROUP BY loan, date),
      credited AS (
        SELECT t.action_id, sum(p.amount) AS collected FROM pay AS p ASOF JOIN last_of_day AS t ON t.loan = p.loan AND p.date >= t.date
        WHERE p.date - t.date <= 30 AND p.date <= ${asOfD} GROUP BY t.action_id
      ), f AS (
        SELECT a.channel, a.outcome IN ('contacted', 'promise_to_pay', 'refused', 'paid') AS contacted, a.outcome = 'promise_to_pay' AS promised,
          a.outcome = 'promise_to_pay' AND coalesce(a.promised_date, a.date) + 3 <= ${asOfD} AS matured,
          k.action_id IS NOT NULL AS kept, coalesce(c.collected, 0) AS collected,
          coalesce(b.past_due, false) AS past_due,
          past_due AND coalesce(n.bucket, '') IN ('C', 'PO') AND ${cureMonth} <= ${asOfMonth} AS cured
        FROM a LEFT JOIN kept AS k ON k.action_id = a.action_id LEFT JOIN credited AS c ON c.action_id = a.action_id
        LEFT JOIN on_day AS b ON b.loan = a.loan AND b.day = a.date
        LEFT JOIN worked AS n ON n.loan = a.loan AND n.month = ${cureMonth}
        WHERE a.month BETWEEN ${monthIndex(w12.from)} AND ${monthIndex(w12.to)}
      )
      SELECT channel, count(*) AS actions, ${countWhen('contacted')} AS contacts, ${countWhen('promised')} AS promises,
        ${countWhen('matured')} AS matured_promises, ${countWhen('matured AND kept')} AS kept_promises,
        sum(collected) AS collected, ${countWhen('past_due')} AS past_due_actions, ${countWhen('cured')} AS cures,
        ${ratio('contacts', 'actions')} AS contact_rate, ${ratio('promises', 'contacts')} AS promise_to_pay_rate,
        ${ratio('kept_promises', 'matured_promises')} AS promise_kept_rate, ${ratio('cures', 'past_due_actions')} AS cure_rate
      FROM f GROUP BY channel ORDER BY channel`,
  };
}

/** A cell of either side as a number (decimals and 64-bit integers arrive as strings), or null. */
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const keyOf = (row: Record<string, unknown>, dims: readonly string[]) => dims.map((d) => String(row[d])).join(' | ');

export interface CellComparison {
  rows: number;
  duckdb_rows: number;
  cells: number;
  mismatches: number;
  examples: { key: string; column: string; loanwatch: unknown; duckdb: unknown }[];
}

/**
 * Every cell of loanwatch's answer against DuckDB's, rows matched on the dimension columns: numbers
 * equal to 1e-9 relative (sums of the same decimals in another order, ratios of them in Float64),
 * text and dates exactly, null only against null. A row on one side only counts its every cell.
 */
export function compareCells(ours: MetricResult, duck: Record<string, unknown>[]): CellComparison {
  const dims = ours.columns.filter((c) => c.kind === 'dimension').map((c) => c.name);
  const values = ours.columns.filter((c) => c.kind !== 'dimension').map((c) => c.name);
  const theirs = new Map(duck.map((r) => [keyOf(r, dims), r]));
  const out: CellComparison = {
    rows: ours.rows.length,
    duckdb_rows: duck.length,
    cells: 0,
    mismatches: 0,
    examples: [],
  };
  const miss = (key: string, column: string, loanwatch: unknown, duckdb: unknown) => {
    out.mismatches++;
    if (out.examples.length < 5) out.examples.push({ key, column, loanwatch, duckdb });
  };
  const seen = new Set<string>();
  for (const row of ours.rows) {
    const key = keyOf(row, dims);
    seen.add(key);
    const other = theirs.get(key);
    for (const c of values) {
      out.cells++;
      if (!other) {
        miss(key, c, row[c], undefined);
        continue;
      }
      const [a, b] = [num(row[c]), num(other[c])];
      const equal =
        a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
      if (!equal) miss(key, c, row[c], other[c]);
    }
  }
  for (const [key, r] of theirs) if (!seen.has(key)) for (const c of values) miss(key, c, undefined, r[c]);
  return out;
}
