import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { loanKeysTable } from '../../warehouse/derived-facts.ts';
import { buildMonthEndSnapshots, buildSnapshotTables, type SnapshotOptions } from './build-snapshots.ts';
import { recordMonthEndState } from './month-end-state.ts';
import { createRefreshScope, dropRefreshScope, loanMonthTables, perLoanTables } from './refresh-scope.ts';
import { passesFor } from '../../warehouse/loan-part.ts';
import { beginLoanRowsReplacement, type FinishReplacement } from './replace-loan-rows.ts';
import { findUnseenCorrections, recordCorrectionsSeen } from './corrected-loans.ts';
import { findUnseen, lastCompletedRun, recordSeen, snapshotFingerprint } from './run-ledger.ts';
import { settingsLabel, snapshotParams } from './snapshot-settings.ts';
import {
  createTouchedStatements,
  keptLoans,
  planRefresh,
  recomputedLoans,
  touchedLoans,
  touchedTable,
} from './touched-loans.ts';
import { sql, trusted } from '../../warehouse/sql.ts';

export interface RefreshOptions extends Omit<SnapshotOptions, 'buckets' | 'startedAt' | 'fingerprint'> {
  /** rebuild everything even when a refresh would do */
  full?: boolean;
  /** loans per pass (hash buckets bound memory), of the book for a full run, of the touched loans for a refresh */
  loansPerPass?: number;
  /** called after each step of a refresh (tests stop a run there, as a kill would) */
  onStep?: (step: string) => void;
}

export interface RefreshResult {
  mode: 'full' | 'refresh';
  /** why a full rebuild, or what the refresh covered */
  reason: string;
  rows: number;
  lastMonthEnd: string;
  loansRefreshed: number;
  /** of those, the loans whose loan-months and accrual were recomputed (all of them in a full rebuild) */
  loansRecomputed: number;
}

/**
 * `loanwatch snapshot`: a full rebuild the first time and whenever the fingerprint (settings,
 * snapshot SQL, schema) changed; otherwise only the loans touched since the last completed run
 * (touched-loans.ts), written through the same SQL, so the result is the full rebuild's. Every
 * replaced table is swapped in whole (replace-loan-rows.ts); a refresh killed at any step leaves
 * no run recorded, so the next one recomputes at least the same loans from the same inputs.
 */
