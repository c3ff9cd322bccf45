import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import iconv from 'iconv-lite';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { splitHeader } from '../../lib/csv-records.ts';
import { IngestInputError, readFirstLine, type InputFile } from './discover.ts';
import { canonicalField, entitySpecs, type EntitySpec } from './entity-specs.ts';

/**
 * What is wrong with a file as a whole, or null: an empty CSV, or a header (a Parquet file's
 * columns) lacking any of its entity's required columns — the wrong file or entity, another
 * delimiter, a column renamed. Every row of such a file would be quarantined as missing the field;
 * it is refused instead, naming the missing columns. JSONL has no header: its rows are checked one
 * by one.
 */
export async function fileProblem(wh: Warehouse, file: InputFile): Promise<string | null> {
  const spec = entitySpecs[file.entity];
  const required = spec.fields.filter((f) => f.required).map((f) => f.name);
  let found: string[];
  if (file.format === 'csv') {
    if (statSync(file.path).size === 0) return `${file.path}: empty file (no header row)`;
    const header = readFirstLine(file.path, file.encoding, (b) => iconv.decode(b, 'gb18030'));
    // a binary file's "header" is bytes: echoing them helps no one (and garbles the terminal)
    if (notText(header))
      return `${file.path}: the first line is not text (a binary file, a compressed one, or an encoding other than UTF-8 and GBK): expected a CSV header naming ${required.join(', ')}`;
    found = splitHeader(header).filter((h) => h !== '');
  } else if (file.format === 'jsonl') {
    if (!hasText(file.path))
      return `${file.path}: empty file (no JSON line): an export that wrote nothing (a day without rows is a CSV with its header only, or no file)`;
    // a UTF-16 or binary file read as UTF-8 is NUL and control bytes: every line would be quarantined
    // (the CSV of it is refused by its header). A raw control character is no JSON in any line, so
    // the first one with text decides; a stray byte of another encoding (U+FFFD) is its row's, as in a CSV
    const first = readFirstLine(file.path, file.encoding, (b) => iconv.decode(b, 'gb18030'), true);
    if (hasControl(first))
      return `${file.path}: the first line is not text (a binary file, a compressed one, or an encoding other than UTF-8 and GBK): expected JSON objects, one per line`;
    return null;
  } else if (wh.embedded) {
    // Parquet: its columns are its header (read by the embedded engine only)
    const columns = await parquetColumns(wh, file.path);
    if (typeof columns === 'string') return columns;
    found = columns;
  } else {
    return null;
  }
  const named = new Set(found.map((h) => canonicalField(spec, h)));
  const missing = required.filter((r) => !named.has(r));
  const expectedFound = `(expected ${required.join(', ')}; found ${found.length ? found.join(', ') : 'no column names'})`;
  if (missing.length === required.length)
    return `${file.path}: the header names none of the required columns of ${file.entity} ${expectedFound}`;
  // every row would be quarantined as missing the column: the wrong file, or a column renamed
  if (missing.length > 0)
    return `${file.path}: the header lacks the required column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${file.entity} ${expectedFound}`;
  return duplicateField(spec, found, file.path);
}

/**
 * Whether the file holds anything but white space and a byte-order mark: a 0-byte or blank JSONL
 * file is the same failed export as an empty CSV, refused alike (it loaded as nothing, exit 0).
 */
function hasText(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    for (let at = 0; ;) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n === 0) return false;
      for (let i = 0; i < n; i++) if (!blankBytes.has(buf[i]!)) return true;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}
// space, tab, line ends and the UTF-8 byte-order mark's bytes (none starts a JSON line)
const blankBytes = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]);

/** A control character other than tab and line ends, or a byte no encoding tried could read. */
function notText(line: string): boolean {
  return hasControl(line) || line.includes('\uFFFD');
}

/** A control character other than tab and line ends. */
function hasControl(line: string): boolean {
  for (const ch of line) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}

/**
 * A Parquet file's column names, or what is wrong with it: a file whose footer the engine cannot
 * read (truncated, another format under a .parquet name, random bytes) is the input's fault, named
 * with the engine's reason — not an internal error.
 */
async function parquetColumns(wh: Warehouse, path: string): Promise<string[] | string> {
  try {
    const described = await queryRows<{ name: string }>(wh, `DESCRIBE TABLE file({path:String}, 'Parquet')`, { path });
    return described.map((d) => d.name);
  } catch (e) {
    if (!existsSync(path)) throw e;
    return `${path}: not a readable Parquet file (${engineReason(e instanceof Error ? e.message : String(e))})`;
  }
}

/** The engine's error as a reason in parentheses: its first line, without the code prefix or the stop. */
export function engineReason(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/^Code: \d+\. DB::Exception: /u, '')
    .trim()
    .replace(/\.$/u, '');
}

/** A field the header names twice (itself or through an alias): which column holds it would be a guess. */
function duplicateField(spec: EntitySpec, header: string[], path: string) {
  const seen = new Map<string, string>();
  for (const h of header) {
    const field = canonicalField(spec, h);
    if (field === null) continue;
    const first = seen.get(field);
    if (first !== undefined)
      return `${path}: the header names ${field} twice (${first === h ? `"${h}"` : `"${first}" and "${h}"`}): which column holds it is ambiguous`;
    seen.set(field, h);
  }
  return null;
}

/**
 * Checks every file before any is loaded, so that a run with a wrong file loads nothing rather
 * than half of its files; all problems are reported at once.
 */
export async function checkFiles(wh: Warehouse, files: InputFile[]): Promise<void> {
  const problems: string[] = [];
  for (const f of files) {
    const p = await fileProblem(wh, f);
    if (p) problems.push(p);
  }
  if (problems.length === 1)
    throw new IngestInputError(problems[0]!, { hint: 'nothing was loaded; fix or remove the file and run again' });
  if (problems.length > 1) {
    throw new IngestInputError(`${problems.length} files cannot be loaded:\n  ${problems.join('\n  ')}`, {
      hint: 'nothing was loaded; fix or remove these files and run again',
    });
  }
}
