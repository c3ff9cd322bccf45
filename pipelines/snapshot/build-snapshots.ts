import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, render, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { settingsLabel, snapshotParams, snapshotPass, type SnapshotSettings } from './snapshot-settings.ts';
import { createContagionTable, insertContagionSql, insertLoanMonthsSql, nonRetailLoansSql } from './loan-month-sql.ts';
import { inLoanPart, passesFor } from '../../warehouse/loan-part.ts';
import { fillAccrual } from '../accrual/fill-accrual.ts';
import { fillMonthEndState, recordMonthEndState } from './month-end-state.ts';
import { loanMonthTables } from './refresh-scope.ts';
import {
  createLoanKeysStatements,
  derivedFactsPasses,
  derivedTables,
  type DerivedTable,
  loanKeysTable,
  rebuildDerivedFacts,
} from '../../warehouse/derived-facts.ts';

export interface SnapshotOptions {
  /** the data's as-of date; snapshots cover every month-end on or before it */
  asOf: string;
  settings: SnapshotSettings;
  /** loans are processed in this many hash buckets to bound memory */
  buckets?: number;
  /** the contagion pre-pass reads the non-retail loans in passes of at most this many (default: `buckets` passes) */
  loansPerPass?: number;
  log?: (line: string) => void;
  /** when the run began reading its inputs (epoch ms; default now), recorded in snapshot_runs */
  startedAt?: number;
  /** the settings/SQL/schema fingerprint an incremental refresh compares (refresh-snapshots.ts) */
  fingerprint?: string;
}

export interface SnapshotTablesOptions extends Omit<SnapshotOptions, 'startedAt' | 'fingerprint'> {
  /** fills the loan-keys Join table (default: the loans numbered 1..n by id, as a full rebuild does) */
  createLoanKeys?: () => Promise<void>;
  /**
   * a subquery of loan ids: only their loan-months and accrual are computed, the other loans' rows
   * of loan_month and loan_month_accrual kept (they must not depend on these loans' rows: contagion
   * couples a borrower's non-retail loans, so those go together); the derived facts are of every
   * loan but for warning_facts, which derive from loan-months alone (loanMonthTables): of these loans
   * only. For a refresh's scope: loan_month is written in place, not swapped in whole
   */
  loans?: Sql;
}

/** Where a full build's time goes (the benchmark reports the accrual's share, issue 23). */
export interface SnapshotPhaseSeconds {
  loanMonth: number;
  derivedFacts: number;
  accrual: number;
  monthEndState: number;
}

/** With `loans`: the derived facts of loan-months alone (loanMonthTables) are of those loans only. */
function derivedOfLoanMonths(loans: Sql): Partial<Record<DerivedTable, string>> {
  const { query, query_params } = render(loans);
  if (Object.keys(query_params).length > 0) throw new Error('the derived facts take a subquery without parameters');
  return Object.fromEntries(derivedTables.filter((t) => loanMonthTables.has(t)).map((t) => [t, query]));
}

/** The last month-end on or before a date. */
export function lastMonthEnd(asOf: string): string {
  const d = new Date(`${asOf}T00:00:00Z`);
  const next = new Date(d.getTime() + 86_400_000);
  if (next.getUTCMonth() !== d.getUTCMonth()) return asOf;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).toISOString().slice(0, 10);
}

