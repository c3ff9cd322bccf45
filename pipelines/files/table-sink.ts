import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
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

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    readonly format: FileFormat,
  ) {
    this.stream = createWriteStream(path);
    if (format === 'csv') this.raw(columns.join(','));
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

  async flushIfFull(): Promise<void> {
    if (this.bufLen > 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const ok = this.stream.write(this.buf.join(''));
    this.buf = [];
    this.bufLen = 0;
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export const cents = (c: number): string => {
  const sign = c < 0 ? '-' : '';
  const v = Math.abs(c);
  return `${sign}${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
};
