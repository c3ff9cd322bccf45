import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sqlStringLiteral } from '../../warehouse/sql.ts';
import { csvRecords, splitHeader } from '../../lib/csv-records.ts';
import { readFirstLine, IngestInputError, type InputFile } from './discover.ts';
import { canonicalField, entitySpecs, piiFieldNames as piiFields } from './entity-specs.ts';
import { isPersonalColumn, personalColumnNames } from './personal-columns.ts';

/** a name as a literal in an RE2 pattern (`e-mail`'s hyphen is plain; a dot or a bracket would not be) */
const regexpEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
import { REPLACEMENT_CHARACTER } from './validation-sql.ts';

/**
 * A landed file, seen as a subquery with columns `line`, `raw`, `structural`
 * (a whole-row reason or '') and `<field>__in` (Nullable(String)) per field of
 * the entity. The engine path reads the file with ClickHouse's own parsers
 * (chDB file()); the stream path parses in Node and inserts into a landing
 * table (a ClickHouse server cannot read the client's files, and GBK needs
 * decoding first).
 *
 * The file's path is a bound parameter ({path:String}, in `params`); the structure argument of
 * file(), JSON keys and the null marker are inlined as literals (sqlStringLiteral): file() takes its
 * structure as a constant, and the keys and the marker are the catalogue's and this module's own text.
 */
export interface Landing {
  subquery: string;
  params: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** columns of the file that map to no field (kept in raw only) */
  unknownColumns: string[];
  /**
   * `(line, raw)`: each record's text as written (without its line ending), under the record's
   * `line`; absent when the file has PII columns (a quarantined row is then the landed row formatted
   * back, PII masked). For an engine CSV this is `physicalLines`, valid only once checked.
   */
  rawText?: string;
  /**
   * Engine CSV only: the file's physical lines `(line, raw)`. ClickHouse numbers records, not lines,
   * so a record's `line` is its record number + 1, which is its line only when every record is one
   * line; ingestFile checks that (the line count is the record count + 1) wherever lines are shown.
   */
  physicalLines?: string;
  /** the first record's line when lines are record numbers (engine loader): staged lines must run from it without a gap */
  firstLine?: number;
  dispose(): Promise<void>;
}

/** text no field is ever: the engine's CSV null representation, so only a missing field is NULL */
const noNull = '\u0001\u0002loanwatch: no null\u0002\u0001';
const csvSettings = {
  input_format_csv_allow_variable_number_of_columns: 1,
  input_format_csv_empty_as_default: 0,
  // The header is read as record 0 and filtered out, not skipped: with parallel parsing, a skipped
  // line is left out of `_row_number` in the first chunk (~3 MB) but counted in every later one, so
  // every record after the first chunk was numbered one too high (chDB 3.4: 65,408 of 4M records
  // of a 125 MB file; none with the header read as a record)
  input_format_csv_skip_first_lines: 0,
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
  // a header ending in a comma (a spreadsheet's export) has an unnamed last column: named by its place
  const unknown = header.flatMap((h, i) =>
    mapped[i] !== null ? [] : [h.trim() === '' ? `(unnamed column ${i + 1})` : h],
  );
  const fieldCols = spec.fields.map((f) => {
    const idx = mapped.indexOf(f.name);
    return `${idx >= 0 ? `c${idx}` : nullStr} AS ${f.name}__in`;
  });
  // a PII field of this entity, of another entity's (an id number in a loans file), or a personal column no entity loads
  const personal = header.map((h, i) => piiFields.has(mapped[i] ?? '') || isPersonalColumn(h));
  const hasPii = personal.some(Boolean);
  const masked = (i: number) => `if(c${i} IS NULL, NULL, '***')`;
  const rawCols = header.map((_, i) => (personal[i] ? masked(i) : `c${i}`));
  // a record with fewer or more fields than the header has its values under other columns: in a file
  // with personal data every value of it is masked (an id number left out of its place was shown)
  const shapelessCols = hasPii ? header.map((_, i) => masked(i)) : rawCols;
  return { fieldCols, rawCols, shapelessCols, unknown, hasPii };
}

/**
 * A PII key of a JSON line (the field's name or an alias, in any case) with its value — a string
 * with escaped quotes in it, or a bare number, true/false or null — for the quarantine's raw row:
 * a pattern of string values only left numbers and escaped strings in clear.
 */
const piiJsonPattern = `(?i)"(${personalColumnNames.map(regexpEscape).join('|')})"\\s*:\\s*(?:"(?:[^"\\\\]|\\\\.)*"|[^,}\\s]+)`;

