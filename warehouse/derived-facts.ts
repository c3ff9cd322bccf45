import { exec, execSql, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { loanRangeParts } from './loan-ranges.ts';
import { render, sql, sqlStringLiteral, trusted, type Sql } from './sql.ts';
import { cureMonthEndSql, promiseRowsSql, specGraceDays } from './metrics/promise-sources.ts';
import { actionDelinquencySql, storedSnapshotDpdSettings, type DpdSettingsSql } from './action-delinquency-sql.ts';
import { noNextMonthEnd, systemTables } from './tables.ts';
import { warningFactsSelect } from './warning-facts.ts';
import { cashReceipts, restructureFactsSelect, saleFactsSelect } from './workout-facts.ts';

/**
 * Per-loan and per-action facts that metrics would otherwise re-derive from 12M loan-months and
 * every payment on each request. Each is a pure function of the snapshot and the raw tables, so
 * it is rebuilt with every snapshot (and filled by a migration for a warehouse that predates it);
 * anything that depends on the request's as-of date stays in the metric source.
 */
export type DerivedTable = 'loan_defaults' | 'collection_facts' | 'warning_facts' | 'restructure_facts' | 'sale_facts';

/**
 * A subquery of loan ids (SQL text without parameters, e.g. `SELECT loan_id FROM db.t`): the facts
 * of those loans only (an incremental refresh, pipelines/snapshot/refresh-snapshots.ts).
 */
export type LoanSubset = string;

/**
 * Each defaulted loan's first month-end in default (DPD > 90 or charged off: `default_flag` is
 * cumulative) and its EAD then, with the loan's attributes (recovery, LGD); and the cash received
 * after the default month-end — payments and recovery, collateral sale, debt sale and settlement
 * events — by month since the default month (`cash_k`, `cash`: every month with cash, in order).
 * A metric as of a month-end reads the months up to it: the cash of a month is whole by its end.
 * And the loan-months a 12-month PD counts it in as defaulting (`pre_default`: month-end, IFRS 9
 * stage, principal balance of each month-end m within the 12 months before the default month-end
 * at which the loan was active, not in default, in stage 1 or 2, with a balance), so the ECL's PD
 * reads the defaulted loans' few rows instead of joining every loan-month of its window to them.
 * And the first month-end it is paid off after its default (`paid_off_me`, 1970-01-01 before): a
 * workout closes then, which the LGD would otherwise look for in every loan-month of the book.
 */
const loanDefaultsSelect = (wh: Pick<Warehouse, 'database'>, loans?: LoanSubset) => {
  const ofLoans = loans ? ` AND loan_id IN (${loans})` : '';
  const firstDefaults = `SELECT loan_id, min(month_end) AS default_me, argMin(principal_balance, month_end) AS ead, any(product) AS product,
      any(region) AS region, any(branch) AS branch, any(channel) AS channel, any(cohort_month) AS cohort_month
    FROM ${tableRef(wh, 'loan_month')} WHERE default_flag = 1${ofLoans} GROUP BY loan_id`;
  return `
  SELECT lwq_d.loan_id AS loan_id, lwq_d.default_me AS default_me, lwq_d.ead AS ead, lwq_d.product AS product, lwq_d.region AS region,
    lwq_d.branch AS branch, lwq_d.channel AS channel, lwq_d.cohort_month AS cohort_month,
    arrayMap(lwq_t -> lwq_t.1, lwq_c.ks) AS cash_k, arrayMap(lwq_t -> lwq_t.2, lwq_c.ks) AS cash, lwq_q.pre_default AS pre_default,
    lwq_q.paid_off_me AS paid_off_me
  FROM (${firstDefaults}) AS lwq_d
  LEFT JOIN (
    SELECT loan_id, arraySort(groupArray((k, cash))) AS ks FROM (
      SELECT lwq_f.loan_id AS loan_id, toUInt16(dateDiff('month', toStartOfMonth(lwq_x.default_me), toStartOfMonth(lwq_f.cash_date))) AS k,
        sum(lwq_f.cash) AS cash
      FROM (${cashReceipts(wh, loans)}) AS lwq_f
      INNER JOIN (SELECT loan_id, default_me FROM (${firstDefaults})) AS lwq_x ON lwq_x.loan_id = lwq_f.loan_id
      WHERE lwq_f.cash_date > lwq_x.default_me
      GROUP BY loan_id, k)
    GROUP BY loan_id) AS lwq_c ON lwq_c.loan_id = lwq_d.loan_id
  -- each defaulted loan's rows in one pass, grouped: the loan-months that may count, kept where the default follows within 12 months
  LEFT JOIN (
    SELECT loan_id, minIf(month_end, default_flag = 1) AS lwq_first,
      arrayFilter(lwq_r -> lwq_first > lwq_r.1 AND lwq_first <= toLastDayOfMonth(addMonths(lwq_r.1, 12)),
        arraySort(groupArrayIf((month_end, ifrs9_stage, principal_balance),
          status = 'active' AND default_flag = 0 AND ifrs9_stage < 3 AND principal_balance > 0))) AS pre_default,
      minIf(month_end, status = 'paid_off' AND default_flag = 1) AS paid_off_me
    FROM ${tableRef(wh, 'loan_month')}
    WHERE loan_id IN (SELECT loan_id FROM ${tableRef(wh, 'loan_month')} WHERE default_flag = 1${ofLoans})
    GROUP BY loan_id) AS lwq_q ON lwq_q.loan_id = lwq_d.loan_id`;
};

/**
 * One row per collection action (collection KPIs): the loan's DPD and bucket on the action's day
 * (`dpd_then`, `bucket_then`: the stage, as a collections team reads it — actionDelinquencySql, the
 * `dpd --as-of` reading of the loan that day; '' and NULL when the loan has no state then: a tape
 * loan before its first month-end row) and at the first month-end after the action's day
 * (`bucket_next`, cureMonthEndSql: a cure when past due on the day and current or paid off then),
 * the cash paid between the action and its promise date + 3 days (promise kept), and the payments
 * attributed to it — those within 30 days that no later action precedes — as (date, amount) arrays,
 * because what counts as collected depends on the as-of date.
 */
const collectionFactsSelect = (wh: Pick<Warehouse, 'database'>, settings: DpdSettingsSql, loans?: LoanSubset) => {
  // every read below is of the actions' loans, so a subset narrows the actions alone
  const actions = loans
    ? `(SELECT * FROM ${tableRef(wh, 'collection_actions')} WHERE loan_id IN (${loans}))`
    : tableRef(wh, 'collection_actions');
  const payments = tableRef(wh, 'payments');
  return sql`
  SELECT lwq_a.action_id AS action_id, lwq_a.loan_id AS loan_id, lwq_a.action_date AS action_date, lwq_a.channel AS channel, lwq_a.team AS team,
    lwq_a.agent_id AS agent, lwq_a.outcome AS outcome, lwq_a.promised_amount AS promised_amount,
    addDays(ifNull(lwq_a.promised_date, lwq_a.action_date), 3) AS promise_due, toDecimal64(ifNull(lwq_k.paid, 0), 2) AS promise_paid,
    lwq_c.dates AS pay_dates, lwq_c.amounts AS pay_amounts,
    lwq_l.product AS product, lwq_l.region AS region, lwq_l.branch AS branch, lwq_l.channel AS loan_channel,
    toStartOfMonth(lwq_l.origination_date) AS cohort_month,
    lwq_d.bucket AS bucket_then,
    lwq_h.bs[indexOf(lwq_h.ms, ${trusted(cureMonthEndSql('lwq_a.action_date'))})] AS bucket_next,
    lwq_s.status AS promise_status,
    -- positions follow the catalogue's columns (dpd_then came last, migration 37)
    if(lwq_d.bucket = '', NULL, lwq_d.dpd) AS dpd_then
  FROM ${trusted(actions)} AS lwq_a
  INNER JOIN ${trusted(tableRef(wh, 'loans'))} AS lwq_l ON lwq_l.loan_id = lwq_a.loan_id
  -- the loan on the action's day (join_use_nulls = 0: '' and 0 without a state then)
  LEFT JOIN (${actionDelinquencySql(wh, actions, settings)}) AS lwq_d ON lwq_d.loan_id = lwq_a.loan_id AND lwq_d.day = lwq_a.action_date
  -- one join to each worked loan's month-end buckets as arrays (joining loan_month twice would hash 12M rows twice)
  LEFT JOIN (SELECT loan_id, groupArray(month_end) AS ms, groupArray(bucket) AS bs FROM ${trusted(tableRef(wh, 'loan_month'))}
             WHERE loan_id IN (SELECT loan_id FROM ${trusted(actions)}) GROUP BY loan_id) AS lwq_h ON lwq_h.loan_id = lwq_a.loan_id
  LEFT JOIN (SELECT lwq_q.action_id AS action_id, sum(lwq_p.amount) AS paid
             FROM (SELECT action_id, loan_id, action_date, promised_date FROM ${trusted(actions)} WHERE outcome = 'promise_to_pay') AS lwq_q
             INNER JOIN (SELECT loan_id, paid_date, amount FROM ${trusted(payments)} WHERE loan_id IN (SELECT loan_id FROM ${trusted(actions)} WHERE outcome = 'promise_to_pay')) AS lwq_p
               ON lwq_p.loan_id = lwq_q.loan_id
             WHERE lwq_p.paid_date >= lwq_q.action_date AND lwq_p.paid_date <= addDays(ifNull(lwq_q.promised_date, lwq_q.action_date), 3)
             GROUP BY lwq_q.action_id) AS lwq_k ON lwq_k.action_id = lwq_a.action_id
  -- several actions on one day: the payment goes to one of them (the largest id), as the ASOF join needs one row per key
  -- the arrays in date order: groupArray alone keeps the engine's read order, which differs between a
  -- whole-book build and a refresh of some loans (the 1M refresh was not identical to the rebuild)
  LEFT JOIN (SELECT lwq_t.action_id AS action_id, arraySort(groupArray((lwq_p.paid_date, lwq_p.amount))) AS lwq_pays,
               arrayMap(lwq_x -> lwq_x.1, lwq_pays) AS dates, arrayMap(lwq_x -> lwq_x.2, lwq_pays) AS amounts
             FROM (SELECT loan_id, paid_date, amount FROM ${trusted(payments)} WHERE loan_id IN (SELECT loan_id FROM ${trusted(actions)})) AS lwq_p
             ASOF INNER JOIN (SELECT max(action_id) AS action_id, loan_id, action_date FROM ${trusted(actions)} GROUP BY loan_id, action_date) AS lwq_t
               ON lwq_t.loan_id = lwq_p.loan_id AND lwq_p.paid_date >= lwq_t.action_date
             WHERE dateDiff('day', lwq_t.action_date, lwq_p.paid_date) <= 30
             GROUP BY lwq_t.action_id) AS lwq_c ON lwq_c.action_id = lwq_a.action_id
  LEFT JOIN (SELECT action_id, status FROM (${trusted(promiseStatuses(wh, loans))})) AS lwq_s ON lwq_s.action_id = lwq_a.action_id`;
};

/**
 * Each promise's state once its deadline has passed (kept, partial, broken: the promise lifecycle of
 * promise-sources.ts judged after every payment loaded). It does not depend on the as-of date a
 * metric asks for, as long as the deadline is on or before it: the payments that decide it are those
 * up to the deadline, and only promises with an earlier deadline come before it in the allocation.
 * So the collections metric reads it here instead of running the lifecycle over every promise and
 * payment of the book at each call; a promise whose deadline is still to come is `open` there anyway.
 */
const promiseStatuses = (wh: Pick<Warehouse, 'database'>, loans?: LoanSubset) => {
  const { query, query_params } = render(
    promiseRowsSql(
      trusted(wh.database),
      trusted("toDate('2149-06-06')"),
      trusted(String(specGraceDays)),
      loans ? trusted(`loan_id IN (${loans})`) : undefined,
    ),
  );
  if (Object.keys(query_params).length > 0) throw new Error('the promise lifecycle took a bound parameter');
  return query;
};

/** in the order they are derived (loan_defaults first: the recovery facts read it); only collection_facts depends on the settings (DPD on action days) */
const selects: Record<
  DerivedTable,
  (wh: Pick<Warehouse, 'database'>, settings: DpdSettingsSql, loans?: LoanSubset) => Sql
> = {
  loan_defaults: (wh, _s, loans) => trusted(loanDefaultsSelect(wh, loans)),
  collection_facts: collectionFactsSelect,
  warning_facts: (wh, _s, loans) => trusted(warningFactsSelect(wh, loans)),
  restructure_facts: (wh, _s, loans) => trusted(restructureFactsSelect(wh, loans)),
  sale_facts: (wh, _s, loans) => trusted(saleFactsSelect(wh, loans)),
};

export const derivedTables = Object.keys(selects) as DerivedTable[];

/** Fills `into` with the table's facts (of `loans` only, when given), with the snapshot's DPD settings. */
export const insertStatement = (
  wh: Pick<Warehouse, 'database'>,
  table: DerivedTable,
  into: string,
  settings: DpdSettingsSql,
  loans?: LoanSubset,
): Sql =>
  sql`INSERT INTO ${trusted(into)} (${trusted(systemTables[table].columns.map(([n]) => n).join(', '))}) ${selects[table](wh, settings, loans)}`;

/**
 * For a migration: fill the table from the snapshot the warehouse already has, with the settings it
 * was built with (emptied first, so an interrupted run is simply run again). The fill writes every
 * column the table declares now, so it first adds those a warehouse several versions behind lacks
 * (IF NOT EXISTS: a later migration's own add is then a no-op).
 */
export const fillDerivedStatements = (wh: Warehouse, table: DerivedTable) => {
  const { query, query_params } = render(
    insertStatement(wh, table, tableRef(wh, table), storedSnapshotDpdSettings(wh)),
  );
  if (Object.keys(query_params).length > 0) throw new Error('a migration statement took a bound parameter');
  const adds = systemTables[table].columns.map(([n, type]) => `ADD COLUMN IF NOT EXISTS ${n} ${type}`).join(', ');
  return [
    ...(wh.cluster ? [`${table}_local`, table] : [table]).map(
      (t) => `ALTER TABLE ${tableRef(wh, t)}${wh.cluster ? ` ON CLUSTER ${wh.cluster}` : ''} ${adds}`,
    ),
    `TRUNCATE TABLE IF EXISTS ${tableRef(wh, table)}${wh.cluster ? `_local ON CLUSTER ${wh.cluster}` : ''}`,
    query,
  ];
};

/**
 * A table rebuilt beside itself and swapped in whole (EXCHANGE): readers never see it half built,
 * and a run stopped half way leaves the live table as it was (the next run drops the leftover).
 */
const swapInStatements = <T extends string | Sql>(
  live: string,
  insertInto: (next: string) => string | T[],
): (string | T)[] => {
  const next = `${live}_next`;
  return [
    `DROP TABLE IF EXISTS ${next}`,
    `CREATE TABLE ${next} AS ${live}`,
    ...[insertInto(next)].flat(),
    `EXCHANGE TABLES ${next} AND ${live}`,
    `DROP TABLE IF EXISTS ${next}`,
  ];
};

/**
 * How many hash passes the derived facts take for a snapshot of `snapshotPasses` passes: half as
 * many, so twice a snapshot pass's loans each (1M at the default 500,000). They hold less per loan
 * than a snapshot pass — the 1M book in one statement each peaks at 2.6 GB RSS, where the 10M book
 * went past the 6 GB bound — and each extra pass re-reads every input (the 1M book in two passes:
 * 33 s against 22.5 s in one). Tied to the snapshot's passes, so a smaller
 * LOANWATCH_SNAPSHOT_LOANS_PER_PASS shrinks these too.
 */
export const derivedFactsPasses = (snapshotPasses: number) => Math.max(1, Math.ceil(snapshotPasses / 2));

/**
 * The loans of each pass, as subqueries without parameters ([undefined]: one pass over the book).
 * Every table is per loan (test/integration/warehouse/derived-facts.test.ts), so it is built in parts
 * of the loans — at 10M loans a whole-book statement went past the engine's memory bound — as ranges
 * of ids, each reading only its own granules of the inputs (parts by hash each read all of them).
 * The cuts are ids from the data: they reach the statements from the table `bounds`, not as text; a
 * Memory table lives on one node, so a cluster keeps the parts by hash (they need no table).
 */
async function passSubsets(wh: Warehouse, passes: number, bounds: string): Promise<(LoanSubset | undefined)[]> {
  const loans = tableRef(wh, 'loans');
  await exec(wh, `DROP TABLE IF EXISTS ${bounds}`);
  if (passes === 1) return [undefined];
  if (wh.cluster)
    return Array.from(
      { length: passes },
      (_, i) => `SELECT loan_id FROM ${loans} WHERE cityHash64(loan_id) % ${passes} = ${i}`,
    );
  const cuts = await loanRangeParts(wh, passes, 'payments');
  if (cuts.length === 1) return [undefined];
  await exec(wh, `CREATE TABLE ${bounds} (pass UInt32, from_id String) ENGINE = Memory`);
  await wh.client.insert({
    table: bounds,
    values: cuts.map((c, pass) => ({ pass, from_id: c.range?.from ?? '' })),
    format: 'JSONEachRow',
  });
  const from = (pass: number) => `(SELECT from_id FROM ${bounds} WHERE pass = ${pass})`;
  return cuts.map(
    (_, i) =>
      `SELECT loan_id FROM ${loans} WHERE loan_id >= ${from(i)}${i + 1 < cuts.length ? ` AND loan_id < ${from(i + 1)}` : ''}`,
  );
}

/**
 * Each table is swapped in whole, like the snapshot it derives from. A table in `only` is rebuilt
 * with the facts of those loans alone (a subquery of loan ids, without parameters).
 */
export async function rebuildDerivedFacts(
  wh: Warehouse,
  settings: DpdSettingsSql,
  passes = 1,
  only: Partial<Record<DerivedTable, LoanSubset>> = {},
) {
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`passes must be a whole number ≥ 1, got ${passes}`);
  const bounds = tableRef(wh, 'derived_fact_pass_bounds');
  const parts = await passSubsets(wh, passes, bounds);
  for (const table of derivedTables) {
    const of = only[table];
    const loansOf = (part: string | undefined) =>
      of === undefined ? part : part === undefined ? of : `${part} AND loan_id IN (${of})`;
    const statements = swapInStatements(tableRef(wh, table), (next) =>
      parts.map((part) => insertStatement(wh, table, next, settings, loansOf(part))),
    );
    for (const s of statements) await (typeof s === 'string' ? exec(wh, s) : execSql(wh, s));
  }
  await exec(wh, `DROP TABLE IF EXISTS ${bounds}`);
}