/** A full rebuild (buildSnapshotTables), recorded in snapshot_runs with when it began reading. */
export async function buildMonthEndSnapshots(
  wh: Warehouse,
  o: SnapshotOptions,
): Promise<{ rows: number; lastMonthEnd: string; phaseSeconds: SnapshotPhaseSeconds }> {
  const startedAt = o.startedAt ?? Date.now();
  const { lastMonthEnd: lastMe, phaseSeconds } = await buildSnapshotTables(wh, o);
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${tableRef(wh, 'loan_month')}`);
  // when the inputs were read: a later ingest makes this snapshot stale for readers that check (delinquency on a date)
  await wh.client.insert({
    table: tableRef(wh, 'snapshot_runs'),
    format: 'JSONEachRow',
    values: [
      {
        started_at: startedAt,
        last_month_end: lastMe,
        settings: settingsLabel(o.settings),
        rows: Number(r!.n),
        kind: 'full',
        fingerprint: o.fingerprint ?? '',
      },
    ],
  });
  await recordMonthEndState(wh, lastMe, startedAt);
  return { rows: Number(r!.n), lastMonthEnd: lastMe, phaseSeconds };
}

/**
 * Every table a snapshot writes per loan (perLoanTables), rebuilt whole from the database's raw
 * tables: a full rebuild's work, also what a refresh runs in its scope of the touched loans.
 * loan_month (one row per loan per month-end, SPEC §4): a pre-pass over non-retail loans only finds
 * the contagious borrower-months (2023 rules, art. 13: a non-retail borrower whose non-performing
 * share of exposure exceeds the threshold has all its active loans at least 次级); the main pass
 * then writes every final row once, with contagion and manual overrides joined in, into a new table
 * that replaces the live one atomically (EXCHANGE), so readers never see a half-built snapshot. The
 * derived facts and the accrual follow, each swapped in whole the same way.
 */
export async function buildSnapshotTables(
  wh: Warehouse,
  o: SnapshotTablesOptions,
): Promise<{ lastMonthEnd: string; phaseSeconds: SnapshotPhaseSeconds }> {
  const log = o.log ?? (() => undefined);
  const lastMe = lastMonthEnd(o.asOf);
  const settings = snapshotParams(o.settings);
  const lastMeParam = param(lastMe, 'Date');
  const contagion = tableRef(wh, 'loan_month_contagion');
  const nonRetail = tableRef(wh, 'loan_month_non_retail');
  const next = tableRef(wh, 'loan_month_next');
  const live = tableRef(wh, 'loan_month');
  const nb = Math.max(1, o.buckets ?? 1);
  const t0 = performance.now();
  await exec(wh, `DROP TABLE IF EXISTS ${contagion}`);
  await exec(wh, `DROP TABLE IF EXISTS ${nonRetail}`);
  const ofLoans = o.loans ? sql` WHERE loan_id IN (${o.loans})` : sql``;
  await execSql(
    wh,
    sql`CREATE TABLE ${trusted(nonRetail)} ENGINE = Memory AS SELECT * FROM (${nonRetailLoansSql(wh, settings)})${ofLoans}`,
  );
  const [nr] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${nonRetail}`);
  // by borrower, in passes of bounded size (10M loans in one statement went past the engine's memory
  // bound); each pass reads only non-retail loans, so the pre-pass is a share of a main pass's work
  const prePasses = o.loansPerPass ? passesFor(Number(nr?.n ?? 0), o.loansPerPass) : nb;
  await exec(wh, createContagionTable(contagion));
  for (let b = 0; b < prePasses; b++) {
    const customers = { count: prePasses, index: b };
    const loans = sql`SELECT loan_id FROM ${trusted(nonRetail)} WHERE ${inLoanPart('customer_id', customers)}`;
    await execSql(wh, insertContagionSql(wh, contagion, lastMeParam, settings, loans, customers));
  }
  log(
    `snapshot contagion pre-pass (${Number(nr?.n ?? 0).toLocaleString('en-US')} non-retail loans, ${prePasses} passes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // with `loans` (a refresh's scope, which nobody reads) their rows are replaced in place, beside the
  // kept ones: no copy of those into a new table to swap in
  const into = o.loans ? live : next;
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  if (o.loans) {
    const { query, query_params } = render(sql`loan_id IN (${o.loans})`);
    await deleteRows(wh, 'loan_month', query, query_params);
  } else await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  if (o.createLoanKeys) await o.createLoanKeys();
  else for (const s of createLoanKeysStatements(wh)) await exec(wh, s);
  for (let b = 0; b < nb; b++) {
    const t1 = performance.now();
    const pass = snapshotPass(settings, {
      buckets: nb,
      bucket: b,
      nonRetailOnly: false,
      ...(o.loans ? { loans: o.loans } : {}),
    });
    await execSql(wh, insertLoanMonthsSql(wh, { into, contagion, lastMe: lastMeParam, settings, pass }), {
      max_insert_threads: 2,
      // a pass's rows written in blocks of up to 4M rows, not 1M: fewer, larger parts leave less to
      // merge beside the next pass and the derived facts, which read them (1M book: 60.0-62.2 s ->
      // 54.7-57.7 s for the whole snapshot, peak RSS about 0.3 GB higher)
      min_insert_block_size_rows: 4_000_000,
      min_insert_block_size_bytes: 0,
    });
    log(`snapshot pass ${b + 1}/${nb} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  if (!o.loans) {
    await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
    await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  }
  await exec(wh, `DROP TABLE IF EXISTS ${contagion}`);
  await exec(wh, `DROP TABLE IF EXISTS ${nonRetail}`);
  await exec(wh, `DROP TABLE IF EXISTS ${loanKeysTable(wh)}`);
  const loanMonthS = (performance.now() - t0) / 1000;
  const t2 = performance.now();
  await rebuildDerivedFacts(wh, settings, derivedFactsPasses(nb), o.loans ? derivedOfLoanMonths(o.loans) : {});
  const derivedFactsS = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  // issue 23: what is owed beyond the schedule, per loan-month, in the snapshot's passes (bounded memory)
  await fillAccrual(wh, { settings: o.settings, through: lastMe, passes: nb, loans: o.loans });
  const accrualS = (performance.now() - t3) / 1000;
  const t4 = performance.now();
  // each loan's state at the last month-end: a case list on a later day reads it instead of the history
  await fillMonthEndState(wh, { monthEnd: lastMe, passes: nb });
  const monthEndStateS = (performance.now() - t4) / 1000;
  log(
    `snapshot derived facts in ${derivedFactsS.toFixed(1)} s, accrual in ${accrualS.toFixed(1)} s, month-end state in ${monthEndStateS.toFixed(1)} s`,
  );
  return {
    lastMonthEnd: lastMe,
    phaseSeconds: {
      loanMonth: loanMonthS,
      derivedFacts: derivedFactsS,
      accrual: accrualS,
      monthEndState: monthEndStateS,
    },
  };
}
