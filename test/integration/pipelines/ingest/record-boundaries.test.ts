import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { badFileLoans, loansCsv, paymentsHeader } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * Where a record ends, alike in both loaders: no record is lost without a word. Whatever the place of
 * the odd record (first, middle, last line) and the file's size, read = accepted + quarantined = the
 * records in the file, and the engine's receipt and quarantine are the stream loader's.
 */
describe('record boundaries: the engine and the stream loader read the same records', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let fileNo = 0;
  beforeAll(async () => {
    wh = await testWarehouse('record_boundaries');
    dir = tmpDir('boundaries');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  const row = (i: number, channel = 'app', amount = `${(i % 900) + 1}.00`) =>
    `P${i},L${i % badFileLoans},2023-01-15,${amount},${channel}`;
  const sizes = [1, 3, 2500];
  const places = (records: number) => [...new Set([1, Math.ceil(records / 2), records])];

  /** both loaders on one file, each on empty payments and quarantine: receipts and quarantines */
  async function both(text: string) {
    const path = join(dir, `payments-${fileNo++}.csv`);
    writeFileSync(path, text);
    const out = [];
    for (const loader of ['engine', 'stream'] as const) {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      const r = await ingest(wh, [path], { piiSecret: 's', loader });
      const [receipt] = r.receipts;
      const q = await queryRows<{ line: string; reason: string; raw: string }>(
        wh,
        `SELECT toString(line) AS line, reason, raw FROM ${wh.database}.quarantine ORDER BY line`,
      );
      const [loaded] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${wh.database}.payments`);
      out.push({
        read: receipt!.rows_read,
        accepted: receipt!.rows_accepted,
        quarantined: receipt!.rows_quarantined,
        loaded: Number(loaded!.n),
        quarantine: q.map((x) => `${x.line} ${x.reason} | ${x.raw}`),
      });
    }
    expect(out[0], 'the engine reads what the stream loader reads').toEqual(out[1]);
    const [r] = out;
    expect(r!.read).toBe(r!.accepted + r!.quarantined);
    expect(r!.quarantine).toHaveLength(r!.quarantined);
    return r!;
  }

  it('a quote never closed: its line is quarantined, every later line read as its own record', async () => {
    for (const records of sizes)
      for (const at of places(records))
        for (const end of ['\n', '']) {
          const lines = Array.from({ length: records }, (_, k) => (k + 1 === at ? row(k + 1, '"app') : row(k + 1)));
          const r = await both(`${paymentsHeader}\n${lines.join('\n')}${end}`);
          expect({ records, at, read: r.read, quarantined: r.quarantined, loaded: r.loaded }).toEqual({
            records,
            at,
            read: records,
            quarantined: 1,
            loaded: records - 1,
          });
          expect(r.quarantine[0]).toMatch(new RegExp(`^${at + 1} a quote opened on this line is never closed`, 'u'));
          expect(r.quarantine[0]).toContain(`| ${row(at, '"app')}`);
        }
  });

  /**
   * `skipped` lines (no records) written before record `at` (after the last record, when `at` is the
   * last), the last record's amount bad to see its line number: both loaders read every record, the
   * skipped lines neither read nor quarantined, the bad record under its own line
   */
  async function noRecordsIn(records: number, at: number, skipped: string[], eol: string) {
    const lines = Array.from({ length: records }, (_, k) =>
      k + 1 === records ? row(k + 1, 'app', 'abc') : row(k + 1),
    );
    const cut = at === records ? records : at - 1;
    const written = [...lines.slice(0, cut), ...skipped, ...lines.slice(cut)];
    const r = await both(`${paymentsHeader}${eol}${written.join(eol)}${eol}`);
    const what = { skipped, records, at };
    expect({ ...what, read: r.read, quarantined: r.quarantined, loaded: r.loaded }).toEqual({
      ...what,
      read: records,
      quarantined: 1,
      loaded: records - 1,
    });
    const lastLine = written.lastIndexOf(lines[records - 1]!) + 2;
    expect(r.quarantine).toEqual([`${lastLine} amount: not a decimal number | ${row(records, 'app', 'abc')}`]);
  }

  it('a blank line is no record, anywhere: skipped by both loaders, neither read nor quarantined; later lines keep their numbers', async () => {
    for (const records of sizes)
      for (const at of places(records))
        for (const eol of ['\n', '\r\n'])
          for (const blanks of [1, 2]) await noRecordsIn(records, at, Array<string>(blanks).fill(''), eol);
  });

  it("a spreadsheet's cleared rows (every field empty) are blank lines, anywhere: skipped by both loaders, not quarantined", async () => {
    // payments have 5 fields: as many empty ones, spaces, empty quotes, or fewer (a row cut short)
    // every form in small files; the large file (the engine's parallel reading) with the commonest
    for (const cleared of [',,,,', ' , ,\t, , ', '"","","","",""', ',,'])
      for (const records of cleared === ',,,,' ? sizes : sizes.slice(0, 2))
        for (const at of places(records)) await noRecordsIn(records, at, [cleared, cleared], '\r\n');
    // more empty fields than the header is another shape, not a cleared row: quarantined alike by both
    const r = await both(`${paymentsHeader}\n${row(1)}\n,,,,,,\n`);
    expect(r.quarantine).toEqual([
      '3 row has more fields than the header; payment_id: missing; loan_id: missing; paid_date: missing; amount: missing | ,,,,,,',
    ]);
  });

  it('old-Mac line ends (a bare CR): every line is a record, a bad one quarantined under its line', async () => {
    for (const records of sizes)
      for (const at of places(records)) {
        const lines = Array.from({ length: records }, (_, k) => (k + 1 === at ? row(k + 1, 'app', 'abc') : row(k + 1)));
        for (const end of ['\r', '']) {
          const r = await both(`${paymentsHeader}\r${lines.join('\r')}${end}`);
          expect({ records, at, read: r.read, quarantined: r.quarantined, loaded: r.loaded }).toEqual({
            records,
            at,
            read: records,
            quarantined: 1,
            loaded: records - 1,
          });
          expect(r.quarantine).toEqual([`${at + 1} amount: not a decimal number | ${row(at, 'app', 'abc')}`]);
        }
      }
  });
});
