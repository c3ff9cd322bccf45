import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RawEntity } from '../../warehouse/tables.ts';
import { ingestOrder } from './entity-specs.ts';
import { UserError } from '../../lib/user-error.ts';

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

const entityNames: [RegExp, RawEntity][] = [
  [/^(collection_actions|collections|催收)/, 'collection_actions'],
  [/^(loan_events|events|事件)/, 'loan_events'],
  [/^(schedule|还款计划)/, 'schedule'],
  [/^(payments|repayments|还款)/, 'payments'],
  [/^(performance|表现)/, 'performance'],
  [/^(customers|客户)/, 'customers'],
  [/^(loans|贷款|借据)/, 'loans'],
];

export function entityOfFile(name: string): RawEntity | null {
  const base = basename(name).toLowerCase();
  for (const [re, e] of entityNames) if (re.test(base)) return e;
  return null;
}

export function formatOfFile(name: string): InputFormat | null {
  const n = name.toLowerCase();
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'jsonl';
  if (n.endsWith('.parquet')) return 'parquet';
  return null;
}

/** Invalid and valid multi-byte characters of bytes read as UTF-8 (a streaming decoder keeps characters split across reads). */
function utf8Evidence(chunks: Iterable<Buffer>): { invalid: number; wide: number } {
  const dec = new TextDecoder('utf-8');
  let invalid = 0;
  let wide = 0;
  const count = (text: string) => {
    for (const c of text) {
      if (c === '\uFFFD') invalid++;
      else if (c.charCodeAt(0) > 0x7f) wide++;
    }
  };
  for (const chunk of chunks) count(dec.decode(chunk, { stream: true }));
  count(dec.decode());
  return { invalid, wide };
}

/** The file in 1 MiB reads. */
function* fileChunks(path: string): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      yield buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * UTF-8 unless the file reads as another encoding, then GBK (GB18030-compatible): text in GBK read
 * as UTF-8 is mostly invalid sequences, while a UTF-8 file with a stray byte of another encoding has
 * more valid multi-byte characters than invalid bytes. Read as GBK, such a file's Chinese would be
 * stored garbled without a word; read as UTF-8, the row with the stray byte is quarantined (not valid
 * UTF-8) and the others load as written. A byte-order mark says UTF-8. The first 64 KiB decide a
 * UTF-8 file; one that looks like GBK there is read whole before it is taken for GBK (a stray GBK
 * row early, UTF-8 Chinese after it, was read as GBK and the Chinese garbled).
 */
export function sniffEncoding(path: string): 'utf8' | 'gbk' {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf8';
  const head = utf8Evidence([buf.subarray(0, n === buf.length ? n - 4 : n)]);
  if (head.invalid === 0 || head.wide > head.invalid) return 'utf8';
  if (n < buf.length) return 'gbk';
  const whole = utf8Evidence(fileChunks(path));
  return whole.wide > whole.invalid ? 'utf8' : 'gbk';
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
    const why = !format
      ? 'not a .csv, .txt, .jsonl, .ndjson or .parquet file'
      : !entity
        ? 'the file name names no entity (it must start with customers, loans, schedule, payments, performance, collection_actions or loan_events, or give --entity)'
        : null;
    if (why && named) refused.push(`${p}: ${why}`);
    else if (why) skipped.push({ path: abs, why });
    else
      files.push({
        path: abs,
        entity: entity!,
        format: format!,
        encoding: format === 'csv' ? sniffEncoding(abs) : 'utf8',
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

/** First line of a text file, decoded (header row of a CSV). */
export function readFirstLine(path: string, encoding: 'utf8' | 'gbk', decode: (b: Buffer) => string): string {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const text = encoding === 'utf8' ? buf.subarray(0, n).toString('utf8') : decode(buf.subarray(0, n));
  return text.split(/\r?\n/)[0] ?? '';
}
