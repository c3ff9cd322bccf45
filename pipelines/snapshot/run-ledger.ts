import { createHash } from 'node:crypto';
import { accrualSql } from '../accrual/accrual-sql.ts';
import { accrualRulesOf } from '../accrual/accrual-rules.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { insertStatement, derivedTables } from '../../warehouse/derived-facts.ts';
import { migrations } from '../../warehouse/migrations/index.ts';
import { param, render } from '../../warehouse/sql.ts';
import { rawEntities } from '../../warehouse/tables.ts';
import { insertContagionSql, insertLoanMonthsSql, nonRetailLoansSql } from './loan-month-sql.ts';
import { monthEndStateSql } from './month-end-state.ts';
import { snapshotParams, snapshotPass, type SnapshotSettings } from './snapshot-settings.ts';
import { unseenRowCounts, type RowCount } from './touched-loans.ts';

/**
 * What a snapshot run records so that the next one can refresh only what changed since:
 * snapshot_runs (when it began reading, its month-end, its fingerprint) and snapshot_seen (what it
 * had seen when it began: each ingest run's row count per raw table, the overrides and the recorded
 * actions). No clocks are compared: raw tables only grow, so a count a run saw means rows it read.
 */

/** The latest completed snapshot run (a killed run wrote no row). */
export interface LastRun {
  startedAtMs: number;
  lastMonthEnd: string;
  settings: string;
  fingerprint: string;
  kind: string;
}

export async function lastCompletedRun(wh: Warehouse): Promise<LastRun | null> {
  const [r] = await queryRows<{ ms: string; me: string; settings: string; fingerprint: string; kind: string }>(
    wh,
    `SELECT toString(toUnixTimestamp64Milli(started_at)) AS ms, toString(last_month_end) AS me, settings, fingerprint, kind
     FROM ${tableRef(wh, 'snapshot_runs')} ORDER BY started_at DESC LIMIT 1`,
  );
  return r
    ? { startedAtMs: Number(r.ms), lastMonthEnd: r.me, settings: r.settings, fingerprint: r.fingerprint, kind: r.kind }
    : null;
}

/** A key the ledger holds, and the loan it touches ('' for a row count: its rows name their loans). */
export interface SeenKey {
  kind: 'rows' | 'override' | 'recorded_action';
  key: string;
  loan_id: string;
}

/** What no completed run had seen when it began: the inputs of the next refresh, and what it records. */
export interface Unseen {
  keys: SeenKey[];
  /** ingest runs with rows not seen: their row count in a table is not one a completed run saw */
  ingestIds: string[];
  /** loans of unseen overrides and recorded actions */
  loans: string[];
  /** loans of unseen overrides (their loan-months change) */
  overrideLoans: string[];
}

/**
 * A recorded action (console, API) as the ledger sees it: its id and its content, so that a version
 * corrected in place (api/routes/action-corrections.ts) is a new key and touches its loan. Keys seen
 * before the content was part of them (the bare action id) are unseen once: the first refresh after
 * the upgrade rebuilds the derived facts of the loans with recorded actions, once.
 */
export const recordedActionKey = `concat(action_id, '\\x1f', toString(row_hash))`;

/** Seen keys count only when their run completed (its snapshot_runs row exists). */
export const seenKeysSql = (wh: Pick<Warehouse, 'database'>, kind: SeenKey['kind'] | 'correction' | 'rows_net') =>
  `SELECT key FROM ${tableRef(wh, 'snapshot_seen')} WHERE kind = '${kind}'
   AND run_started_at IN (SELECT started_at FROM ${tableRef(wh, 'snapshot_runs')})`;

