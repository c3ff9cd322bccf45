import { createHash } from 'node:crypto';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { joinSql, param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import {
  collectionTables,
  modelTables,
  rawTables,
  reportTables,
  rowHashExpr,
  systemTables,
  type TableDef,
} from '../../warehouse/tables.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { lastMonthEnd } from '../../pipelines/snapshot/build-snapshots.ts';

/** every day a pack may compare (its month-end and the month-ends a year and more before): from the start */
const firstWarningDay = '1970-01-31';

/**
 * Columns that say when or from where a row was written, or how a later snapshot numbers and links
 * rows, not what a pack reads: a re-load, re-score or rebuild that changes only these is the same input.
 */
const notContent = new Set([
  'ingest_id',
  'row_hash',
  'scored_at',
  'fired_at',
  'computed_at',
  'loaded_at',
  'file',
  // renumbered by each snapshot, and set on a month's last row once the next month-end is built
  'loan_key',
  'next_month_end',
]);

/**
 * What a pack for a month-end reads, each table up to that date: the raw facts (the metrics over
 * recoveries and collections read payments and events directly), the snapshot, the finance ledger's
 * provisions, the champion's scores and monitoring, and the fired warnings. The per-loan default and
 * collection facts are left out: the snapshot rebuilds them from these.
 */
const inputTables: readonly { def: TableDef; date: string; championOnly?: true }[] = [
  { def: rawTables.loans, date: 'origination_date' },
  { def: rawTables.payments, date: 'paid_date' },
  { def: rawTables.loan_events, date: 'event_date' },
  { def: rawTables.collection_actions, date: 'action_date' },
  { def: systemTables.loan_month, date: 'month_end' },
  { def: reportTables.provisions, date: 'month_end' },
  { def: reportTables.model_monitoring, date: 'month_end' },
  { def: modelTables.scores, date: 'month_end', championOnly: true },
  { def: collectionTables.warnings, date: 'as_of' },
];

/** rows and content checksum of one input: `rows:checksum` (an order-free sum of row hashes) */
export type TableFingerprint = string;

export interface PackInputs {
  /** the latest snapshot run's started_at, '' when the warehouse recorded none */
  snapshotRun: string;
  /** the champion whose scores the pack shows, `name@version`, '' when there is none */
  champion: string;
  tables: Record<string, TableFingerprint>;
  /** SHA-256 of the champion and the tables' fingerprints: equal inputs, equal hash */
  sha256: string;
}

/**
 * Fingerprints of everything a pack for `monthEnd` reads. Two builds with equal fingerprints read
 * the same rows, so they give the same data files; that is what lets a re-run find its archive
 * entry instead of adding one. `settings` are inputs that are not tables (the thresholds file's
 * hash: the limits decide the statuses a pack prints), fingerprinted and listed with the tables.
 */
export async function packInputs(
  wh: Warehouse,
  monthEnd: string,
  settings: Record<string, string> = {},
): Promise<PackInputs> {
  const event = await latestChampionEvent(wh, targetName(defaultTarget));
  const champion = event ? `${event.model_name}@${event.version}` : '';
  const tables: Record<string, TableFingerprint> = {};
  for (const t of inputTables) {
    const columns = t.def.columns.filter(([n, type]) => !notContent.has(n) && !type.includes(' ALIAS '));
    const where: Sql[] = [sql`${trusted(t.date)} <= ${param(monthEnd, 'Date')}`];
    if (t.championOnly)
      where.push(
        sql`model_name = ${param(event?.model_name ?? '', 'String')} AND model_version = ${param(event?.version ?? 0, 'UInt32')}`,
      );
    const [r] = await querySql<{ rows: string; checksum: string }>(
      wh,
      sql`SELECT toString(count()) AS rows, lower(hex(sum(${trusted(rowHashExpr(columns))}))) AS checksum
        FROM ${trusted(tableRef(wh, t.def.name))} WHERE ${joinSql(where, ' AND ')}`,
    );
    tables[t.def.name] = `${r?.rows ?? '0'}:${r?.checksum ?? ''}`;
  }
  // the month-ends the warning rules were computed for, as the summary reads them (warning_days: a
  // quiet month-end is 0 fired, one never computed no value); what fired is the warnings table's. Not
  // the run rows, whose ids and times change with every re-run that computes the same
  const days = await runMetric(wh, 'warning_days', {
    from: firstWarningDay,
    to: monthEnd,
    as_of: monthEnd,
    group_by: ['month_end'],
  });
  const computed = days.rows.map((r) => String(r.month_end)).filter((d) => lastMonthEnd(d) === d);
  tables.warning_days = `${computed.length}:${createHash('sha256').update(computed.join(',')).digest('hex')}`;
  const [run] = await querySql<{ started_at: string }>(
    wh,
    sql`SELECT toString(max(started_at)) AS started_at, count() AS n FROM ${trusted(tableRef(wh, 'snapshot_runs'))} HAVING n > 0`,
  );
  Object.assign(tables, settings);
  const sha256 = createHash('sha256').update(JSON.stringify({ champion, tables })).digest('hex');
  return { snapshotRun: run?.started_at ?? '', champion, tables, sha256 };
}
