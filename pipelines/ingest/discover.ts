import { openSync, readSync, closeSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RawEntity } from '../../warehouse/tables.ts';
import { ingestOrder } from './entity-specs.ts';
import { UserError } from '../../lib/user-error.ts';
import { sniffEncoding } from '../../lib/sniff-encoding.ts';

// models/data/table-text.ts reads tables with the same rule: it lives in lib/ for both
export { sniffEncoding };

export type InputFormat = 'csv' | 'jsonl' | 'parquet';
export interface InputFile {
  path: string;
  entity: RawEntity;
  format: InputFormat;
  encoding: 'utf8' | 'gbk';
}

export class IngestInputError extends UserError {
  readonly code = 'INGEST_INPUT';
}

/** The prefixes of a file name that name each entity, tried in this order (还款计划 before 还款). */
const entityPrefixes: [RawEntity, string[]][] = [
  ['collection_actions', ['collection_actions', 'collections', '催收']],
  ['loan_events', ['loan_events', 'events', '事件']],
  ['schedule', ['schedule', '还款计划']],
  ['payments', ['payments', 'repayments', '还款']],
  ['performance', ['performance', '表现']],
  ['customers', ['customers', '客户']],
  ['loans', ['loans', '贷款', '借据']],
];

export function entityOfFile(name: string): RawEntity | null {
  const base = basename(name).toLowerCase();
  for (const [e, prefixes] of entityPrefixes) if (prefixes.some((p) => base.startsWith(p))) return e;
  return null;
}

/** every prefix a file name may start with, by entity, for the refusal of one that starts with none */
const namingRule = entityPrefixes.map(([e, prefixes]) => `${e}: ${prefixes.join(', ')}`).join('; ');

export function formatOfFile(name: string): InputFormat | null {
  const n = name.toLowerCase();
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'jsonl';
  if (n.endsWith('.parquet')) return 'parquet';
  return null;
}

export interface Discovery {
  files: InputFile[];
  skipped: { path: string; why: string }[];
}

/**
 * Expands directories, recognises each file's entity and format, and orders files by entity
 * dependency. A file found in a directory that is not an input (another format, a name that names
 * no entity) is skipped and listed; a file named explicitly that would be skipped is an error, as
 * the user meant it to be loaded.
 */
export function discoverInputs(paths: string[], forcedEntity?: RawEntity): Discovery {
  const files: InputFile[] = [];
  const skipped: Discovery['skipped'] = [];
  const refused: string[] = [];
  const visit = (p: string, named: boolean) => {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new IngestInputError(`no such file or directory: ${p}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(join(abs, name), false);
      return;
    }
    const format = formatOfFile(abs);
    const entity = forcedEntity ?? entityOfFile(abs);
    // reading a named pipe waits for a writer that may never come (the run hung without a word), and
    // a device or a socket is no file of rows: refused when named, skipped in a folder like any non-input
    const why = !st.isFile()
      ? `not a regular file (${specialKind(st)})`
      : !format
        ? 'not a .csv, .txt, .jsonl, .ndjson or .parquet file'
        : !entity
          ? `the file name names no entity: it must start with one of (${namingRule}), or give --entity`
          : null;
    if (why && named) refused.push(`${p}: ${why}`);
    else if (why) skipped.push({ path: abs, why });
    else
      files.push({
        path: abs,
        entity: entity!,
        format: format!,
        // a JSONL file's text is sniffed as a CSV's: GBK is decoded, not quarantined line by line
        encoding: format === 'parquet' ? 'utf8' : sniffEncoding(abs),
      });
  };
  paths.forEach((p) => {
    visit(p, true);
  });
  if (refused.length)
    throw new IngestInputError(
      refused.length === 1
        ? `cannot ingest ${refused[0]}`
        : `cannot ingest ${refused.length} files: ${refused.join('; ')}`,
    );
  // a folder without one input (empty, mistyped, the day's files not arrived) loads nothing: said, not a success
  if (files.length === 0) {
    const first = skipped[0];
    throw new IngestInputError(
      `nothing to ingest in ${paths.join(', ')}: ${
        first
          ? `${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped (${basename(first.path)}: ${first.why})`
          : 'no files'
      }`,
    );
  }
  files.sort((a, b) => ingestOrder.indexOf(a.entity) - ingestOrder.indexOf(b.entity) || a.path.localeCompare(b.path));
  return { files, skipped };
}

/** what a path that is neither a regular file nor a directory is */
function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'neither a file nor a directory';
}

/** First line of a text file, decoded (header row of a CSV); with `nonBlank`, the first with more than spaces. */
export function readFirstLine(
  path: string,
  encoding: 'utf8' | 'gbk',
  decode: (b: Buffer) => string,
  nonBlank = false,
): string {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const text = encoding === 'utf8' ? buf.subarray(0, n).toString('utf8') : decode(buf.subarray(0, n));
  // a line ends at LF, CRLF or a bare CR (old Mac line ends), as in the stream loader's csvRecords
  const lines = text.split(/\r\n|\r|\n/u);
  return (nonBlank ? lines.find((l) => l.trim() !== '') : lines[0]) ?? '';
}
