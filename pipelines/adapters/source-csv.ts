import { createReadStream } from 'node:fs';
import { csvRecords } from '../../lib/csv-records.ts';
import { addDays } from '../../lib/dates.ts';

/** Rows of a source CSV as objects keyed by its header, with line numbers. */
export async function* readCsvObjects(path: string): AsyncGenerator<{ line: number; row: Record<string, string> }> {
  const dec = new TextDecoder('utf-8');
  async function* chunks() {
    for await (const b of createReadStream(path)) yield dec.decode(b as Buffer, { stream: true });
  }
  let header: string[] | null = null;
  for await (const rec of csvRecords(chunks())) {
    if (!header) {
      header = rec.fields.map((h) => h.replace(/^\uFEFF/, '').trim());
      continue;
    }
    if (rec.raw === '') continue;
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = rec.fields[i] ?? '';
    });
    yield { line: rec.line, row };
  }
}

/** Accounts for every source row an adapter reads: written, or set aside with a reason. */
export class AdapterReceipt {
  read: Record<string, number> = {};
  written: Record<string, number> = {};
  setAside: Record<string, number> = {};
  constructor(readonly dataset: string) {}
  countRead(file: string) {
    this.read[file] = (this.read[file] ?? 0) + 1;
  }
  countWritten(entity: string, n = 1) {
    this.written[entity] = (this.written[entity] ?? 0) + n;
  }
  aside(reason: string) {
    this.setAside[reason] = (this.setAside[reason] ?? 0) + 1;
  }
  toJSON() {
    return { dataset: this.dataset, read: this.read, written: this.written, set_aside: this.setAside };
  }
}

export const round2 = (s: string): string => {
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x)) return s; // left as is: ingest quarantines it with its reason
  return (Math.round(x * 100) / 100).toFixed(2);
};

export function monthShift(month: string, k: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + k;
  return `${y + Math.floor(m / 12)}-${String((((m % 12) + 12) % 12) + 1).padStart(2, '0')}`;
}

/**
 * `iso` moved by a dataset's day offset (Home Credit's DAYS_* columns, negative into the past).
 * The offset comes from a file: one that is no number is refused as the Date arithmetic this
 * replaced refused it, and a fraction of a day lands on the day it falls in (floor), as it did.
 */
export function dayShift(iso: string, days: number): string {
  if (!Number.isFinite(days)) throw new RangeError('Invalid time value');
  return addDays(iso, Math.floor(days));
}