export async function refreshSnapshots(wh: Warehouse, o: RefreshOptions): Promise<RefreshResult> {
  const log = o.log ?? (() => undefined);
  const step = o.onStep ?? (() => undefined);
  const startedAt = Date.now();
  const fingerprint = snapshotFingerprint(wh, o.settings);
  const plan = planRefresh({ last: await lastCompletedRun(wh), fingerprint, asOf: o.asOf, full: o.full ?? false });
  // before any input is read: whatever this sees, the run reads
  const unseen = await findUnseen(wh);
  const corrections = await findUnseenCorrections(wh);
  if (plan.mode === 'full') {
    log(`snapshot: full rebuild (${plan.reason})`);
    const [n] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${tableRef(wh, 'loans')}`);
    const loans = Number(n?.n ?? 0);
    const r = await buildMonthEndSnapshots(wh, {
      ...o,
      buckets: passesFor(loans, o.loansPerPass),
      startedAt,
      fingerprint,
    });
    await recordSeen(wh, startedAt, unseen);
    await recordCorrectionsSeen(wh, startedAt, corrections);
    return {
      mode: 'full',
      reason: plan.reason,
      rows: r.rows,
      lastMonthEnd: r.lastMonthEnd,
      loansRefreshed: loans,
      loansRecomputed: loans,
    };
  }

  const t0 = performance.now();
  const settings = snapshotParams(o.settings);
  const touched = touchedTable(wh);
  await exec(wh, `DROP TABLE IF EXISTS ${touched}`);
  const statements = createTouchedStatements(wh, {
    // a run whose rows changed only by corrections and retractions: the audit names their loans
    ingestIds: unseen.ingestIds.filter((id) => !corrections.settledRuns.has(id)),
    // a changed collection action's loan as a new action's: its derived facts rebuilt
    loans: [...unseen.loans, ...corrections.actionLoans],
    // a corrected or retracted row may have been read at any month-end: its loans are recomputed
    recomputeLoans: [...unseen.overrideLoans, ...corrections.loans],
    plan,
    settings,
  });
  for (const s of statements) await execSql(wh, s);
  const [c] = await queryRows<{ n: string; recomputed: string }>(
    wh,
    `SELECT count() AS n, countIf(recompute = 1) AS recomputed FROM ${touched}`,
  );
  const count = Number(c?.n ?? 0);
  const recomputed = Number(c?.recomputed ?? 0);
  step('touched');
  log(
    `snapshot: refresh of ${count.toLocaleString('en-US')} touched loans, ${recomputed.toLocaleString('en-US')} with their loan-months recomputed (${unseen.ingestIds.length} ingest runs, ${unseen.loans.length} loans with overrides or recorded actions, ${corrections.keys.length} rows corrected or retracted${plan.monthClosed ? `, month-end ${plan.monthEnd} closed` : ''}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (count > 0) {
    const t1 = performance.now();
    // the old rows are deleted from copies of the live tables in the background meanwhile
    const finishers: FinishReplacement[] = [];
    for (const table of perLoanTables)
      finishers.push(await beginLoanRowsReplacement(wh, table, replacedLoans(wh, table)));
    const scope = await createRefreshScope(wh, touched, keptLoans(wh));
    log(
      `snapshot: copies of the live tables begun, the touched loans' inputs copied in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    // the full rebuild's statements over the touched loans alone: the same rows by construction
    await buildSnapshotTables(scope, {
      asOf: o.asOf,
      settings: o.settings,
      buckets: passesFor(count, o.loansPerPass),
      ...(o.loansPerPass ? { loansPerPass: o.loansPerPass } : {}),
      log: (line) => {
        log(`${line} (touched loans)`);
      },
      createLoanKeys: () => createRefreshLoanKeys(wh, touched, scope),
      loans: recomputedLoans(wh),
    });
    const t2 = performance.now();
    for (const [i, table] of perLoanTables.entries()) {
      await finishers[i]!((into) =>
        execSql(
          wh,
          sql`INSERT INTO ${trusted(into)} SELECT * FROM ${trusted(tableRef(scope, table))} WHERE loan_id IN (${replacedLoans(wh, table)})`,
        ),
      );
      step(table);
    }
    log(`snapshot: the touched loans' rows replaced in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    await dropRefreshScope(wh);
  }
  await exec(wh, `DROP TABLE IF EXISTS ${touched}`);
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${tableRef(wh, 'loan_month')}`);
  const rows = Number(r?.n ?? 0);
  await wh.client.insert({
    table: tableRef(wh, 'snapshot_runs'),
    format: 'JSONEachRow',
    values: [
      {
        started_at: startedAt,
        last_month_end: plan.monthEnd,
        settings: settingsLabel(o.settings),
        rows,
        kind: 'refresh',
        fingerprint,
        loans_refreshed: count,
      },
    ],
  });
  await recordMonthEndState(wh, plan.monthEnd, startedAt);
  step('recorded');
  await recordSeen(wh, startedAt, unseen);
  await recordCorrectionsSeen(wh, startedAt, corrections);
  log(`snapshot: refreshed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    mode: 'refresh',
    reason: `${count} touched loans${plan.monthClosed ? `; month-end ${plan.monthEnd} closed` : ''}`,
    rows,
    lastMonthEnd: plan.monthEnd,
    loansRefreshed: count,
    loansRecomputed: recomputed,
  };
}

/** The loans whose rows a refresh replaces in a table: the recomputed loans' in loanMonthTables, every touched loan's in the others. */
const replacedLoans = (wh: Warehouse, table: (typeof perLoanTables)[number]) =>
  loanMonthTables.has(table) ? recomputedLoans(wh) : touchedLoans(wh);

/**
 * loan_key for the touched loans, into the scope's keys table: a loan keeps the key it has in
 * loan_month, a loan new to it gets the next free ones (by loan id). A full rebuild numbers 1..n by
 * loan id; keys only join a loan's rows with each other, so any one-to-one numbering serves
 * (reports/archive/fingerprint.ts treats them as such).
 */
async function createRefreshLoanKeys(wh: Warehouse, touched: string, scope: Warehouse) {
  const live = tableRef(wh, 'loan_month');
  await exec(
    wh,
    `CREATE TABLE ${loanKeysTable(scope)} ENGINE = Join(ANY, LEFT, loan_id) AS
     SELECT lwq_t.loan_id AS loan_id,
       toUInt32(if(lwq_k.loan_key > 0, lwq_k.loan_key,
         (SELECT max(loan_key) FROM ${live}) + row_number() OVER (PARTITION BY lwq_k.loan_key > 0 ORDER BY lwq_t.loan_id))) AS loan_key
     FROM ${touched} AS lwq_t
     LEFT JOIN (SELECT loan_id, any(loan_key) AS loan_key FROM ${live} WHERE loan_id IN (SELECT loan_id FROM ${touched}) GROUP BY loan_id) AS lwq_k
       ON lwq_k.loan_id = lwq_t.loan_id`,
  );
}
