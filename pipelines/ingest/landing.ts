import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { csvRecords, splitHeader } from './csv-records.ts';
import { readFirstLine, IngestInputError, type InputFile } from './discover.ts';
import { canonicalField, entitySpecs } from './entity-specs.ts';
import { sqlString } from './validation-sql.ts';

/**
 * A landed file, seen as a subquery with columns `line`, `raw`, `structural`
 * (a whole-row reason or '') and `<field>__in` (Nullable(String)) per field of
 * the entity. The engine path reads the file with ClickHouse's own parsers
 * (chDB file()); the stream path parses in Node and inserts into a landing
 * table (a ClickHouse server cannot read the client's files, and GBK needs
 * decoding first).
 */
export interface Landing {
  subquery: string;
  params: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** columns of the file that map to no field (kept in raw only) */
  unknownColumns: string[];
  /** the file's physical lines as (line, raw), when the raw text of a row may be its line (no PII to mask) */
  lineText?: string;
  dispose(): Promise<void>;
}

const piiFields = new Set(['id_number', 'phone']);
/** text no field is ever: the engine's CSV null representation, so only a missing field is NULL */
const noNull = '\u0001\u0002loanwatch: no null\u0002\u0001';
const csvSettings = {
  input_format_csv_allow_variable_number_of_columns: 1,
  input_format_csv_empty_as_default: 0,
  input_format_csv_skip_first_lines: 1,
  input_format_csv_detect_header: 0,
  format_csv_allow_single_quotes: 0,
  input_format_parallel_parsing: 1,
  // no field is ever this text, so only a missing field is NULL: `\N` stays a value, as in the
  // streamed loader (an empty field is a missing value in both)
  format_csv_null_representation: noNull,
};

const nullStr = 'CAST(NULL AS Nullable(String))';
/** file()'s `_row_number` is Nullable(Int64): a Nullable line would be staged, grouped and joined as one */
const rowLine = (offset: number) => `toUInt64(assumeNotNull(_row_number) + ${offset})`;

function mapHeader(file: InputFile, header: string[]) {
  const spec = entitySpecs[file.entity];
  const mapped = header.map((h) => canonicalField(spec, h));
  const unknown = header.filter((_, i) => mapped[i] === null);
  const fieldCols = spec.fields.map((f) => {
    const idx = mapped.indexOf(f.name);
    return `${idx >= 0 ? `c${idx}` : nullStr} AS ${f.name}__in`;
  });
  const rawCols = header.map((_, i) => (piiFields.has(mapped[i] ?? '') ? `if(c${i} IS NULL, NULL, '***')` : `c${i}`));
  return { fieldCols, rawCols, unknown };
}

const jsonField = (key: string) =>
  `multiIf(JSONType(json_text, ${sqlString(key)}) = 'String', JSONExtractString(json_text, ${sqlString(key)}), JSONType(json_text, ${sqlString(key)}) IN ('Int64', 'UInt64', 'Double', 'Bool'), JSONExtractRaw(json_text, ${sqlString(key)}), ${nullStr})`;

function jsonSelect(file: InputFile, lineExpr: string, from: string): string {
  const spec = entitySpecs[file.entity];
  const fieldCols = spec.fields.map((f) => {
    const keys = [f.name, ...Object.entries(spec.aliases).filter(([, v]) => v === f.name).map(([k]) => k)];
    return `coalesce(${keys.map(jsonField).join(', ')}) AS ${f.name}__in`;
  });
  const masked = `replaceRegexpAll(json_text, '"(id_number|phone|身份证号|证件号码|手机号|电话)"\\\\s*:\\\\s*"[^"]*"', '"\\\\1":"***"')`;
  return `SELECT ${lineExpr} AS line, ${masked} AS raw, ${fieldCols.join(', ')},
    multiIf(trim(json_text) = '', 'blank line', NOT isValidJSON(json_text) OR JSONType(json_text) != 'Object', 'malformed JSON line', '') AS structural
    FROM ${from}`;
}

interface RecordShape { blank: string; short: string; extra: string }

function csvSelect(fieldCols: string[], rawCols: string[], lineExpr: string, shape: RecordShape, from: string) {
  // a missing field reads \N in the raw row, whichever loader read it; a blank line's raw row is empty
  return `SELECT ${lineExpr} AS line, if(${shape.blank}, '', replaceAll(formatRowNoNewline('CSV', ${rawCols.join(', ')}), ${sqlString(noNull)}, '\\\\N')) AS raw, ${fieldCols.join(', ')},
    multiIf(${shape.blank}, 'blank line', ${shape.short}, 'row has fewer fields than the header', ${shape.extra}, 'row has more fields than the header', '') AS structural
    FROM ${from}`;
}