/** a JSON number as the grammar writes it (RFC 8259), whatever its size */
const JSON_NUMBER = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$';
/**
 * The line with every number outside a string written as a JSON string of its text: the engine's JSON
 * functions read a number as a Double and give it back reformatted (`1e2` as 100, `9999999999999999.99`
 * as 10000000000000000, `1.0` as 1) or, past a Double's range (`1e400`), take the line for no JSON.
 * Read as its text, a number meets the rules a CSV's field meets. The line is cut into tokens that
 * cover it whole — a string, a run that may be a number, a run of anything else, a single character —
 * so a number inside a string is never touched, and only a run of the number grammar is quoted (`01`,
 * `1.` stay as they are: no JSON). A line with no digit at its start or after `:`, `,` or `[` has no number to quote.
 */
/** the tokens of numbersAsText, left to right: a string, a run that may be a number, other text, any character */
const JSON_TOKENS = '"(?:[^"\\\\]|\\\\.)*"|-?[0-9][0-9.eE+-]*|[^"0-9-]+|[\\s\\S]';
/** a digit where a value starts: a line without one holds no number */
const NUMBER_VALUE = '(^|[:,\\[])\\s*-?[0-9]';
const numbersAsText = (col: string) =>
  `if(match(${col}, ${sqlStringLiteral(NUMBER_VALUE)}),
    arrayStringConcat(arrayMap(lwt -> if(match(lwt, ${sqlStringLiteral(JSON_NUMBER)}), concat('"', lwt, '"'), lwt), extractAll(${col}, ${sqlStringLiteral(JSON_TOKENS)}))),
    ${col})`;

/** over `lwj`, the line with its numbers as text (numbersAsText) */
const jsonField = (key: string) =>
  `multiIf(JSONType(lwj, ${sqlStringLiteral(key)}) = 'String', JSONExtractString(lwj, ${sqlStringLiteral(key)}), JSONType(lwj, ${sqlStringLiteral(key)}) IN ('Int64', 'UInt64', 'Double', 'Bool'), JSONExtractRaw(lwj, ${sqlStringLiteral(key)}), ${nullStr})`;

function jsonSelect(file: InputFile, lineExpr: string, from: string): string {
  const spec = entitySpecs[file.entity];
  const fieldCols = spec.fields.map((f) => {
    const keys = [
      f.name,
      ...Object.entries(spec.aliases)
        .filter(([, v]) => v === f.name)
        .map(([k]) => k),
    ];
    return `coalesce(${keys.map(jsonField).join(', ')}) AS ${f.name}__in`;
  });
  const masked = `replaceRegexpAll(json_text, ${sqlStringLiteral(piiJsonPattern)}, '"\\\\1":"***"')`;
  // a field's key holding an object, an array or a boolean: no field takes one (a boolean id was
  // loaded as the text 'true', an object amount reported as missing)
  const keys = spec.fields.flatMap((f) => [
    f.name,
    ...Object.entries(spec.aliases)
      .filter(([, v]) => v === f.name)
      .map(([k]) => k),
  ]);
  const keyList = `[${keys.map(sqlStringLiteral).join(', ')}]`;
  const wrongTyped = `arrayFirst(lwk -> JSONType(lwj, lwk) IN ('Object', 'Array', 'Bool'), ${keyList})`;
  const typeName = `multiIf(JSONType(lwj, ${wrongTyped}) = 'Object', 'a JSON object', JSONType(lwj, ${wrongTyped}) = 'Array', 'a JSON array', concat('a JSON boolean (', JSONExtractRaw(lwj, ${wrongTyped}), ')'))`;
  // (a line that is a bare number is a string in lwj: told apart by its first character)
  const lineType = `multiIf(JSONType(lwj) = 'Array', 'an array', JSONType(lwj) = 'String' AND match(json_text, ${sqlStringLiteral('^\\s*"')}), 'a string', JSONType(lwj) = 'Null', 'null', JSONType(lwj) = 'Bool', 'a boolean', 'a number')`;
  return `SELECT ${lineExpr} AS line, ${masked} AS raw, ${fieldCols.join(', ')},
    multiIf(trim(json_text) = '', 'blank line', NOT isValidUTF8(json_text) OR position(json_text, ${sqlStringLiteral(REPLACEMENT_CHARACTER)}) > 0, 'not valid UTF-8 text (bytes of another encoding)',
      -- the line named in the reason too: a reason copied away from its row (a log, a ticket) still
      -- says where; the engine's JSON check gives no column to name
      NOT isValidJSON(lwj), concat('malformed JSON line (line ', toString(${lineExpr}), ')'),
      JSONType(lwj) != 'Object', concat('not a JSON object (the line is ', ${lineType}, ')'),
      ${wrongTyped} != '', concat(${wrongTyped}, ': ', ${typeName}, ', not a value'),
      -- a key written twice: which value is meant is a guess (a reader keeps the first, another the last)
      length(JSONExtractKeys(lwj)) != length(arrayDistinct(JSONExtractKeys(lwj))),
      concat('JSON line names "', arrayFirst(lwk -> countEqual(JSONExtractKeys(lwj), lwk) > 1, JSONExtractKeys(lwj)), '" twice'),
      '') AS structural
    FROM (SELECT *, ${numbersAsText('json_text')} AS lwj FROM ${from})`;
}