/** Read before the run reads any input: what it sees here, it has read. */
export async function findUnseen(wh: Warehouse): Promise<Unseen> {
  const seen = new Set((await queryRows<{ key: string }>(wh, seenKeysSql(wh, 'rows'))).map((r) => r.key));
  // rows per ingest run and table: LowCardinality ids, so grouping every row by its id is cheap
  const rowCounts: RowCount[] = [];
  for (const e of rawEntities) {
    // outcomes recorded in the console or the API carry their source as ingest_id: seen by key below
    const where = e === 'collection_actions' ? ` WHERE source = 'file'` : '';
    for (const r of await queryRows<{ id: string; n: string }>(
      wh,
      `SELECT ingest_id AS id, toString(count()) AS n FROM ${tableRef(wh, e)}${where} GROUP BY ingest_id`,
    ))
      rowCounts.push({ ingest_id: r.id, entity: e, rows: Number(r.n) });
  }
  const t = unseenRowCounts({ rowCounts, seen });
  const others = await queryRows<SeenKey>(
    wh,
    `SELECT 'override' AS kind, toString(cityHash64(loan_id, effective_date, five_class, reason, set_by, set_at)) AS key, loan_id
     FROM ${tableRef(wh, 'classification_overrides')} WHERE key NOT IN (${seenKeysSql(wh, 'override')})
     UNION ALL
     SELECT 'recorded_action' AS kind, ${recordedActionKey} AS key, loan_id
     FROM ${tableRef(wh, 'collection_actions')} WHERE source != 'file' AND key NOT IN (${seenKeysSql(wh, 'recorded_action')})`,
  );
  return {
    keys: [...t.unseen.map((key): SeenKey => ({ kind: 'rows', key, loan_id: '' })), ...others],
    ingestIds: t.ingestIds,
    loans: [...new Set(others.map((o) => o.loan_id))],
    overrideLoans: [...new Set(others.filter((o) => o.kind === 'override').map((o) => o.loan_id))],
  };
}

/**
 * Records what a completed run had seen. Written after its snapshot_runs row or before it, either
 * way safe: keys of a run without a row are ignored, and a run without keys only makes the next
 * refresh recompute more.
 */
export async function recordSeen(wh: Warehouse, startedAtMs: number, unseen: Unseen): Promise<void> {
  if (unseen.keys.length === 0) return;
  await wh.client.insert({
    table: tableRef(wh, 'snapshot_seen'),
    format: 'JSONEachRow',
    values: unseen.keys.map((k) => ({ run_started_at: startedAtMs, ...k })),
  });
}

/**
 * What the stored snapshot was computed with: every setting (the label omits some), the accrual
 * rules, the SQL of the snapshot and of the derived facts, and the schema version. Any change means the stored rows may
 * differ from what this code would write, so the next run must be full.
 */
export function snapshotFingerprint(wh: Pick<Warehouse, 'database'>, settings: SnapshotSettings): string {
  const p = snapshotParams(settings);
  const lastMe = param('2000-01-31', 'Date');
  const pass = snapshotPass(p, { buckets: 1, bucket: 0, nonRetailOnly: false });
  // the rules are a part of their own below, as they were when the environment was read here: the
  // settings' JSON without them keeps a snapshot's fingerprint what it was
  const { accrualRules: _rules, ...named } = settings;
  const rules = accrualRulesOf(settings);
  const parts = [
    JSON.stringify(named),
    // the accrual (a refreshed per-loan table): its rules file and its SQL
    JSON.stringify(rules),
    JSON.stringify(render(accrualSql(wh, { dates: { kind: 'loan_month', through: lastMe }, settings, rules }))),
    JSON.stringify(render(insertContagionSql(wh, 'c', lastMe, p, nonRetailLoansSql(wh, p)))),
    JSON.stringify(render(insertLoanMonthsSql(wh, { into: 'n', contagion: 'c', lastMe, settings: p, pass }))),
    ...derivedTables.map((t) => JSON.stringify(render(insertStatement(wh, t, 'n', p)))),
    JSON.stringify(render(monthEndStateSql(wh, '2000-01-31'))),
    String(Math.max(...migrations.map((m) => m.version))),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
