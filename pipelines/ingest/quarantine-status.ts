import iconv from 'iconv-lite';
import { csvRecords, splitHeader } from '../../lib/csv-records.ts';
import { sniffEncoding } from '../../lib/sniff-encoding.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sqlStringLiteral } from '../../warehouse/sql.ts';
import { rawEntities, rawTables, type RawEntity } from '../../warehouse/tables.ts';
import { formatOfFile, readFirstLine } from './discover.ts';
import { canonicalField, entitySpecs, type EntitySpec } from './entity-specs.ts';
import { iterateQuarantine, quarantineWhere, type QuarantineFilter, type QuarantineRow } from './quarantine-list.ts';
import { targetKeyExpr } from './validation-sql.ts';

export const quarantineStatuses = ['open', 'resolved'] as const;
export type QuarantineStatus = (typeof quarantineStatuses)[number];

export interface QuarantineStatusRow extends QuarantineRow {
  /** `resolved`: a later ingest run accepted a row of the same entity under the same key */
  status: QuarantineStatus;
  /** the run that loaded the key's row, when it resolved this one; '' when open */
  resolved_by: string;
}

/** a key field's text as the stage reads it (validation-sql: trimmed of spaces, tabs and CRs), or null when no valid key */
function keyPart(spec: EntitySpec, name: string, value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).replace(/^[ \t\r]+|[ \t\r]+$/gu, '');
  if (text === '') return null;
  const field = spec.fields.find((f) => f.name === name);
  if (!field) return null;
  if (field.kind === 'int') {
    if (!/^[0-9]{1,6}$/u.test(text)) return null;
    const n = Number(text);
    return (field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max) ? null : String(n);
  }
  // a month is stored as its first day (toString of the Date)
  if (field.kind === 'month') return /^[0-9]{4}-(0[1-9]|1[0-2])$/u.test(text) ? `${text}-01` : null;
  // an identifier (the only other kind a key has): what the stage refuses is no key
  // eslint-disable-next-line no-control-regex
  return text.length > 128 || /[\u0000-\u001f\uFFFD]/u.test(text) ? null : text;
}

/** the key as the raw table's targetKeyExpr writes it, from each key field's value; null when one is not a valid key part */
function keyOf(spec: EntitySpec, valueOf: (field: string) => unknown): string | null {
  const parts = spec.key.map((k) => keyPart(spec, k, valueOf(k)));
  return parts.some((p) => p === null) ? null : parts.join('\x1f');
}

/** A CSV file's header, read from the file where it still is; null when it is not there. */
function csvHeader(path: string): string[] | null {
  try {
    return splitHeader(readFirstLine(path, sniffEncoding(path), (b) => iconv.decode(b, 'gb18030')));
  } catch {
    return null;
  }
}

/**
 * The key of a quarantined row written before ingest stored it (row_key NULL, migration 38), read from its raw text: a JSON line's or a Parquet row's key fields
 * (by name or alias), a CSV record's fields under its file's header. The header is not stored with
 * the row, so it is read from the file at its path (cached per call): a file removed since (an
 * adapter's temporary folder) leaves its CSV rows without a key. null: no key can be read (a
 * record of another shape than the header, a key field missing or not valid).
 */
