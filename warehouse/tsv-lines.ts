import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from './connection.ts';

/**
 * Runs a SELECT (its text and bound parameters) and hands each row of its result to `onLine` as one
 * TabSeparated line (no newline), in the result's order.
 *
 * A `large` result on the embedded engine is written by the statement to a temporary file, read
 * back here in large chunks: chDB hands a query's result to Node as one buffer at about 60 MB/s (the
 * book's training rows, 292 MB: 10.5 s, where the same statement writing the file takes 3.5 s).
 * Otherwise — a server, or a result of a few rows, where a file would only add a statement — the
 * result streams through the client.
 */
export async function forEachTsvLine(
  wh: Warehouse,
  query: string,
  params: Record<string, unknown>,
  o: { large: boolean },
  onLine: (line: string) => void,
): Promise<void> {
  if (!wh.embedded || !o.large) {
    const rs = await wh.client.query({ query, query_params: params, format: 'TabSeparated' });
    for await (const rows of rs.stream()) for (const row of rows as { text: string }[]) onLine(row.text);
    return;
  }
  const base = wh.resultDir ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, resultPrefix));
  const file = join(dir, 'rows.tsv');
  try {
    await wh.client.command({
      // a new file in a new folder: nothing to truncate, and the statement keeps its own SETTINGS
      query: `INSERT INTO FUNCTION file({lw_result_file:String}, 'TabSeparated') ${query}`,
      query_params: { ...params, lw_result_file: file },
    });
    await readLines(file, onLine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const resultPrefix = 'lw-result-';

/**
 * Removes what a process killed in the middle of a read left in `dir` (a result file can be hundreds
 * of megabytes). Called when the embedded warehouse opens: its data directory is locked to one
 * process, so no read of another is in flight there.
 */
export function clearLeftResults(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (name.startsWith(resultPrefix)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** The lines of a file (none when an empty result left no file), split across chunk boundaries. */
async function readLines(file: string, onLine: (line: string) => void): Promise<void> {
  let rest = '';
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (rest !== '') onLine(rest);
}
