import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../../../../lib/dates.ts';
import { generateDailyDeltas, type DailyDeltasManifest } from '../../../../pipelines/generate/daily-deltas.ts';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

/** Records of a generated CSV (no field of the generator's holds a comma or a line break). */
const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
const body = (path: string) => lines(path).slice(1);
const col = (path: string, name: string) => lines(path)[0]!.split(',').indexOf(name);

describe('daily delta files (seed 5, 2024-06-27 + 6 days across a month-end)', () => {
  let m: DailyDeltasManifest;
  let whole: string;
  const from = '2024-06-27';
  const days = 6;
  beforeAll(async () => {
    const dir = tmpDir('daily');
    m = await generateDailyDeltas({
      loans: 150,
      months: 12,
      seed: 5,
      from,
      days,
      outDir: dir,
      lateShare: 0.3,
      correctionShare: 0.3,
    });
    whole = join(tmpDir('daily-whole'), 'book');
    await generateBook({
      loans: 150,
      months: 12,
      asOf: addDays(from, days),
      seed: 5,
      badRows: 0,
      outDir: whole,
      format: 'csv',
    });
  });

  const folders = () => [m.base, ...m.days.map((d) => d.dir)];
  const all = (file: string) => folders().flatMap((f) => body(join(f, file)));

  it('writes one folder per day after the base, one of corrections for a day that has them, and nothing else', () => {
    expect(m.days.map((d) => d.date)).toEqual(Array.from({ length: days }, (_, k) => addDays(from, k + 1)));
    for (const d of m.days) for (const f of readdirSync(d.dir)) expect(f).toMatch(/^[a-z_]+(-late)?\.csv$/);
    for (const d of m.days) if (d.corrections) expect(readdirSync(d.corrections)).toEqual(['collection_actions.csv']);
    const dirs = readdirSync(join(m.base, '..')).filter((f) => !f.startsWith('.'));
    expect(dirs.sort()).toEqual(
      ['base', ...m.days.flatMap((d) => [d.dir, d.corrections ?? []].flat().map((p) => p.split('/').at(-1)!))].sort(),
    );
  });

  it('splits the whole book known by the last day: every row once, none invented (corrections aside)', () => {
    const last = addDays(from, days);
    for (const [file, date] of [
      ['loans.csv', 'origination_date'],
      ['payments.csv', 'paid_date'],
      ['collection_actions.csv', 'action_date'],
      ['loan_events.csv', 'event_date'],
    ] as const) {
      const di = col(join(whole, file), date);
      const known = body(join(whole, file)).filter((l) => l.split(',')[di]! <= last);
      const split = [...all(file), ...(file === 'payments.csv' ? all('payments-late.csv') : [])];
      expect(split.sort()).toEqual(known.sort());
    }
  });

  it('puts each row in the folder of its day, a late payment two days on, a correction the next day under the key it corrects', () => {
    expect(m.late_payments).toBeGreaterThan(0);
    expect(m.corrected_actions).toBeGreaterThan(0);
    expect(
      m.days.flatMap((d) => (d.corrections ? body(join(d.corrections, 'collection_actions.csv')) : [])),
    ).toHaveLength(m.corrected_actions);
    const pd = col(join(whole, 'payments.csv'), 'paid_date');
    const ad = col(join(whole, 'collection_actions.csv'), 'action_date');
    const ai = col(join(whole, 'collection_actions.csv'), 'action_id');
    const oi = col(join(whole, 'collection_actions.csv'), 'outcome');
    const actionColumns = lines(join(whole, 'collection_actions.csv'))[0]!.split(',');
    const originals = new Map(all('collection_actions.csv').map((l) => [l.split(',')[ai]!, l.split(',')] as const));
    for (const d of m.days) {
      for (const l of body(join(d.dir, 'payments.csv'))) expect(l.split(',')[pd]).toBe(d.date);
      for (const l of body(join(d.dir, 'payments-late.csv'))) expect(l.split(',')[pd]).toBe(addDays(d.date, -2));
      for (const l of body(join(d.dir, 'collection_actions.csv'))) expect(l.split(',')[ad]).toBe(d.date);
      for (const l of d.corrections ? body(join(d.corrections, 'collection_actions.csv')) : []) {
        const f = l.split(',');
        expect(f[ad]).toBe(addDays(d.date, -1));
        // the same action, its outcome changed: only the outcome and the promise differ
        const was = originals.get(f[ai]!)!;
        expect(f[oi]).not.toBe(was[oi]);
        f.forEach((v, k) => {
          if (k !== oi && !actionColumns[k]!.includes('promised')) expect(v).toBe(was[k]);
        });
      }
    }
    for (const l of body(join(m.base, 'payments.csv'))) expect(l.split(',')[pd]! <= from).toBe(true);
  });

  it('delivers a loan with its customer (on the borrower’s first loan) and its schedule', () => {
    const li = col(join(whole, 'loans.csv'), 'loan_id');
    const lc = col(join(whole, 'loans.csv'), 'customer_id');
    const placed = new Map<string, number>();
    folders().forEach((f, k) => {
      for (const l of body(join(f, 'loans.csv'))) placed.set(l.split(',')[li]!, k);
    });
    const customerAt = new Map<string, number>();
    folders().forEach((f, k) => {
      for (const l of body(join(f, 'customers.csv'))) customerAt.set(l.split(',')[0]!, k);
    });
    folders().forEach((f, k) => {
      for (const l of body(join(f, 'loans.csv'))) expect(customerAt.get(l.split(',')[lc]!)).toBeLessThanOrEqual(k);
      for (const l of body(join(f, 'schedule.csv'))) expect(placed.get(l.split(',')[0]!)).toBe(k);
    });
  });
});

describe('generating again into the same folder', () => {
  const files = (dir: string) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => !f.startsWith('.book') && f.includes('.'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);

  it('daily files replace the earlier run whole: nothing appended, no day of the earlier run left', async () => {
    const again = tmpDir('daily-again');
    const o = { loans: 60, months: 6, from: '2024-06-27', outDir: again };
    await generateDailyDeltas({ ...o, seed: 7, days: 3 });
    await generateDailyDeltas({ ...o, seed: 5, days: 2 });
    const fresh = tmpDir('daily-fresh');
    await generateDailyDeltas({ ...o, seed: 5, days: 2, outDir: fresh });
    expect(files(again)).toEqual(files(fresh));
  });

  it('a book in another format written there before is removed, not left for ingest to load beside it', async () => {
    const dir = tmpDir('book-formats');
    const o = { loans: 40, months: 6, asOf: '2024-06-30', seed: 3, badRows: 0, outDir: dir };
    await generateBook({ ...o, format: 'jsonl' });
    await generateBook({ ...o, format: 'csv' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'bad_rows.jsonl')).toEqual([]);
  });
});