/** The loans numbered for `loan_key` (a Join table, read with joinGet while loan_month is written). */
export const loanKeysTable = (wh: Pick<Warehouse, 'database'>) => tableRef(wh, 'loan_month_keys');
/** joinGet takes its table's name as a string constant: the catalogue's name, inlined as a literal. */
export const loanKeyOf = (wh: Pick<Warehouse, 'database'>, loanId: string) =>
  `joinGet(${sqlStringLiteral(loanKeysTable(wh))}, 'loan_key', ${loanId})`;
export const createLoanKeysStatements = (wh: Pick<Warehouse, 'database'>) => [
  `DROP TABLE IF EXISTS ${loanKeysTable(wh)}`,
  `CREATE TABLE ${loanKeysTable(wh)} ENGINE = Join(ANY, LEFT, loan_id)
   AS SELECT loan_id, toUInt32(row_number() OVER (ORDER BY loan_id)) AS loan_key FROM ${tableRef(wh, 'loans')}`,
];

/**
 * For a migration: loan_month rebuilt with some columns computed from the others, swapped in whole
 * like a snapshot (which writes the same values itself); only for a warehouse whose snapshot
 * predates those columns.
 */
function rebuildLoanMonthStatements(wh: Warehouse, computed: Record<string, string>): string[] {
  const live = tableRef(wh, 'loan_month');
  const columns = systemTables.loan_month.columns.map(([n]) => n);
  return swapInStatements(
    live,
    (next) =>
      `INSERT INTO ${next} (${columns.join(', ')}) SELECT ${columns.map((n) => computed[n] ?? n).join(', ')} FROM ${live}`,
  );
}

/** Migration 12: each row's next_month_end (the month-end of the loan's next row). */
export const fillNextMonthEndStatements = (wh: Warehouse) =>
  rebuildLoanMonthStatements(wh, {
    next_month_end: `leadInFrame(month_end, 1, toDate('${noNextMonthEnd}')) OVER (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`,
  });

/** Migration 13: each row's loan_key. */
export const fillLoanKeyStatements = (wh: Warehouse) => [
  ...createLoanKeysStatements(wh),
  ...rebuildLoanMonthStatements(wh, { loan_key: loanKeyOf(wh, 'loan_id') }),
  `DROP TABLE IF EXISTS ${loanKeysTable(wh)}`,
];
