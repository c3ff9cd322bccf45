import { eventTypes } from '../../../../pipelines/ingest/entity-specs.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';
import { defaultSettings } from '../../../helpers/settings.ts';

const digest = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
      ]),
  );

describe('loan-book generator', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let book: string;
  beforeAll(async () => {
    wh = await testWarehouse('gen');
    book = join(tmpDir('gen'), 'a');
    await generateBook({
      loans: 4000,
      months: 36,
      asOf: '2024-06-30',
      seed: 77,
      badRows: 0,
      outDir: book,
      format: 'csv',
    });
    await ingest(wh, [book], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings: defaultSettings });
    const columns = 'loan_id String, month_end Date, true_prob Float64, observable_prob Float64';
    await exec(wh, `CREATE TABLE ${wh.database}.truth (${columns}) ENGINE = MergeTree ORDER BY (loan_id, month_end)`);
    await exec(wh, `INSERT INTO ${wh.database}.truth SELECT * FROM file({p:String}, 'CSVWithNames', {c:String})`, {
      p: join(book, 'truth.csv'),
      c: columns,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('is deterministic for a seed and differs across seeds', async () => {
    const again = join(tmpDir('gen2'), 'a');
    await generateBook({
      loans: 4000,
      months: 36,
      asOf: '2024-06-30',
      seed: 77,
      badRows: 0,
      outDir: again,
      format: 'csv',
    });
    expect(digest(again)).toEqual(digest(book));
    const other = join(tmpDir('gen3'), 'a');
    await generateBook({
      loans: 4000,
      months: 36,
      asOf: '2024-06-30',
      seed: 78,
      badRows: 0,
      outDir: other,
      format: 'csv',
    });
    expect(digest(other)['payments.csv']).not.toBe(digest(book)['payments.csv']);
  });

  it.each(['csv', 'jsonl'] as const)(
    'writes the same book (%s, with bad rows) whatever the number of worker processes',
    async (format) => {
      const books = [];
      for (const workers of [1, 3]) {
        const dir = join(tmpDir(`gen-workers-${format}-${String(workers)}`), 'book');
        const o = { loans: 1200, months: 24, asOf: '2024-06-30', seed: 9, badRows: 0.05, outDir: dir, format };
        const manifest = await generateBook({ ...o, workers, chunkLoans: 250 });
        expect(readdirSync(dir)).not.toContain('.parts');
        // the bad-row manifest names each book's own files
        const files = digest(dir);
        files['bad_rows.jsonl'] = createHash('sha256')
          .update(readFileSync(join(dir, 'bad_rows.jsonl'), 'utf8').replaceAll(dir, 'BOOK'))
          .digest('hex');
        books.push({ files, manifest });
      }
      expect(books[1]).toEqual(books[0]);
      expect(books[0]!.manifest.badRows).toBeGreaterThan(0);
    },
  );

  it('writes a truth row exactly for every active loan-month with DPD ≤ 30', async () => {
    const [r] = await queryRows<{ only_truth: string; only_snapshot: string; both: string }>(
      wh,
      `
      SELECT countIf(s.loan_id = '') AS only_truth, countIf(t.loan_id = '') AS only_snapshot, countIf(s.loan_id != '' AND t.loan_id != '') AS both
      FROM ${wh.database}.truth AS t
      FULL OUTER JOIN (SELECT loan_id, month_end FROM ${wh.database}.loan_month WHERE status = 'active' AND dpd <= 30) AS s
        ON s.loan_id = t.loan_id AND s.month_end = t.month_end`,
    );
    expect(Number(r!.both)).toBeGreaterThan(40_000);
    expect({ onlyTruth: Number(r!.only_truth), onlySnapshot: Number(r!.only_snapshot) }).toEqual({
      onlyTruth: 0,
      onlySnapshot: 0,
    });
  });

  // the oracle (hidden regime known) and the lender's view (regime filtered from observed outcomes) are both probabilities of the same event
  it.each(['true_prob', 'observable_prob'] as const)(
    'truth probabilities (%s) are calibrated against outcomes observed in the SQL snapshots',
    async (column) => {
      // label: DPD > 30 at any month-end in t+1..t+3; only fully observed windows
      const bands = await queryRows<{ band: number; n: string; p: number; y: number }>(
        wh,
        `
      SELECT band, count() AS n, avg(prob) AS p, avg(label) AS y FROM (
        SELECT t.${column} AS prob, least(9, toUInt8(floor(prob * 20))) AS band,
          toUInt8(countIf(f.dpd > 30 AND f.month_end > t.month_end AND f.month_end <= toLastDayOfMonth(addMonths(t.month_end, 3))) > 0) AS label
        FROM ${wh.database}.truth AS t
        LEFT JOIN ${wh.database}.loan_month AS f ON f.loan_id = t.loan_id
        WHERE toLastDayOfMonth(addMonths(t.month_end, 3)) <= '2024-06-30'
        GROUP BY t.loan_id, t.month_end, prob)
      GROUP BY band ORDER BY band`,
      );
      const total = bands.reduce((s, b) => s + Number(b.n), 0);
      const meanP = bands.reduce((s, b) => s + b.p * Number(b.n), 0) / total;
      const meanY = bands.reduce((s, b) => s + b.y * Number(b.n), 0) / total;
      expect(meanY).toBeGreaterThan(0.01);
      expect(Math.abs(meanP - meanY)).toBeLessThan(4 * Math.sqrt((meanY * (1 - meanY)) / total) + 0.002);
      for (const b of bands.filter((x) => Number(x.n) >= 300)) {
        const se = Math.sqrt((b.p * (1 - b.p)) / Number(b.n));
        expect(Math.abs(b.y - b.p), `band ${b.band}: n=${b.n} p=${b.p} y=${b.y}`).toBeLessThan(4.5 * se + 0.01);
      }
    },
  );

  it('has the book features the SPEC asks for', async () => {
    const manifest = JSON.parse(readFileSync(join(book, 'manifest.json'), 'utf8')) as { rows: Record<string, number> };
    expect(manifest.rows.schedule).toBeGreaterThan(0);
    const [r] = await queryRows<Record<string, string>>(
      wh,
      `SELECT
        uniqExact(product) AS products, uniqExact(repayment_method) AS methods, uniqExact(region) AS regions,
        uniqExact(toStartOfMonth(origination_date)) AS cohorts FROM ${wh.database}.loans`,
    );
    expect(Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)]))).toEqual({
      products: 5,
      methods: 4,
      regions: 7,
      cohorts: 36,
    });
    const events = await queryRows<{ type: string }>(
      wh,
      `SELECT DISTINCT type FROM ${wh.database}.loan_events ORDER BY type`,
    );
    // every event type of the contract shows up, the collections and accrual ones included
    expect(events.map((e) => e.type)).toEqual([...eventTypes].sort());
    const outcomes = await queryRows<{ outcome: string }>(
      wh,
      `SELECT DISTINCT outcome FROM ${wh.database}.collection_actions ORDER BY outcome`,
    );
    expect(outcomes.map((e) => e.outcome)).toEqual([
      'contacted',
      'no_contact',
      'promise_to_pay',
      'refused',
      'wrong_party',
    ]);
    // the macro shock shows in the roll into M2 of loans current three months earlier
    const shock = await queryRows<{ in_shock: number; outside: number }>(
      wh,
      `
      SELECT avgIf(dpd > 30, month_end BETWEEN '2023-01-31' AND '2023-04-30') AS in_shock, avgIf(dpd > 30, month_end < '2022-10-31') AS outside
      FROM ${wh.database}.loan_month WHERE status = 'active'`,
    );
    expect(shock[0]!.in_shock).toBeGreaterThan(shock[0]!.outside);
  });
});