interface RecordShape {
  blank: string;
  short: string;
  /** how many fields a short record has, of the header's `columns` (both loaders count alike: the reason names them) */
  fields: string;
  columns: number;
  extra: string;
  /** the reason a record breaks the quoting ('' when it does not), when the loader can tell */
  malformed?: string;
}

function csvSelect(
  fieldCols: string[],
  cols: { raw: string[]; shapeless: string[] },
  lineExpr: string,
  shape: RecordShape,
  from: string,
  where = '1',
) {
  // a missing field reads \N in the raw row, whichever loader read it; a blank line's raw row is empty
  const row = (c: string[]) =>
    `replaceAll(formatRowNoNewline('CSV', ${c.join(', ')}), ${sqlStringLiteral(noNull)}, '\\\\N')`;
  const raw =
    cols.shapeless === cols.raw
      ? row(cols.raw)
      : `if(${shape.short} OR ${shape.extra}, ${row(cols.shapeless)}, ${row(cols.raw)})`;
  return `SELECT ${lineExpr} AS line, if(${shape.blank}, '', ${raw}) AS raw, ${fieldCols.join(', ')},
    multiIf(${shape.blank}, 'blank line', ${shape.malformed ? `${shape.malformed} != '', ${shape.malformed}, ` : ''}${shape.short}, concat('row has fewer fields than the header (', toString(${shape.fields}), ' of ${shape.columns})'), ${shape.extra}, 'row has more fields than the header', '') AS structural
    FROM ${from} WHERE ${where}`;
}

/**
 * Every field of a record missing or empty (white space aside): a spreadsheet's cleared rows, saved
 * as `,,,,`, are blank lines — no record, skipped by both loaders — where they were quarantined as
 * missing every field, never to resolve (they have no key), and counted against --max-quarantined.
 */
const everyFieldEmpty = (fields: number) =>
  Array.from({ length: fields }, (_, i) => `(c${i} IS NULL OR trim(BOTH ' \\t' FROM c${i}) = '')`).join(' AND ');

/** a line read by LineAsString, without the CR of a CRLF ending (the stream loader splits CRLF alike) */
const withoutCr = (col: string) => `if(endsWith(${col}, '\\r'), substring(${col}, 1, length(${col}) - 1), ${col})`;

