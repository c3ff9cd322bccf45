import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IngestInputError } from '../../../../pipelines/ingest/discover.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { UserError } from '../../../../lib/user-error.ts';
import { loansCsv } from '../../../helpers/bad-row-file.ts';
import { cutAtItsStart, paymentsParquet } from '../../../helpers/cut-parquet.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/** Errors of a file as a whole: refused before anything is loaded (exit 2 through UserError). */
describe('file-level errors', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('file_errors');
  });
  afterAll(() => disposeIfOpened(wh));

  const refusal = async (paths: string[]) => {
    const e = await ingest(wh, paths, { piiSecret: 's' }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IngestInputError);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    return (e as Error).message;
  };

  it('a CSV whose header names none of the required columns stops the run before any file is loaded, naming expected and found headers', async () => {
    const dir = tmpDir('noreq');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    // semicolons: the whole header is one column
    writeFileSync(join(dir, 'payments.csv'), 'payment_id;loan_id;paid_date;amount\nP1;L1;2024-01-15;10.00\n');
    const msg = await refusal([dir]);
    expect(msg).toContain(join(dir, 'payments.csv'));
    expect(msg).toContain('expected payment_id, loan_id, paid_date, amount');
    expect(msg).toContain('found payment_id;loan_id;paid_date;amount');
    expect(await count(wh, 'loans')).toBe(0);
    expect(await count(wh, 'ingest_receipts')).toBe(0);
  });

  it('a folder holding no input (empty, or only files that name no entity) is refused: nothing loaded is not a success', async () => {
    const empty = tmpDir('empty');
    expect(await refusal([empty])).toBe(`nothing to ingest in ${empty}: no files`);
    const other = tmpDir('other');
    writeFileSync(join(other, 'readme.txt'), 'notes');
    writeFileSync(join(other, 'book.xlsx'), 'x');
    const msg = await refusal([other]);
    expect(msg).toMatch(new RegExp(`^nothing to ingest in ${other}: 2 files skipped \\(book\\.xlsx: not a `, 'u'));
    expect(msg).not.toContain('\n');
    expect(await count(wh, 'ingest_receipts')).toBe(0);
  });

  it('a header naming a field twice (itself, or its alias beside it) is refused: which column holds it would be a guess', async () => {
    for (const [header, named] of [
      ['payment_id,loan_id,paid_date,amount,amount', '"amount"'],
      ['payment_id,loan_id,paid_date,amount,还款金额', '"amount" and "还款金额"'],
      ['payment_id,loan_id,LOAN_ID,paid_date,amount', '"loan_id" and "LOAN_ID"'],
    ]) {
      const dir = tmpDir('dupcol');
      writeFileSync(join(dir, 'loans.csv'), loansCsv());
      writeFileSync(join(dir, 'payments.csv'), `${header}\nP1,L1,2024-01-15,10.00,99.00\n`);
      const msg = await refusal([dir]);
      expect(msg).toContain(join(dir, 'payments.csv'));
      expect(msg).toMatch(
        new RegExp(`the header names \\w+ twice \\(${named}\\): which column holds it is ambiguous`, 'u'),
      );
      expect(await count(wh, 'loans')).toBe(0);
    }
  });

  it('every bad file is named at once; an empty CSV is one', async () => {
    const dir = tmpDir('several');
    writeFileSync(join(dir, 'loans.csv'), 'id,name\n1,x\n');
    writeFileSync(join(dir, 'payments.csv'), '');
    const msg = await refusal([dir]);
    expect(msg).toMatch(/2 files cannot be loaded/);
    expect(msg).toContain(
      'loans.csv: the header names none of the required columns of loans (expected loan_id, customer_id, product, origination_date, principal, annual_rate, term_months; found id, name)',
    );
    expect(msg).toContain('payments.csv: empty file (no header row)');
  });

  it('an empty or blank JSONL file is refused as an empty CSV is (it loaded as nothing, exit 0); nothing loaded', async () => {
    for (const [name, text] of [
      ['empty', ''],
      ['blank', '\n\n  \r\n\t\n'],
      ['bom', '\uFEFF\n'],
      // past the first 64 KiB read for the first line: still blank
      ['long', ' '.repeat(70_000) + '\n'],
    ] as const) {
      const dir = tmpDir(`jsonl_${name}`);
      writeFileSync(join(dir, 'loans.csv'), loansCsv());
      writeFileSync(join(dir, 'payments.jsonl'), text);
      const msg = await refusal([dir]);
      expect(msg, name).toContain(`payments.jsonl: empty file (no JSON line)`);
      expect(await count(wh, 'loans')).toBe(0);
    }
    // (a JSON line after 70 KB of blank lines loads: jsonl-blank-lines.test.ts)
  });

  it('a Parquet file with none of the required columns is refused too', async () => {
    const dir = tmpDir('pq');
    await exec(
      wh,
      `INSERT INTO FUNCTION file({p:String}, 'Parquet') SELECT 1 AS a, 'x' AS b SETTINGS engine_file_truncate_on_insert = 1`,
      { p: join(dir, 'loans.parquet') },
    );
    expect(await refusal([join(dir, 'loans.parquet')])).toMatch(
      /loans\.parquet: the header names none of the required columns of loans .*found a, b/,
    );
  });

  it('a file that is no readable Parquet (random bytes, a bare magic, a truncated footer, a CSV by another name) is refused as input, named with the reason; nothing loaded', async () => {
    const dir = tmpDir('pq_bad');
    const whole = await paymentsParquet(wh, join(dir, 'good.parquet'));
    let seed = 7;
    const noise = Buffer.from(
      Array.from({ length: 5000 }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256),
    );
    const bad: Record<string, Buffer> = {
      'payments_noise.parquet': noise,
      'payments_magic.parquet': Buffer.from('PAR1garbagePAR1'),
      'payments_head.parquet': whole.subarray(0, Math.floor(whole.length / 2)),
      'payments_csv.parquet': Buffer.from('payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-15,10.00\n'),
    };
    for (const [name, bytes] of Object.entries(bad)) writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    const msg = await refusal([dir]);
    for (const name of Object.keys(bad))
      expect(msg).toMatch(new RegExp(`${name}: not a readable Parquet file \\(.+\\)`, 'u'));
    expect(msg).not.toContain('good.parquet');
    expect(await count(wh, 'loans')).toBe(0);
    expect(await count(wh, 'ingest_receipts')).toBe(0);
    // cut at its start: the footer reads (the header check passes), the data it points to is gone
    const tail = join(tmpDir('pq_tail'), 'payments.parquet');
    writeFileSync(tail, cutAtItsStart(whole));
    const e = await ingest(wh, [tail], { piiSecret: 's' }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IngestInputError);
    expect((e as Error).message).toMatch(
      new RegExp(`^${tail}: not a readable Parquet file \\(.+\\); none of its rows were loaded$`, 'u'),
    );
    expect(await count(wh, 'payments')).toBe(0);
  });

  it('a CSV whose first line is not text (binary bytes, gzip, UTF-16) is refused saying so, its bytes not echoed', async () => {
    const dir = tmpDir('binary_header');
    const csv = 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-15,10.00\n';
    let seed = 11;
    const files: Record<string, Buffer> = {
      'payments_noise.csv': Buffer.from(
        Array.from({ length: 3000 }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256),
      ),
      'payments_gzip.csv': gzipSync(Buffer.from(csv)),
      'payments_utf16.csv': Buffer.from(csv, 'utf16le'),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const msg = await refusal([dir]);
    for (const name of Object.keys(files))
      expect(msg).toContain(
        `${join(dir, name)}: the first line is not text (a binary file, a compressed one, or an encoding other than UTF-8 and GBK): expected a CSV header naming payment_id, loan_id, paid_date, amount`,
      );
    expect(msg).not.toMatch(/found|\ufffd/u);
  });

  for (const loader of ['engine', 'stream'] as const) {
    it(`a file deleted while the ${loader} loader reads it is the input's error, naming it; its rows not loaded, the run's files before it kept`, async () => {
      await wh.reset();
      const dir = tmpDir(`vanish_${loader}`);
      writeFileSync(join(dir, 'loans.csv'), loansCsv());
      const payments = join(dir, 'payments.csv');
      writeFileSync(payments, 'payment_id,loan_id,paid_date,amount\nP1,L1,2024-01-15,10.00\n');
      const e = await ingest(wh, [dir], {
        piiSecret: 's',
        loader,
        log: (line) => {
          if (line.startsWith(`payments ${payments}: reading`) && existsSync(payments)) rmSync(payments);
        },
      }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(IngestInputError);
      expect((e as Error).message).toBe(
        `${payments}: the file disappeared while it was read (moved or deleted by another process); none of its rows were loaded — run the ingest again once it is in place`,
      );
      expect(await count(wh, 'payments')).toBe(0);
      expect(await count(wh, 'loans')).toBeGreaterThan(0);
      await wh.reset();
    });
  }

  it('a header lacking any required column (renamed, or the wrong entity) is refused by either loader, naming the columns; nothing is loaded or quarantined', async () => {
    const dir = tmpDir('somereq');
    const loans = join(dir, 'loans.csv');
    writeFileSync(loans, loansCsv());
    const renamed = join(dir, 'payments-amt.csv');
    writeFileSync(renamed, 'payment_id,loan_id,paid_date,amt\nP1,L1,2024-01-15,10.00\nP2,L1,2024-01-15,11.00\n');
    const partial = join(dir, 'loans-partial.csv');
    writeFileSync(partial, 'loan_id,customer_id\nX1,C1\n');
    for (const loader of ['engine', 'stream'] as const) {
      const cases: [string[], RegExp][] = [
        [
          [renamed],
          /payments-amt\.csv: the header lacks the required column amount of payments \(expected payment_id, loan_id, paid_date, amount; found payment_id, loan_id, paid_date, amt\)$/u,
        ],
        [
          [partial],
          /loans-partial\.csv: the header lacks the required columns product, origination_date, principal, annual_rate, term_months of loans /u,
        ],
      ];
      for (const [paths, re] of cases) {
        const e = await ingest(wh, paths, { piiSecret: 's', loader }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(IngestInputError);
        expect((e as UserError).exitCode).toBe(2);
        expect((e as Error).message).toMatch(re);
        expect((e as Error).message).not.toContain('\n');
      }
      // the wrong entity: loans.csv given as payments
      const e = await ingest(wh, [loans], { piiSecret: 's', loader, entity: 'payments' }).then(
        () => null,
        (x: unknown) => x,
      );
      expect((e as Error).message).toMatch(
        /loans\.csv: the header lacks the required columns payment_id, paid_date, amount of payments/u,
      );
    }
    expect(await count(wh, 'loans')).toBe(0);
    expect(await count(wh, 'payments')).toBe(0);
    expect(await count(wh, 'quarantine')).toBe(0);
    expect(await count(wh, 'ingest_receipts')).toBe(0);
  });

  it('a file named on the command line that would be skipped is an error; found in a directory it is skipped', async () => {
    const dir = tmpDir('named');
    writeFileSync(join(dir, 'notes.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'loans.xlsx'), 'not a csv');
    // the refusal lists every prefix a name may start with (repayments was loaded, the list said payments)
    expect(await refusal([join(dir, 'notes.csv')])).toMatch(
      /notes\.csv: the file name names no entity: it must start with one of \(.*payments: payments, repayments, 还款;.*\), or give --entity/u,
    );
    expect(await refusal([join(dir, 'loans.xlsx')])).toMatch(/loans\.xlsx: not a \.csv/);
    const both = await refusal([join(dir, 'notes.csv'), join(dir, 'loans.xlsx')]);
    expect(both).toMatch(/^cannot ingest 2 files: .*notes\.csv: .*; .*loans\.xlsx: /u);
    expect(both).not.toContain('\n');
    const logged: string[] = [];
    writeFileSync(join(dir, 'loans-2024.csv'), loansCsv());
    const r = await ingest(wh, [dir], { piiSecret: 's', log: (l) => logged.push(l) });
    expect(r.receipts.map((x) => x.file)).toEqual([join(dir, 'loans-2024.csv')]);
    expect(r.skipped.map((s) => s.path).sort()).toEqual([join(dir, 'loans.xlsx'), join(dir, 'notes.csv')]);
    expect(logged.filter((l) => l.startsWith('skip '))).toHaveLength(2);
    // --entity names the entity of a file whose name does not
    writeFileSync(join(dir, 'export-2024.csv'), loansCsv());
    const forced = await ingest(wh, [join(dir, 'export-2024.csv')], { piiSecret: 's', entity: 'loans' });
    expect(forced.receipts[0]).toMatchObject({ entity: 'loans', rows_read: 50 });
  });
});
