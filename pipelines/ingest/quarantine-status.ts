import iconv from 'iconv-lite';
import { csvRecords, splitHeader } from '../../lib/csv-records.ts';
import { sniffEncoding } from '../../lib/sniff-encoding.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { rawTables, type RawEntity } from '../../warehouse/tables.ts';
import { formatOfFile, readFirstLine } from './discover.ts';
import { canonicalField, entitySpecs, type EntitySpec } from './entity-specs.ts';
import type { QuarantineRow } from './quarantine-list.ts';
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
 * The key of a quarantined row, read from its raw text: a JSON line's or a Parquet row's key fields
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
 * Each row with its status, derived from the raw tables as they are (no state of its own): resolved
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
