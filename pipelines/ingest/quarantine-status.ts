import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sqlStringLiteral } from '../../warehouse/sql.ts';
import { rawEntities, rawTables, type RawEntity } from '../../warehouse/tables.ts';
import { entitySpecs } from './entity-specs.ts';
import { quarantineWhere, type QuarantineFilter, type QuarantineRow } from './quarantine-list.ts';
import { targetKeyExpr } from './validation-sql.ts';

export const quarantineStatuses = ['open', 'resolved', 'unknown'] as const;
export type QuarantineStatus = (typeof quarantineStatuses)[number];

export interface QuarantineStatusRow extends QuarantineRow {
  /**
   * `resolved`: a later ingest run accepted a row of the same entity under the same key (a correction:
   * a later correction of it, or its own file loaded); `unknown`:
   * a row from before migration 38 whose key could not be derived (quarantine-backfill.ts)
   */
  status: QuarantineStatus;
  /** the run that loaded the key's row, when it resolved this one; '' otherwise */
  resolved_by: string;
}

/** quarantine-list's order (file, line, then the file's version and run): a total order, so that batches neither skip nor repeat rows */
const order = 'file, line, file_sha256, ingest_id';

/**
 * The raw tables' keys that recorded rows of the filter name, per entity with such rows, each with
 * the run that loaded it. A key of one String column is looked up by the column itself (no key text
 * built per loaded row); a composite key is narrowed first by its first column where that is a String.
 */
function loadedKeysSelect(wh: Warehouse, rowsSql: string, entities: readonly RawEntity[]): string {
  if (entities.length === 0) return `SELECT '' AS kentity, '' AS kkey, '' AS kby, 1 AS kfound LIMIT 0`;
  return entities
    .map((e) => {
      const spec = entitySpecs[e];
      const table = rawTables[e];
      const entity = sqlStringLiteral(e);
      const rowKeys = `SELECT qkey FROM (${rowsSql}) WHERE entity = ${entity} AND qkey != ''`;
      const [first] = spec.key;
      const firstIsString = table.columns.some(([n, t]) => n === first && t === 'String');
      const plain = spec.key.length === 1 && firstIsString;
      const keyExpr = plain ? first! : targetKeyExpr(spec);
      const cond = plain
        ? `${first!} IN (${rowKeys})`
        : firstIsString
          ? `${first!} IN (SELECT splitByChar('\\x1f', qkey)[1] FROM (${rowKeys})) AND ${keyExpr} IN (${rowKeys})`
          : `${keyExpr} IN (${rowKeys})`;
      return `SELECT ${entity} AS kentity, ${keyExpr} AS kkey, toString(any(ingest_id)) AS kby, 1 AS kfound
      FROM ${tableRef(wh, table.name)} WHERE ${cond} GROUP BY kkey`;
    })
    .join('\nUNION ALL\n');
}

/** where a batch continues: after this row in quarantine-list's order */
type After = Pick<QuarantineRow, 'file' | 'line' | 'file_sha256' | 'ingest_id'>;

/**
 * The quarantined rows of a filter with their status, as one query over the stored keys: each row
 * joined to the loaded row of its key and both runs' start times (the earliest receipt of each run).
 * Resolved when that row's run started after the run that quarantined this one — and, for a row of
 * an `ingest --correct` run, when that run was a correction too or loaded the same file (the new row
 * the refusal tells to load without --correct): a plain load of the key's original row is not the
 * correction landing. Unknown when the row
 * has no stored key (written before migration 38 and not derivable: quarantine-backfill.ts); open
 * otherwise (no key, nothing loaded under it, a run without a receipt, a row as old as the
 * quarantine). `status` filters in the query, so a page or a count reads no more rows than it needs;
 * `after` starts after a row (keyset paging) before the join, so a later batch joins only its rest;
 * with every status kept, `limited` bounds the rows joined to the batch's own (its {batch:UInt64}).
 */