export async function engineLanding(wh: Warehouse, file: InputFile): Promise<Landing> {
  const base = { params: { path: file.path }, dispose: () => Promise.resolve() };
  if (file.format === 'csv') {
    const header = splitHeader(readFirstLine(file.path, 'utf8', (b) => b.toString()));
    const { fieldCols, rawCols, shapelessCols, unknown, hasPii } = mapHeader(file, header);
    const structure = [...header.map((_, i) => `c${i} Nullable(String)`), '__extra Nullable(String)'].join(', ');
    const from = `file({path:String}, 'CSV', ${sqlStringLiteral(structure)})`;
    const physicalLines = `SELECT ${rowLine(1)} AS line, ${withoutCr('text')} AS raw FROM file({path:String}, 'LineAsString', 'text String')`;
    // record 0 is the header: a record's line is its record number + 1
    return {
      ...base,
      settings: csvSettings,
      unknownColumns: unknown,
      physicalLines,
      ...(hasPii ? {} : { rawText: physicalLines }),
      firstLine: 2,
      subquery: csvSelect(
        fieldCols,
        { raw: rawCols, shapeless: shapelessCols },
        rowLine(1),
        {
          blank: `${everyFieldEmpty(header.length)} AND __extra IS NULL`,
          short: `c${header.length - 1} IS NULL`,
          // a field the row does not reach reads NULL; one it gives empty reads ''
          fields: `arrayCount(lwf -> isNotNull(lwf), [${header.map((_, i) => `c${i}`).join(', ')}])`,
          columns: header.length,
          extra: '__extra IS NOT NULL',
        },
        from,
        '_row_number > 0',
      ),
    };
  }
  if (file.format === 'jsonl') {
    // every line is a record: LineAsString numbers lines (checked to 4M lines, 340 MB, with parallel parsing)
    return {
      ...base,
      settings: {},
      unknownColumns: [],
      firstLine: 1,
      subquery: jsonSelect(
        file,
        rowLine(1),
        `(SELECT ${withoutCr('text')} AS json_text, _row_number FROM file({path:String}, 'LineAsString', 'text String'))`,
      ),
    };
  }
  const described = await queryRows<{ name: string }>(wh, `DESCRIBE TABLE file({path:String}, 'Parquet')`, {
    path: file.path,
  });
  const spec = entitySpecs[file.entity];
  const known = described.map((d) => [d.name, canonicalField(spec, d.name)] as const).filter(([, c]) => c !== null);
  // Parquet columns are selected by name; only names from the catalogue reach the SQL.
  const structure = known.map(([, c]) => `${c} Nullable(String)`).join(', ');
  const fieldCols = spec.fields.map((f) =>
    known.some(([, c]) => c === f.name) ? `${f.name} AS ${f.name}__in` : `${nullStr} AS ${f.name}__in`,
  );
  // raw as a JSON object built with map(): an alias would shadow the column the field is read from
  const rawPairs = known.map(
    ([, c]) => `${sqlStringLiteral(c!)}, ${piiFields.has(c!) ? `if(${c} IS NULL, NULL, '***')` : c}`,
  );
  return {
    ...base,
    settings: {},
    firstLine: 1,
    unknownColumns: described.map((d) => d.name).filter((n) => !known.some(([k]) => k === n)),
    subquery: `SELECT ${rowLine(1)} AS line, toJSONString(map(${rawPairs.join(', ')})) AS raw, ${fieldCols.join(', ')}, '' AS structural
      FROM file({path:String}, 'Parquet', ${sqlStringLiteral(structure)})`,
  };
}

/** The file's text in its sniffed encoding (discover.ts: UTF-8 or GBK, read as GB18030). */
export async function* decodedChunks(file: InputFile): AsyncGenerator<string> {
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
export async function streamLanding(
  wh: Warehouse,
  file: InputFile,
  tag: string,
  onRows?: (n: number) => void,
): Promise<Landing> {
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
  if (file.format === 'parquet')
    throw new IngestInputError(
      'Parquet files need the embedded engine (unset CLICKHOUSE_URL) or conversion to CSV/JSONL first',
    );
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
    if (rest !== '') batch.push({ line: lineNo + 1, json_text: rest });
    await flush();
    return { params: {}, settings: {}, unknownColumns: [], dispose, subquery: jsonSelect(file, 'line', table) };
  }
  let header: string[] | null = null;
  let mapped: ReturnType<typeof mapHeader> | null = null;
  // each record's text as written is landed too when the file has no PII column (the quarantine's raw
  // row; with PII it is the row formatted back, masked)
  let keepRaw = false;
  for await (const rec of csvRecords(decodedChunks(file))) {
    if (!header) {
      header = rec.fields.map((c) => c.replace(/^\uFEFF/, '').trim());
      mapped = mapHeader(file, header);
      keepRaw = !mapped.hasPii;
      const cols = header.map((_, i) => `c${i} Nullable(String)`).join(', ');
      await exec(
        wh,
        `CREATE TABLE ${table} (line UInt64, n_fields UInt32, malformed String, ${keepRaw ? 'raw String, ' : ''}${cols}) ENGINE = MergeTree ORDER BY line`,
      );
      continue;
    }
    const row: Record<string, unknown> = {
      line: rec.line,
      n_fields: rec.raw === '' ? 0 : rec.fields.length,
      malformed: rec.malformed ?? '',
    };
    if (keepRaw) row.raw = rec.raw;
    if (rec.raw !== '')
      header.forEach((_, i) => {
        row[`c${i}`] = rec.fields[i] ?? null;
      });
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (!header || !mapped) throw new IngestInputError(`${file.path}: empty file (no header row)`);
  return {
    params: {},
    settings: {},
    unknownColumns: mapped.unknown,
    dispose,
    ...(keepRaw ? { rawText: `SELECT line, raw FROM ${table}` } : {}),
    subquery: csvSelect(
      mapped.fieldCols,
      { raw: mapped.rawCols, shapeless: mapped.shapelessCols },
      'line',
      {
        blank: `n_fields = 0 OR (malformed = '' AND n_fields <= ${header.length} AND ${everyFieldEmpty(header.length)})`,
        short: `n_fields < ${header.length}`,
        fields: 'n_fields',
        columns: header.length,
        extra: `n_fields > ${header.length}`,
        malformed: 'malformed',
      },
      table,
    ),
  };
}