export async function quarantinedKey(
  row: Pick<QuarantineRow, 'entity' | 'file' | 'raw'>,
  headers = new Map<string, string[] | null>(),
): Promise<string | null> {
  if (!Object.hasOwn(entitySpecs, row.entity)) return null;
  const spec = entitySpecs[row.entity as RawEntity];
  const format = formatOfFile(row.file) ?? 'csv';
  if (format !== 'csv') {
    let object: unknown;
    try {
      object = JSON.parse(row.raw);
    } catch {
      return null;
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return null;
    const o = object as Record<string, unknown>;
    const names = (field: string) => [field, ...Object.keys(spec.aliases).filter((a) => spec.aliases[a] === field)];
    return keyOf(spec, (field) =>
      names(field)
        .map((n) => o[n])
        .find((v) => v !== undefined && v !== null),
    );
  }
  if (!headers.has(row.file)) {
    headers.set(row.file, csvHeader(row.file));
  }
  const header = headers.get(row.file)?.map((h) => canonicalField(spec, h));
  if (!header) return null;
  let record: { fields: string[]; malformed?: string } | undefined;
  for await (const r of csvRecords([row.raw])) {
    if (record) return null;
    record = r;
  }
  if (!record || record.malformed || record.fields.length !== header.length) return null;
  const fields = record.fields;
  return keyOf(spec, (field) => {
    const i = header.indexOf(field);
    return i < 0 ? undefined : fields[i];
  });
}

/**
 * Rows written before their key was stored (quarantinedKey), each with its status, derived from the raw tables as they are (no state of its own): resolved
 * when the entity's row under the same key was loaded by an ingest run that started after the run
 * that quarantined this row (a fixed file, `ingest --correct`); open otherwise — no key can be read,
 * no row has the key, or the loaded row is as old as the quarantine (a key conflict with it, or the
 * same run's first line of a duplicate). A row loaded other than by an ingest run (no receipt: an
 * action recorded through the API) resolves nothing.
 */
export async function withStatus(
  wh: Warehouse,
  rows: readonly QuarantineRow[],
  headers = new Map<string, string[] | null>(),
): Promise<QuarantineStatusRow[]> {
  const keys = await Promise.all(rows.map((r) => quarantinedKey(r, headers)));
  const byEntity = new Map<string, Set<string>>();
  rows.forEach((r, i) => {
    const k = keys[i];
    if (k === null || k === undefined) return;
    const set = byEntity.get(r.entity) ?? new Set<string>();
    set.add(k);
    byEntity.set(r.entity, set);
  });
  const loadedBy = new Map<string, string>();
  for (const [entity, set] of byEntity) {
    const spec = entitySpecs[entity as RawEntity];
    const table = tableRef(wh, rawTables[entity as RawEntity].name);
    // a key of one String column is looked up by the column itself: the table's order, so its index
    const [only] = spec.key;
    const plain =
      spec.key.length === 1 && rawTables[entity as RawEntity].columns.some(([n, t]) => n === only && t === 'String');
    const keyExpr = plain ? only! : targetKeyExpr(spec);
    const found = await queryRows<{ key: string; ingest_id: string }>(
      wh,
      `SELECT ${keyExpr} AS key, any(ingest_id) AS ingest_id FROM ${table}
      WHERE ${keyExpr} IN {keys:Array(String)} GROUP BY key`,
      { keys: [...set] },
    );
    for (const f of found) loadedBy.set(`${entity}\x1e${f.key}`, f.ingest_id);
  }
  const runs = new Set([...rows.map((r) => r.ingest_id), ...loadedBy.values()]);
  const started = new Map(
    (
      await queryRows<{ ingest_id: string; started: string }>(
        wh,
        `SELECT ingest_id, toString(min(started_at)) AS started FROM ${tableRef(wh, 'ingest_receipts')}
        WHERE ingest_id IN {ids:Array(String)} GROUP BY ingest_id`,
        { ids: [...runs] },
      )
    ).map((r) => [r.ingest_id, r.started]),
  );
  return rows.map((r, i) => {
    const k = keys[i];
    const by = k === null || k === undefined ? undefined : loadedBy.get(`${r.entity}\x1e${k}`);
    const loaded = by === undefined ? undefined : started.get(by);
    const quarantined = started.get(r.ingest_id);
    const resolved = by !== undefined && loaded !== undefined && quarantined !== undefined && loaded > quarantined;
    return { ...r, status: resolved ? 'resolved' : 'open', resolved_by: resolved ? by : '' };
  });
}

/**
 * The quarantined rows a filter matches with their status, in file and line order, keeping those of
 * `status` ('all': every row); read in batches (iterateQuarantine), each batch's keys looked up at once.
 */
export async function* iterateWithStatus(
  wh: Warehouse,
  rows: AsyncIterable<QuarantineRow>,
  status: QuarantineStatus | 'all',
  batchSize = 10_000,
): AsyncGenerator<QuarantineStatusRow> {
  const headers = new Map<string, string[] | null>();
  let batch: QuarantineRow[] = [];
  const flush = async function* () {
    for (const r of await withStatus(wh, batch, headers)) if (status === 'all' || r.status === status) yield r;
    batch = [];
  };
  for await (const r of rows) {
    batch.push(r);
    if (batch.length >= batchSize) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** quarantine-list's order (file, line, then the file's version and run): a total order, for pages and the merge */
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

/**
 * The recorded rows of a filter (their key stored by ingest, migration 38) with their status, as
 * one query: each row joined to the loaded row of its key and both runs' start times (the earliest
 * receipt of each run). Resolved when that row's run started after the run that quarantined this one;
 * open otherwise (no key, nothing loaded under it, a run without a receipt, a row as old as the
 * quarantine). `status` filters in the query, so a page or a count reads no more rows than it needs.
 */
async function recordedStatusSelect(
  wh: Warehouse,
  filter: QuarantineFilter,
  status: QuarantineStatus | 'all',
): Promise<{ sql: string; params: Record<string, unknown> }> {
  const w = quarantineWhere(wh, { ...filter, keyRecorded: true });
  const quarantine = tableRef(wh, 'quarantine');
  // (the key under another name: an alias of a column's own name would stand for it in the WHERE)
  const rowsSql = `SELECT file, toString(entity) AS entity, line, reason, raw, ingest_id, file_sha256,
    toString(quarantined_at) AS quarantined_at, ifNull(row_key, '') AS qkey FROM ${quarantine} WHERE ${w.sql}`;
  // only the entities with keys to look up: every other raw table is left unread
  const entities = (
    await queryRows<{ entity: string }>(
      wh,
      `SELECT DISTINCT toString(entity) AS entity FROM ${quarantine} WHERE ${w.sql} AND row_key != ''`,
      w.params,
    )
  )
    .map((r) => r.entity)
    .filter((e): e is RawEntity => (rawEntities as readonly string[]).includes(e));
  const started = (p: string) =>
    `SELECT ingest_id AS ${p}id, min(started_at) AS ${p}started, 1 AS ${p}found FROM ${tableRef(wh, 'ingest_receipts')} GROUP BY ingest_id`;
  const statusCond = status === 'all' ? '1' : status === 'resolved' ? 'resolved' : 'NOT resolved';
  return {
    sql: `SELECT file, entity, line, reason, raw, ingest_id, file_sha256, quarantined_at, status, resolved_by FROM (
      SELECT file, entity, line, reason, raw, ingest_id, file_sha256, quarantined_at,
        ifNull(kfound, 0) = 1 AND ifNull(afound, 0) = 1 AND ifNull(bfound, 0) = 1 AND bstarted > astarted AS resolved,
        if(resolved, 'resolved', 'open') AS status, if(resolved, kby, '') AS resolved_by
      FROM (${rowsSql}) AS lwq_q
      LEFT JOIN (${loadedKeysSelect(wh, rowsSql, entities)}) AS lwq_k ON lwq_k.kentity = lwq_q.entity AND lwq_k.kkey = lwq_q.qkey
      LEFT JOIN (${started('a')}) AS lwq_a ON lwq_a.aid = lwq_q.ingest_id
      LEFT JOIN (${started('b')}) AS lwq_b ON lwq_b.bid = lwq_k.kby
      WHERE ${statusCond})`,
    params: w.params,
  };
}

type StatusRowText = Omit<QuarantineStatusRow, 'line'> & { line: string | number };
const typedStatus = (r: StatusRowText): QuarantineStatusRow => ({ ...r, line: Number(r.line) });

/** Whether rows of the filter were written before their key was recorded (read-time derivation needed). */
export async function hasUnrecordedKeys(wh: Warehouse, filter: QuarantineFilter): Promise<boolean> {
  const w = quarantineWhere(wh, { ...filter, keyRecorded: false });
  const [r] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM (SELECT 1 FROM ${tableRef(wh, 'quarantine')} WHERE ${w.sql} LIMIT 1)`,
    w.params,
  );
  return Number(r!.n) > 0;
}

/** How many recorded rows of the filter are open and resolved (one query). */
export async function recordedStatusCounts(
  wh: Warehouse,
  filter: QuarantineFilter,
): Promise<Record<QuarantineStatus, number>> {
  const s = await recordedStatusSelect(wh, filter, 'all');
  const counts = { open: 0, resolved: 0 };
  for (const r of await queryRows<{ status: QuarantineStatus; n: string }>(
    wh,
    `SELECT status, count() AS n FROM (${s.sql}) GROUP BY status`,
    s.params,
  ))
    counts[r.status] = Number(r.n);
  return counts;
}

/**
 * The recorded rows of a filter with their status, keeping those of `status`, in file and line
 * order, fetched in batches that continue after the last row of the one before (keyset paging).
 */
export async function* iterateRecordedStatus(
  wh: Warehouse,
  filter: QuarantineFilter,
  status: QuarantineStatus | 'all',
  batchSize = 50_000,
): AsyncGenerator<QuarantineStatusRow> {
  const s = await recordedStatusSelect(wh, filter, status);
  let after: QuarantineStatusRow | null = null;
  for (;;) {
    const prev: QuarantineStatusRow | null = after;
    const cont = prev
      ? `WHERE (file, line, file_sha256, ingest_id) > ({a_file:String}, {a_line:UInt64}, {a_sha:String}, {a_ingest:String})`
      : '';
    const rows: QuarantineStatusRow[] = (
      await queryRows<StatusRowText>(wh, `SELECT * FROM (${s.sql}) ${cont} ORDER BY ${order} LIMIT {batch:UInt64}`, {
        ...s.params,
        batch: batchSize,
        ...(prev ? { a_file: prev.file, a_line: prev.line, a_sha: prev.file_sha256, a_ingest: prev.ingest_id } : {}),
      })
    ).map(typedStatus);
    for (const r of rows) yield r;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!;
  }
}

/** the engine's order of two rows (strings by their UTF-8 bytes, as the engine compares them) */
function compareRows(a: QuarantineRow, b: QuarantineRow): number {
  const bytes = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
  return (
    bytes(a.file, b.file) || a.line - b.line || bytes(a.file_sha256, b.file_sha256) || bytes(a.ingest_id, b.ingest_id)
  );
}

/**
 * Every quarantined row of a filter with its status, keeping those of `status`, in file and line
 * order: the recorded rows' status from the engine (iterateRecordedStatus), the rows written before
 * their key was recorded derived from their raw text (iterateWithStatus), the two merged in order.
 */
export async function* quarantineWithStatus(
  wh: Warehouse,
  filter: QuarantineFilter,
  status: QuarantineStatus | 'all',
  batchSize = 50_000,
): AsyncGenerator<QuarantineStatusRow> {
  const recorded = iterateRecordedStatus(wh, filter, status, batchSize);
  if (!(await hasUnrecordedKeys(wh, filter))) {
    yield* recorded;
    return;
  }
  const legacy = iterateWithStatus(wh, iterateQuarantine(wh, { ...filter, keyRecorded: false }), status);
  let a = await recorded.next();
  let b = await legacy.next();
  while (!a.done || !b.done) {
    if (b.done || (!a.done && compareRows(a.value, b.value) <= 0)) {
      yield a.value!;
      a = await recorded.next();
    } else {
      yield b.value;
      b = await legacy.next();
    }
  }
}