export async function engineLanding(wh: Warehouse, file: InputFile): Promise<Landing> {
  const base = { params: { path: file.path }, dispose: async () => {} };
  if (file.format === 'csv') {
    const header = splitHeader(readFirstLine(file.path, 'utf8', (b) => b.toString()));
    const { fieldCols, rawCols, unknown } = mapHeader(file, header);
    const structure = [...header.map((_, i) => `c${i} Nullable(String)`), '__extra Nullable(String)'].join(', ');
    const from = `file({path:String}, 'CSV', ${sqlString(structure)})`;
    const hasPii = header.some((h) => piiFields.has(canonicalField(entitySpecs[file.entity], h) ?? ''));
    const lineText = `SELECT ${rowLine(1)} AS line, if(endsWith(text, '\\r'), substring(text, 1, length(text) - 1), text) AS raw
      FROM file({path:String}, 'LineAsString', 'text String')`;
    return { ...base, settings: csvSettings, unknownColumns: unknown, ...(hasPii ? {} : { lineText }),
      subquery: csvSelect(fieldCols, rawCols, rowLine(2), { blank: header.map((_, i) => `c${i} IS NULL`).join(' AND '), short: `c${header.length - 1} IS NULL`, extra: '__extra IS NOT NULL' }, from) };
  }
  if (file.format === 'jsonl') {
    return { ...base, settings: {}, unknownColumns: [], subquery: jsonSelect(file, rowLine(1), `file({path:String}, 'LineAsString', 'json_text String')`) };
  }
  const described = await queryRows<{ name: string }>(wh, `DESCRIBE TABLE file({path:String}, 'Parquet')`, { path: file.path });
  const spec = entitySpecs[file.entity];
  const known = described.map((d) => [d.name, canonicalField(spec, d.name)] as const).filter(([, c]) => c !== null);
  // Parquet columns are selected by name; only names from the catalogue reach the SQL.
  const structure = known.map(([, c]) => `${c} Nullable(String)`).join(', ');
  const fieldCols = spec.fields.map((f) => (known.some(([, c]) => c === f.name) ? `${f.name} AS ${f.name}__in` : `${nullStr} AS ${f.name}__in`));
  // raw as a JSON object built with map(): an alias would shadow the column the field is read from
  const rawPairs = known.map(([, c]) => `${sqlString(c!)}, ${piiFields.has(c!) ? `if(${c} IS NULL, NULL, '***')` : c}`);
  return { ...base, settings: {}, unknownColumns: described.map((d) => d.name).filter((n) => !known.some(([k]) => k === n)),
    subquery: `SELECT ${rowLine(1)} AS line, toJSONString(map(${rawPairs.join(', ')})) AS raw, ${fieldCols.join(', ')}, '' AS structural
      FROM file({path:String}, 'Parquet', ${sqlString(structure)})` };
}

async function* decodedChunks(file: InputFile): AsyncGenerator<string> {
  const stream = createReadStream(file.path);
  if (file.encoding === 'utf8') {
    const dec = new TextDecoder('utf-8');
    for await (const b of stream) yield dec.decode(b as Buffer, { stream: true });
    yield dec.decode();
  } else {
    const dec = iconv.getDecoder('gb18030');
    for await (const b of stream) yield dec.write(b as Buffer);
    const tail = dec.end();
    if (tail) yield tail;
  }
}

/** Streams the file through Node into a landing table; works against chDB or a server. */
export async function streamLanding(wh: Warehouse, file: InputFile, tag: string, onRows?: (n: number) => void): Promise<Landing> {
  const table = tableRef(wh, `land_${tag}`);
  const dispose = () => exec(wh, `DROP TABLE IF EXISTS ${table}`);
  await dispose();
  const batchSize = 50_000;
  let batch: Record<string, unknown>[] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await wh.client.insert({ table, values: batch, format: 'JSONEachRow' });
    total += batch.length;
    onRows?.(total);
    batch = [];
  };
  if (file.format === 'parquet') throw new IngestInputError('Parquet files need the embedded engine (unset CLICKHOUSE_URL) or conversion to CSV/JSONL first');
  if (file.format === 'jsonl') {
    await exec(wh, `CREATE TABLE ${table} (line UInt64, json_text String) ENGINE = MergeTree ORDER BY line`);
    let lineNo = 0;
    let rest = '';
    for await (const chunk of decodedChunks(file)) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        lineNo++;
        batch.push({ line: lineNo, json_text: p.replace(/\r$/, '') });
        if (batch.length >= batchSize) await flush();
      }
    }
    if (rest !== '') batch.push({ line: ++lineNo, json_text: rest });
    await flush();
    return { params: {}, settings: {}, unknownColumns: [], dispose, subquery: jsonSelect(file, 'line', table) };
  }
  let header: string[] | null = null;
  let mapped: ReturnType<typeof mapHeader> | null = null;
  for await (const rec of csvRecords(decodedChunks(file))) {
    if (!header) {
      header = rec.fields.map((c) => c.replace(/^\uFEFF/, '').trim());
      mapped = mapHeader(file, header);
      const cols = header.map((_, i) => `c${i} Nullable(String)`).join(', ');
      await exec(wh, `CREATE TABLE ${table} (line UInt64, n_fields UInt32, ${cols}) ENGINE = MergeTree ORDER BY line`);
      continue;
    }
    const row: Record<string, unknown> = { line: rec.line, n_fields: rec.raw === '' ? 0 : rec.fields.length };
    if (rec.raw !== '') header.forEach((_, i) => { row[`c${i}`] = rec.fields[i] ?? null; });
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (!header || !mapped) throw new IngestInputError(`${file.path}: empty file (no header row)`);
  return { params: {}, settings: {}, unknownColumns: mapped.unknown, dispose,
    subquery: csvSelect(mapped.fieldCols, mapped.rawCols, 'line', { blank: 'n_fields = 0', short: `n_fields < ${header.length}`, extra: `n_fields > ${header.length}` }, table) };
}
