import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { IngestInputError } from '../../../../pipelines/ingest/discover.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { rawTables } from '../../../../warehouse/tables.ts';
import { tableChecksums } from '../../../helpers/checksums.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

describe('input formats, encodings and malformed files', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let csvBook: string;
  let jsonlBook: string;
  const reset = async () => {
    for (const t of Object.values(rawTables)) await exec(wh, `TRUNCATE TABLE ${wh.database}.${t.name}`);
    await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
  };

  beforeAll(async () => {
    wh = await testWarehouse('formats');
    const root = tmpDir('formats');
    csvBook = join(root, 'csv');
    jsonlBook = join(root, 'jsonl');
    await generateBook({
      loans: 600,
      months: 24,
      asOf: '2024-06-30',
      seed: 3,
      badRows: 0,
      outDir: csvBook,
      format: 'csv',
    });
    await generateBook({
      loans: 600,
      months: 24,
      asOf: '2024-06-30',
      seed: 3,
      badRows: 0,
      outDir: jsonlBook,
      format: 'jsonl',
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('CSV, JSONL and Parquet, through the engine or the Node stream, load identical tables', async () => {
    const parquet = join(tmpDir('pq'), 'book');
    mkdirSync(parquet);
    for (const f of readdirSync(csvBook).filter((f) => f.endsWith('.csv') && f !== 'truth.csv')) {
      await exec(
        wh,
        `INSERT INTO FUNCTION file({out:String}, 'Parquet') SELECT * FROM file({src:String}, 'CSVWithNames') SETTINGS engine_file_truncate_on_insert = 1, input_format_csv_use_best_effort_in_schema_inference = 0`,
        { out: join(parquet, f.replace('.csv', '.parquet')), src: join(csvBook, f) },
      );
    }
    // each load on the warehouse as just migrated, one after another (each had a database of its own,
    // migrated again); the CSV through the engine last, the tables the next test reads
    const loads = [
      ['csv_stream', csvBook, 'stream'],
      ['jsonl_engine', jsonlBook, 'engine'],
      ['jsonl_stream', jsonlBook, 'stream'],
      ['parquet', parquet, undefined],
      ['csv_engine', csvBook, 'engine'],
    ] as const;
    const sums: { db: string; sums: Awaited<ReturnType<typeof tableChecksums>> }[] = [];
    for (const [db, dir, loader] of loads) {
      await wh.reset();
      await ingest(wh, [dir], { piiSecret: 's', ...(loader ? { loader } : {}) });
      sums.push({ db, sums: await tableChecksums(wh) });
    }
    const csvEngine = sums.at(-1)!.sums;
    expect(csvEngine.payments!.rows).toBeGreaterThan(1000);
    for (const s of sums.slice(0, -1)) expect({ db: s.db, ...s.sums }).toEqual({ db: s.db, ...csvEngine });
  });

  it('stores PII only hashed or masked — in tables and in quarantined raw rows', async () => {
    const c = await queryRows<{ id_number_hash: string; phone_masked: string }>(
      wh,
      // the CSV book the test above loaded last, through the engine
      `SELECT id_number_hash, phone_masked FROM ${wh.database}.customers LIMIT 50`,
    );
    for (const r of c) {
      expect(r.id_number_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.phone_masked).toMatch(/^1\d{2}\*{4}\d{4}$/);
    }
    await reset();
    const dir = tmpDir('pii');
    writeFileSync(
      join(dir, 'customers.csv'),
      'customer_id,birth_year,id_number,phone\n,1990,110101199003071234,13812345678\n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    const [q] = await queryRows<{ raw: string }>(wh, `SELECT raw FROM ${wh.database}.quarantine`);
    expect(q!.raw).not.toContain('110101199003071234');
    expect(q!.raw).not.toContain('13812345678');
    // one person, one hash: the check letter typed x or X
    writeFileSync(
      join(dir, 'customers.csv'),
      'customer_id,birth_year,id_number\nU1,1990,11010519850307123X\nU2,1990,11010519850307123x\nU3,1990, 11010519850307123X \n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    const hashes = await queryRows<{ h: string }>(
      wh,
      `SELECT DISTINCT id_number_hash AS h FROM ${wh.database}.customers WHERE customer_id IN ('U1', 'U2', 'U3')`,
    );
    expect(hashes).toHaveLength(1);
  });

  it('a record breaking the quoting is quarantined alone, through either loader: an undoubled quote, a quote never closed', async () => {
    const header = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,branch';
    const row = (id: string, branch: string) => `${id},C1,consumer,2024-01-05,1000.00,0.12,12,${branch}`;
    const lines = [
      header,
      row('Q1', 'ok'),
      row('Q2', '"ap"p"'),
      row('Q3', '"a, ""quoted"" b"'),
      row('Q6', '"two\nlines"'),
      // no quote after it in the file: the rest of the file would be this one field
      row('Q4', '"never closed'),
      row('Q5', 'ok'),
      row('Q7', 'ok'),
    ];
    for (const loader of ['engine', 'stream'] as const) {
      await reset();
      const dir = tmpDir(`quotes-${loader}`);
      writeFileSync(join(dir, 'loans.csv'), `${lines.join('\n')}\n`);
      const r = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(
        r.receipts.map((x) => [x.rows_read, x.rows_inserted, x.rows_quarantined]),
        loader,
      ).toEqual([[7, 5, 2]]);
      const q = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine ORDER BY line`,
      );
      expect(q, loader).toEqual([
        { line: '3', reason: 'a quote inside a quoted field is not doubled ("" stands for one)' },
        { line: '7', reason: 'a quote opened on this line is never closed' },
      ]);
      const loaded = await queryRows<{ loan_id: string; branch: string }>(
        wh,
        `SELECT loan_id, branch FROM ${wh.database}.loans ORDER BY loan_id`,
      );
      expect(loaded.map((x) => x.loan_id)).toEqual(['Q1', 'Q3', 'Q5', 'Q6', 'Q7']);
      expect(loaded.find((x) => x.loan_id === 'Q3')?.branch).toBe('a, "quoted" b');
    }
  });

  it('a JSON line broken as a whole gets its reason alone: not JSON, not an object, bytes of another encoding', async () => {
    const good =
      '{"loan_id":"J1","customer_id":"C1","product":"consumer","origination_date":"2024-01-05","principal":"100.00","annual_rate":"0.1","term_months":6}';
    for (const loader of ['engine', 'stream'] as const) {
      await reset();
      const dir = tmpDir(`jsonl-whole-${loader}`);
      writeFileSync(
        join(dir, 'loans.jsonl'),
        Buffer.concat([
          Buffer.from(`${good}\n{"loan_id": "J2", \n["J3", 1]\n{"loan_id":"J4","branch":"caf`),
          // a Latin-1 byte: a JSONL file of GBK Chinese is read as GBK (its encoding sniffed as a CSV's)
          Buffer.from([0xe9]),
          Buffer.from('"}\n'),
        ]),
      );
      await ingest(wh, [dir], { piiSecret: 's', loader });
      const q = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine ORDER BY line`,
      );
      expect(q.slice(0, 2), loader).toEqual([
        { line: '2', reason: 'malformed JSON line (line 2)' },
        { line: '3', reason: 'not a JSON object (the line is an array)' },
      ]);
      // the engine reads the bytes as they are; the stream loader decodes them in Node first (a byte
      // of another encoding becomes U+FFFD there), so only the engine can say why
      if (loader === 'engine')
        expect(q[2]).toEqual({ line: '4', reason: 'not valid UTF-8 text (bytes of another encoding)' });
      else expect(q[2]?.line).toBe('4');
    }
  });

  it('no personal data in the quarantine, whatever the shape of the bad record, through either loader', async () => {
    // id numbers and phones a writer put out of place (a field left out, one too many), or wrote as a
    // number, with an escaped quote, under a key in capitals or its Chinese name
    const ids = Array.from({ length: 12 }, (_, i) => `1101011970010${String(1000 + i)}`);
    const csv = [
      'customer_id,birth_year,gender,region,income_band,borrower_type,id_number,phone',
      `CX1,1970,north,low,retail,${ids[0]},${ids[1]}`,
      `CX2,1970,M,north,low,retail,${ids[2]},${ids[3]},extra`,
      `CX3,1970,X,north,low,retail,${ids[4]},${ids[5]}`,
    ].join('\n');
    const jsonl = [
      `{"customer_id":"CN1","birth_year":1970,"gender":"X","id_number":${ids[6]},"phone":${ids[7]}}`,
      `{"customer_id":"CN2","birth_year":1970,"gender":"X","id_number":"${ids[8]}","phone":"138\\"${ids[9]}"}`,
      `{"customer_id":"CK2","birth_year":1970,"gender":"X","ID_NUMBER":"${ids[10]}","身份证号":"${ids[11]}"}`,
    ].join('\n');
    for (const loader of ['engine', 'stream'] as const) {
      await reset();
      const dir = tmpDir(`pii-${loader}`);
      writeFileSync(join(dir, 'customers.csv'), `${csv}\n`);
      writeFileSync(join(dir, 'customers.jsonl'), `${jsonl}\n`);
      const r = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(r.receipts.map((x) => x.rows_quarantined)).toEqual([3, 3]);
      const q = await queryRows<{ raw: string; reason: string }>(
        wh,
        `SELECT raw, reason FROM ${wh.database}.quarantine`,
      );
      expect(q).toHaveLength(6);
      const leaks = q.filter((x) => ids.some((id) => x.raw.includes(id.slice(3)) || x.reason.includes(id.slice(3))));
      expect(leaks, loader).toEqual([]);
    }
  });

  it("personal data in any entity's file, and in columns no entity loads (a name, a landline), is masked in the quarantine; 手机号码 is the phone", async () => {
    const id = '11010519850307123X';
    const secrets = [
      '11010519850307',
      '13911112222',
      '赵六',
      '021-66668888',
      'zhao@example.com',
      '13987654321',
      '李娜',
    ];
    const loans = [
      'loan_id,customer_id,customer_name,id_number,phone,product,origination_date,principal,annual_rate,term_months',
      `L1,C1,赵六,${id},13911112222,consumer,2024-06-10,10000.00,0.1,12`,
      `L2,C1,赵六,${id},13911112222,consumer,2024-06-31,10000.00,0.1,12`,
    ].join('\n');
    const customers = [
      '客户编号,姓名,出生年份,身份证号,手机号码,联系电话,邮箱',
      `C1,赵六,1985,${id},13911112222,021-66668888,zhao@example.com`,
      `C2,李娜,19x0,${id},13987654321,021-66668888,zhao@example.com`,
    ].join('\n');
    const jsonl = `{"loan_id":"L3","customer_id":"C1","name":"李娜","phone":"13987654321","product":"consumer","origination_date":"2024-02-30","principal":"1.00","annual_rate":"0.1","term_months":"12"}`;
    for (const loader of ['engine', 'stream'] as const) {
      await reset();
      const dir = tmpDir(`personal-${loader}`);
      writeFileSync(join(dir, 'customers.csv'), `${customers}\n`);
      writeFileSync(join(dir, 'loans.csv'), `${loans}\n`);
      writeFileSync(join(dir, 'loans.jsonl'), `${jsonl}\n`);
      const r = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(r.receipts.map((x) => [x.entity, x.rows_inserted, x.rows_quarantined])).toEqual([
        ['customers', 1, 1],
        ['loans', 1, 1],
        ['loans', 0, 1],
      ]);
      const q = await queryRows<{ raw: string }>(wh, `SELECT raw FROM ${wh.database}.quarantine ORDER BY file`);
      expect(q).toHaveLength(3);
      for (const { raw } of q) for (const secret of secrets) expect(raw, `${loader}: ${raw}`).not.toContain(secret);
      // the mobile under its usual Chinese name is the customer's phone, masked
      const [c] = await queryRows<{ phone_masked: string }>(
        wh,
        `SELECT phone_masked FROM ${wh.database}.customers WHERE customer_id = 'C1'`,
      );
      expect(c!.phone_masked, loader).toBe('139****2222');
    }
  });

  it('reads GBK files with Chinese headers and Chinese enum values', async () => {
    await reset();
    const dir = tmpDir('gbk');
    const text =
      '贷款编号,客户编号,产品,放款日期,贷款金额,年利率,期限,还款方式,地区\nG1,C1,consumer,2024-01-05,12000.00,0.1200,12,等额本金,华东\nG2,C2,consumer,2024-01-05,5000.00,0.1200,6,等额本息,华南\n';
    writeFileSync(join(dir, '贷款_202401.csv'), iconv.encode(text, 'gbk'));
    const r = await ingest(wh, [dir], { piiSecret: 's' });
    expect(r.receipts[0]).toMatchObject({ entity: 'loans', rows_read: 2, rows_inserted: 2 });
    const rows = await queryRows<{ loan_id: string; repayment_method: string; region: string }>(
      wh,
      `SELECT loan_id, repayment_method, region FROM ${wh.database}.loans ORDER BY loan_id`,
    );
    expect(rows).toEqual([
      { loan_id: 'G1', repayment_method: 'equal_principal', region: '华东' },
      { loan_id: 'G2', repayment_method: 'annuity', region: '华南' },
    ]);
  });

  it('bytes of another encoding inside a UTF-8 file: that row quarantined, the others loaded as written (not the whole file read as GBK)', async () => {
    await reset();
    const header = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region';
    const row = (id: string, region: string) => `${id},C1,consumer,2024-01-05,1000.00,0.1200,12,${region}`;
    // a stray Latin-1 byte near the start, valid Chinese after it
    const early = tmpDir('enc_early');
    writeFileSync(
      join(early, 'loans.csv'),
      Buffer.concat([
        Buffer.from(`${header}\n${row('E1', 'caf')}`),
        Buffer.from([0xe9]),
        Buffer.from(`\n${row('E2', '华东')}\n${row('E3', '手机银行')}\n`),
      ]),
    );
    // GBK Chinese only after the first 64 KiB, all ASCII before: a GBK file
    const late = tmpDir('enc_late');
    const ascii = Array.from({ length: 1800 }, (_, i) => row(`L${String(i).padStart(4, '0')}`, 'east')).join('\n');
    writeFileSync(
      join(late, 'loans.csv'),
      Buffer.concat([
        Buffer.from(`${header}\n${ascii}\n${row('LX', '')}`),
        iconv.encode('手机银行', 'gbk'),
        Buffer.from('\n'),
      ]),
    );
    // a byte-order mark says UTF-8, whatever a stray GBK row says
    const bom = tmpDir('enc_bom');
    writeFileSync(
      join(bom, 'loans.csv'),
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(`${header}\n${row('B1', 'east')}\n${row('BX', '')}`),
        iconv.encode('柜台', 'gbk'),
        Buffer.from('\n'),
      ]),
    );
    // a GBK row early, UTF-8 Chinese only after the first 64 KiB: the whole file decides
    const mixed = tmpDir('enc_mixed');
    const plain = Array.from({ length: 1200 }, (_, i) => row(`M${String(i).padStart(4, '0')}`, 'east')).join('\n');
    const chinese = Array.from({ length: 400 }, (_, i) => row(`N${String(i).padStart(4, '0')}`, '柜台')).join('\n');
    writeFileSync(
      join(mixed, 'loans.csv'),
      Buffer.concat([
        Buffer.from(`${header}\n${row('MX', '')}`),
        iconv.encode('网银', 'gbk'),
        Buffer.from(`\n${plain}\n${chinese}\n`),
      ]),
    );
    const r = await ingest(wh, [early, late, bom, mixed], { piiSecret: 's' });
    const counts = (dir: string) => {
      const x = r.receipts.find((y) => y.file === join(dir, 'loans.csv'))!;
      return [x.rows_read, x.rows_inserted, x.rows_quarantined];
    };
    expect([early, late, bom, mixed].map(counts)).toEqual([
      [3, 2, 1],
      [1801, 1801, 0],
      [2, 1, 1],
      [1601, 1600, 1],
    ]);
    const [n] = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.loans WHERE region = '柜台' AND startsWith(loan_id, 'N')`,
    );
    expect(Number(n!.n)).toBe(400);
    const rows = await queryRows<{ loan_id: string; region: string }>(
      wh,
      `SELECT loan_id, region FROM ${wh.database}.loans WHERE loan_id IN ('E1', 'E2', 'E3', 'LX') ORDER BY loan_id`,
    );
    expect(rows).toEqual([
      { loan_id: 'E2', region: '华东' },
      { loan_id: 'E3', region: '手机银行' },
      { loan_id: 'LX', region: '手机银行' },
    ]);
    const q = await queryRows<{ reason: string }>(
      wh,
      `SELECT reason FROM ${wh.database}.quarantine ORDER BY file, line`,
    );
    expect(q.map((x) => x.reason)).toEqual(
      Array.from({ length: 3 }, () => 'region: not valid UTF-8 text (bytes of another encoding)'),
    );
  });

  it('a header ending in a comma (a spreadsheet export) names its unnamed column by place, through either loader', async () => {
    for (const loader of ['engine', 'stream'] as const) {
      await reset();
      const dir = tmpDir(`trailing-comma-${loader}`);
      writeFileSync(
        join(dir, 'loans.csv'),
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,\nT1,C1,consumer,2024-01-05,100.00,0.1,6,\n',
      );
      const r = await ingest(wh, [dir], { piiSecret: 's', loader });
      expect(r.receipts[0], loader).toMatchObject({ rows_inserted: 1, unknown_columns: ['(unnamed column 8)'] });
    }
  });

  it('malformed files: header only, missing required value, unknown columns, blank lines, broken quotes', async () => {
    await reset();
    const dir = tmpDir('malformed');
    writeFileSync(
      join(dir, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,favourite_colour\nM1,C1,consumer,2024-01-05,100.00,0.1,6,blue\n\nM2,C1,consumer,2024-01-05,"100.00,0.1,6\n',
    );
    writeFileSync(join(dir, 'payments.csv'), 'payment_id,loan_id,paid_date,amount\nP1,M1,,10.00\n');
    writeFileSync(join(dir, 'loan_events.csv'), 'event_id,loan_id,event_date,type,amount,note\n');
    const r = await ingest(wh, [dir], { piiSecret: 's' });
    const loans = r.receipts.find((x) => x.entity === 'loans')!;
    // the blank line is no record: skipped, not read
    expect(loans).toMatchObject({
      rows_read: 2,
      rows_inserted: 1,
      rows_quarantined: 1,
      unknown_columns: ['favourite_colour'],
    });
    expect(r.receipts.find((x) => x.entity === 'payments')).toMatchObject({ rows_read: 1, rows_quarantined: 1 });
    expect(r.receipts.find((x) => x.entity === 'loan_events')).toMatchObject({ rows_read: 0 });
    const reasons = (
      await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT line, reason FROM ${wh.database}.quarantine ORDER BY entity, line`,
      )
    ).map((x) => `${x.line} ${x.reason}`);
    expect(reasons).toEqual([
      // the quote opened on the last line is never closed (the engine hands the file to the stream loader)
      '4 a quote opened on this line is never closed',
      '2 paid_date: missing',
    ]);
  });

  it('the engine and the Node stream read odd CSV rows alike: \\N as a value, empty, short, long rows; a blank line and a cleared row skipped', async () => {
    const dir = tmpDir('odd-rows');
    writeFileSync(
      join(dir, 'customers.csv'),
      [
        'customer_id,birth_year,gender,region,income_band,borrower_type,id_number,phone',
        'C1,1980,M,north,high,retail,110101198003071234,13812345678',
        'C2,\\N,F,\\N,,retail,,',
        'C3,1990,F',
        'C4,1990,F,south,low,retail,1101,1380,extra',
        '',
        // a cleared row (every field empty): a blank line as well
        ',,,,,,,',
        'C5,\\N,M,east,"mid,upper",retail,\\N,\\N',
        '\\N,1990,M,east,low,retail,1,2',
        'C6,1985,U,west,low,retail,110101198503071234,\\N',
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'loans.csv'),
      [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,branch',
        'D1,C1,consumer,2024-01-05,100.00,0.1,6,\\N',
        'D2,C1,consumer,\\N,100.00,0.1,6,b',
        'D3,C6,consumer,2024-01-05,100.00,0.1,6',
        'D4,C6,consumer,2024-01-05,100.00,0.1,6,,',
        'D5,C1,consumer,2024-01-05,\\N,0.1,6,',
        '\\N,C1,consumer,2024-01-05,1.00,0.1,6,b',
      ].join('\r\n') + '\r\n',
    );
    const quarantine = async () =>
      queryRows<{ entity: string; line: string; reason: string; raw: string }>(
        wh,
        `SELECT entity, toString(line) AS line, reason, if(entity = 'customers', raw, '') AS raw FROM ${wh.database}.quarantine ORDER BY entity, line`,
      );
    const loaded = async () =>
      queryRows(wh, `SELECT loan_id, customer_id, branch FROM ${wh.database}.loans ORDER BY loan_id`);
    const results = [];
    // (the quarantine's raw rows of loans differ by design: the engine keeps the line as written)
    const tables = async (w: typeof wh) => {
      const sums = await tableChecksums(w);
      delete sums.quarantine;
      return sums;
    };
    // each loader on the warehouse as just migrated (each had a database of its own, migrated again)
    for (const loader of ['engine', 'stream'] as const) {
      await wh.reset();
      const r = await ingest(wh, [dir], { piiSecret: 's', loader });
      results.push({
        receipts: r.receipts.map((x) => [x.entity, x.rows_read, x.rows_inserted, x.rows_quarantined]),
        quarantine: await quarantine(),
        loans: await loaded(),
        sums: await tables(wh),
      });
    }
    expect(results[1]).toEqual(results[0]);
    const reasons = results[0]!.quarantine.map((q) => `${q.entity} ${q.line}: ${q.reason}`);
    expect(reasons).toEqual([
      'customers 3: birth_year: not a whole number in 1900..2030',
      'customers 4: row has fewer fields than the header (3 of 8)',
      'customers 5: row has more fields than the header',
      'customers 8: birth_year: not a whole number in 1900..2030',
      'loans 3: origination_date: not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)',
      'loans 4: row has fewer fields than the header (7 of 8)',
      'loans 5: row has more fields than the header',
      'loans 6: principal: not a decimal number',
    ]);
    // `\N` is a value like any other: a text field keeps it, an identifier may be it
    expect(results[0]!.loans).toContainEqual({ loan_id: 'D1', customer_id: 'C1', branch: '\\N' });
    expect(results[0]!.loans).toContainEqual({ loan_id: '\\N', customer_id: 'C1', branch: 'b' });
    // PII stays masked in the raw row, a missing field reads \N; a record of another shape than the
    // header in a file with personal data is masked whole (its values may sit under other columns)
    const raw = results[0]!.quarantine.filter((q) => q.entity === 'customers').map((q) => q.raw);
    expect(raw.join('\n')).not.toMatch(/110101|13812/);
    expect(raw[1]).toBe('"***","***","***",\\N,\\N,\\N,\\N,\\N');
  });

  it("a quoted field spanning lines: line numbers are physical lines (the record's first), and the raw row is the record as written", async () => {
    await reset();
    const dir = tmpDir('multiline');
    writeFileSync(
      join(dir, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nK1,C1,consumer,2024-01-05,100.00,0.1,6\n',
    );
    writeFileSync(
      join(dir, 'loan_events.csv'),
      'event_id,loan_id,event_date,type,amount,note\nE1,K1,2024-02-01,recovery,5.00,"first\nsecond"\nE2,K1,2024-13-01,recovery,5.00,x\n',
    );
    const r = await ingest(wh, [dir], { piiSecret: 's' });
    expect(r.receipts.find((x) => x.entity === 'loan_events')).toMatchObject({
      rows_read: 2,
      rows_inserted: 1,
      rows_quarantined: 1,
    });
    const q = await queryRows<{ line: string; reason: string; raw: string }>(
      wh,
      `SELECT toString(line) AS line, reason, raw FROM ${wh.database}.quarantine`,
    );
    expect(q).toEqual([
      {
        line: '4',
        reason: 'event_date: not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)',
        raw: 'E2,K1,2024-13-01,recovery,5.00,x',
      },
    ]);
    expect((await queryRows<{ note: string }>(wh, `SELECT note FROM ${wh.database}.loan_events`))[0]!.note).toBe(
      'first\nsecond',
    );
  });

  it('rejects paths that do not exist, and skips files that name no entity', async () => {
    await expect(ingest(wh, ['/no/such/dir'], { piiSecret: 's' })).rejects.toThrow(IngestInputError);
    const dir = tmpDir('skip');
    writeFileSync(join(dir, 'notes.csv'), 'a,b\n1,2\n');
    // alone in its folder it is all there is: nothing to ingest, refused
    await expect(ingest(wh, [dir], { piiSecret: 's' })).rejects.toThrow(/^nothing to ingest in .*names no entity/u);
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,birth_year\nC9,1980\n');
    const r = await ingest(wh, [dir], { piiSecret: 's' });
    expect(r.receipts.map((x) => x.entity)).toEqual(['customers']);
    expect(r.skipped[0]!.why).toMatch(/names no entity/);
  });
});
