import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import type { BadRowKind, BadRowRecord } from '../../../../pipelines/generate/bad-rows.ts';
import { ingest, type IngestResult } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const expectedReason: Record<BadRowKind, RegExp> = {
  missing_key: /_id: missing/,
  bad_date: /not a valid date/,
  negative_amount: /negative amount/,
  bad_number: /not a whole number|not a decimal number/,
  too_many_decimals: /more than 2 decimal places/,
  bad_enum: /is not one of/,
  unknown_loan: /no such loan/,
  duplicate_conflict: /duplicate key with different content/,
  wrong_columns: /fewer fields than the header/,
  malformed_json: /malformed JSON line/,
};

describe.each(['csv', 'jsonl'] as const)('every injected bad row is quarantined with its reason (%s)', (format) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let result: IngestResult;
  let bad: BadRowRecord[];
  beforeAll(async () => {
    wh = await testWarehouse(`bad_${format}`);
    const dir = join(tmpDir(`bad${format}`), 'book');
    // written by three workers in 400-loan chunks: the bad rows' files and lines must survive the appends
    await generateBook({
      ...{ loans: 1500, months: 24, asOf: '2024-06-30', seed: 5, badRows: 0.03, outDir: dir, format },
      ...{ workers: 3, chunkLoans: 400 },
    });
    bad = readFileSync(join(dir, 'bad_rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BadRowRecord);
    result = await ingest(wh, [dir], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  it('injected every kind of bad row', () => {
    const kinds = new Set(bad.map((b) => b.kind));
    for (const k of Object.keys(expectedReason))
      if (k !== (format === 'csv' ? 'malformed_json' : 'wrong_columns')) expect(kinds).toContain(k);
  });

  it('receipts balance: read = accepted + quarantined, and only bad rows are quarantined', () => {
    for (const r of result.receipts) expect(r.rows_read).toBe(r.rows_accepted + r.rows_quarantined);
    expect(result.receipts.reduce((s, r) => s + r.rows_quarantined, 0)).toBe(bad.length);
  });

  it('each bad row sits in quarantine under its file and line with the matching reason', async () => {
    const q = await queryRows<{ file: string; line: string; reason: string; raw: string }>(
      wh,
      `SELECT file, line, reason, raw FROM ${wh.database}.quarantine`,
    );
    const byKey = new Map(q.map((r) => [`${r.file}:${r.line}`, r]));
    const wrong = bad
      .filter((b) => !expectedReason[b.kind].test(byKey.get(`${b.file}:${b.line}`)?.reason ?? ''))
      .map((b) => `${b.kind} ${b.file}:${b.line} -> ${byKey.get(`${b.file}:${b.line}`)?.reason}`);
    expect(wrong).toEqual([]);
    expect(q.every((r) => r.raw.length > 0)).toBe(true);
    // among the bad dates, text of a date's length that parses to nothing
    expect(q.some((r) => r.raw.includes('not a date'))).toBe(true);
  });

  it('the raw row of a file without PII is its line as written (CSV); otherwise the row formatted back, PII masked', async () => {
    const q = await queryRows<{ file: string; line: string; raw: string }>(
      wh,
      `SELECT file, toString(line) AS line, raw FROM ${wh.database}.quarantine`,
    );
    const lines = new Map<string, string[]>();
    const lineOf = (file: string, n: number) => {
      if (!lines.has(file)) lines.set(file, readFileSync(file, 'utf8').split('\n'));
      return lines.get(file)![n - 1];
    };
    const asWritten = q.filter((r) => r.raw === lineOf(r.file, Number(r.line)));
    const customers = q.filter((r) => r.file.endsWith('customers.csv') || r.file.endsWith('customers.jsonl'));
    if (format === 'csv') {
      expect(asWritten.length).toBe(q.length - customers.length);
      expect(customers.length).toBeGreaterThan(0);
      expect(customers.every((r) => r.raw !== lineOf(r.file, Number(r.line)))).toBe(true);
    } else {
      expect(asWritten.length).toBeLessThan(q.length);
    }
  });

  it('stores receipts', async () => {
    const rows = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.ingest_receipts WHERE ingest_id = {id:String}`,
      { id: result.ingestId },
    );
    expect(Number(rows[0]!.n)).toBe(result.receipts.length);
  });
});
