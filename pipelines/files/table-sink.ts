import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { csvCell, type Cell } from '../../warehouse/csv-cell.ts';

export type { Cell };
export type FileFormat = 'csv' | 'jsonl';

/** Streams one entity file to disk with backpressure; counts physical lines for the bad-row manifest. */
export class TableSink {
  private stream: WriteStream;
  private buf: string[] = [];
  private bufLen = 0;
  /** 1-based line number of the last line written (the CSV header is line 1) */
  line = 0;
  rows = 0;
  /** a write error (disk full, folder removed) kept for the next flush or close to throw */
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    readonly format: FileFormat,
    /** false: no CSV header line (a part of a file, appended to the file's own sink later) */
    header = true,
  ) {
    this.stream = createWriteStream(path);
    // the file is opened asynchronously: without a listener, a failed open or write would be an
    // uncaught 'error' event instead of an error of the run that owns the sink
    this.stream.on('error', (e) => {
      this.failure ??= e;
    });
    if (format === 'csv' && header) this.raw(columns.join(','));
  }

  /** Writes a row; returns its line number. */
  write(cells: readonly Cell[]): number {
    this.rows++;
    if (this.format === 'csv') return this.raw(cells.map(csvCell).join(','));
    const obj: Record<string, Cell> = {};
    cells.forEach((c, i) => {
      if (c !== null && i < this.columns.length) obj[this.columns[i]!] = c;
    });
    return this.raw(JSON.stringify(obj));
  }

  /** Writes a physical line as it is (malformed rows). */
  raw(text: string): number {
    this.buf.push(text, '\n');
    this.bufLen += text.length + 1;
    this.line += 1 + (text.match(/\n/g)?.length ?? 0);
    return this.line;
  }

  /**
   * Appends a finished part file (written by another sink with no header) as it is, counting its
   * lines and rows as this sink's own.
   */
  async appendPart(path: string, part: { line: number; rows: number }): Promise<void> {
    await this.flush();
    for await (const chunk of createReadStream(path)) {
      if (this.failure) throw this.failure;
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
    this.line += part.line;
    this.rows += part.rows;
  }

  async flushIfFull(): Promise<void> {
    if (this.bufLen > 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buf.length === 0) return;
    const ok = this.stream.write(this.buf.join(''));
    this.buf = [];
    this.bufLen = 0;
    if (!ok) await once(this.stream, 'drain');
  }

  /** Writes what is buffered and closes the file; a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.stream.end();
      await finished(this.stream);
    })();
    return this.closing;
  }

  /** Stops writing and waits until the file is closed, so its folder can be removed safely. */
  async abort(): Promise<void> {
    this.stream.destroy();
    await finished(this.stream).catch(() => undefined);
  }
}

/**
 * The sinks of one conversion: opened through `open`, and all aborted — awaited, not left to
 * open or write in the background — when the conversion fails, so that a caller removing the
 * output folder afterwards removes everything and leaves no stream to fail later.
 */
export class TableSinks {
  private readonly opened: TableSink[] = [];

  open(path: string, columns: readonly string[], format: FileFormat): TableSink {
    const sink = new TableSink(path, columns, format);
    this.opened.push(sink);
    return sink;
  }

  /** Runs a conversion; closes every sink when it succeeds and aborts every sink when it fails. */
  async run<T>(convert: () => Promise<T>): Promise<T> {
    try {
      const result = await convert();
      await Promise.all(this.opened.map((s) => s.close()));
      return result;
    } catch (e) {
      await Promise.all(this.opened.map((s) => s.abort()));
      throw e;
    }
  }
}

export const cents = (c: number): string => {
  const sign = c < 0 ? '-' : '';
  const v = Math.abs(c);
  return `${sign}${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
};