async function statusSelect(
  wh: Warehouse,
  filter: QuarantineFilter,
  status: QuarantineStatus | 'all',
  after: After | null = null,
  limited = false,
): Promise<{ sql: string; params: Record<string, unknown> }> {
  const w = quarantineWhere(wh, filter);
  const quarantine = tableRef(wh, 'quarantine');
  const cont = after
    ? ` AND (file, line, file_sha256, ingest_id) > ({a_file:String}, {a_line:UInt64}, {a_sha:String}, {a_ingest:String})`
    : '';
  const params = after
    ? { ...w.params, a_file: after.file, a_line: after.line, a_sha: after.file_sha256, a_ingest: after.ingest_id }
    : w.params;
  // (the key under another name: an alias of a column's own name would stand for it in the WHERE)
  const rowsSql = `SELECT file, toString(entity) AS entity, line, reason, raw, ingest_id, file_sha256,
    toString(quarantined_at) AS quarantined_at, ifNull(row_key, '') AS qkey, isNull(row_key) OR row_key_unknown = 1 AS qunknown
    FROM ${quarantine} WHERE ${w.sql}${cont}${
      // every row kept: a batch is the first {batch} rows in order, the only ones joined
      status === 'all' && limited ? ` ORDER BY ${order} LIMIT {batch:UInt64}` : ''
    }`;
  // only the entities with keys to look up: every other raw table is left unread
  const entities = (
    await queryRows<{ entity: string }>(
      wh,
      `SELECT DISTINCT toString(entity) AS entity FROM ${quarantine} WHERE ${w.sql}${cont} AND row_key != ''`,
      params,
    )
  )
    .map((r) => r.entity)
    .filter((e): e is RawEntity => (rawEntities as readonly string[]).includes(e));
  const receipts = tableRef(wh, 'ingest_receipts');
  const started = (p: string) =>
    `SELECT ingest_id AS ${p}id, min(started_at) AS ${p}started, any(mode) AS ${p}mode, 1 AS ${p}found FROM ${receipts} GROUP BY ingest_id`;
  const statusCond = status === 'all' ? '1' : `status = {status:String}`;
  return {
    sql: `SELECT file, entity, line, reason, raw, ingest_id, file_sha256, quarantined_at, status, resolved_by FROM (
      SELECT file, entity, line, reason, raw, ingest_id, file_sha256, quarantined_at,
        NOT qunknown AND ifNull(kfound, 0) = 1 AND ifNull(afound, 0) = 1 AND ifNull(bfound, 0) = 1 AND bstarted > astarted
          AND (amode != 'correct' OR bmode = 'correct' OR ifNull(cfound, 0) = 1) AS resolved,
        multiIf(qunknown, 'unknown', resolved, 'resolved', 'open') AS status, if(resolved, kby, '') AS resolved_by
      FROM (${rowsSql}) AS lwq_q
      LEFT JOIN (${loadedKeysSelect(wh, rowsSql, entities)}) AS lwq_k ON lwq_k.kentity = lwq_q.entity AND lwq_k.kkey = lwq_q.qkey
      LEFT JOIN (${started('a')}) AS lwq_a ON lwq_a.aid = lwq_q.ingest_id
      LEFT JOIN (${started('b')}) AS lwq_b ON lwq_b.bid = lwq_k.kby
      LEFT JOIN (SELECT DISTINCT ingest_id AS cid, file_sha256 AS csha, 1 AS cfound FROM ${receipts}) AS lwq_c
        ON lwq_c.cid = lwq_k.kby AND lwq_c.csha = lwq_q.file_sha256
      WHERE ${statusCond})`,
    params: status === 'all' ? params : { ...params, status },
  };
}

/**
 * Rows per batch of a listing. The embedded engine hands a result over whole, and that is what a
 * batch costs: fetching 50,000 quarantined rows added ~300 MB to the process (10,000: ~60 MB), the
 * join around them next to nothing. At 420,000 rows, a csv of every row peaked at 800 MB with batches
 * of 50,000 and 690 MB with 20,000, in no more time (each batch reads the rows after the last).
 */
export const quarantineBatch = 20_000;

type StatusRowText = Omit<QuarantineStatusRow, 'line'> & { line: string | number };
const typedStatus = (r: StatusRowText): QuarantineStatusRow => ({ ...r, line: Number(r.line) });

/** How many rows of the filter are open, resolved and unknown (one query). */
export async function quarantineStatusCounts(
  wh: Warehouse,
  filter: QuarantineFilter,
): Promise<Record<QuarantineStatus, number>> {
  const s = await statusSelect(wh, filter, 'all');
  const counts = { open: 0, resolved: 0, unknown: 0 };
  for (const r of await queryRows<{ status: QuarantineStatus; n: string }>(
    wh,
    `SELECT status, count() AS n FROM (${s.sql}) GROUP BY status`,
    s.params,
  ))
    counts[r.status] = Number(r.n);
  return counts;
}

/**
 * The quarantined rows of a filter with their status, keeping those of `status` ('all': every row),
 * in file and line order, fetched in batches of `batchSize` that continue after the last row of the
 * one before (keyset paging): a page is one query of that size, and the rows of a listing of any
 * length are never in memory more than a batch at a time.
 */
export async function* quarantineWithStatus(
  wh: Warehouse,
  filter: QuarantineFilter,
  status: QuarantineStatus | 'all',
  batchSize = quarantineBatch,
): AsyncGenerator<QuarantineStatusRow> {
  let after: After | null = null;
  for (;;) {
    const s = await statusSelect(wh, filter, status, after, true);
    const rows: QuarantineStatusRow[] = (
      await queryRows<StatusRowText>(wh, `SELECT * FROM (${s.sql}) ORDER BY ${order} LIMIT {batch:UInt64}`, {
        ...s.params,
        batch: batchSize,
      })
    ).map(typedStatus);
    for (const r of rows) yield r;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!;
  }
}
