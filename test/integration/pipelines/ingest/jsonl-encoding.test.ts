import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { IngestInputError } from '../../../../pipelines/ingest/discover.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { UserError } from '../../../../lib/user-error.ts';
import { badFileLoans, loansCsv } from '../../../helpers/bad-row-file.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A JSONL file's encoding is sniffed as a CSV's: GBK is decoded (by the stream loader, whichever loader
 * was asked for), and a file whose first line is not text (UTF-16, binary, compressed) is refused before
 * anything is loaded, as its CSV is — not loaded with every line quarantined.
 */
describe("a JSONL file's encoding", () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let fileNo = 0;
  beforeAll(async () => {
    wh = await testWarehouse('jsonl_encoding');
    dir = tmpDir('jsonl-encoding');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  const channels = ['微信', '支付宝', '柜台'];
  const line = (i: number, amount: string) =>
    `{"还款编号":"RV${i}","贷款编号":"L${i % badFileLoans}","还款日期":"2023-01-15","实还金额":"${amount}","渠道":"${channels[i % channels.length]}"}`;
  const text = (records: number, badAt: number) =>
    `${Array.from({ length: records }, (_, k) => line(k + 1, k + 1 === badAt ? 'abc' : '10.00')).join('\n')}\n`;

  const refusal = async (paths: string[], loader: 'engine' | 'stream') => {
    const e = await ingest(wh, paths, { piiSecret: 's', loader }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IngestInputError);
    expect((e as UserError).exitCode).toBe(2);
    return (e as Error).message;
  };

  it('UTF-16 (either byte order, with or without a BOM), gzip or binary JSONL is refused at once, by either loader; nothing of the run loaded', async () => {
    const utf8 = text(3, 0);
    let seed = 5;
    const files: Record<string, Buffer> = {
      'payments_u16le.jsonl': Buffer.from(utf8, 'utf16le'),
      'payments_u16bom.jsonl': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8, 'utf16le')]),
      'payments_u16be.jsonl': Buffer.from(utf8, 'utf16le').swap16(),
      // a blank first line: the first line with text decides
      'payments_u16blank.ndjson': Buffer.concat([Buffer.from('\n'), Buffer.from(utf8, 'utf16le')]),
      'payments_gzip.jsonl': gzipSync(Buffer.from(utf8)),
      'payments_noise.jsonl': Buffer.from(
        Array.from({ length: 3000 }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256),
      ),
    };
    const sub = tmpDir('jsonl-refused');
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(sub, name), bytes);
    const good = join(sub, 'payments_good.jsonl');
    writeFileSync(good, utf8);
    for (const loader of ['engine', 'stream'] as const) {
      for (const name of Object.keys(files)) {
        const path = join(sub, name);
        const expected = `${path}: the first line is not text (a binary file, a compressed one, or an encoding other than UTF-8 and GBK): expected JSON objects, one per line`;
        expect(await refusal([path], loader)).toBe(expected);
        expect(await refusal([good, path], loader)).toBe(expected);
      }
      const all = await refusal([sub], loader);
      expect(all).toMatch(new RegExp(`^${Object.keys(files).length} files cannot be loaded:`, 'u'));
      expect(all).not.toContain('payments_good');
    }
    expect(await count(wh, 'payments')).toBe(0);
    expect(await count(wh, 'quarantine')).toBe(0);
  });

  for (const records of [1, 3, 120]) {
    it(`GBK JSONL of ${records} line(s), a bad amount at the first, a middle and the last line: decoded, the engine's receipt and quarantine the stream loader's`, async () => {
      for (const at of [...new Set([1, Math.ceil(records / 2), records])]) {
        const path = join(dir, `payments-${fileNo++}.jsonl`);
        writeFileSync(path, iconv.encode(text(records, at), 'gbk'));
        const out = [];
        for (const loader of ['engine', 'stream', 'auto'] as const) {
          await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
          await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
          const r = await ingest(wh, [path], { piiSecret: 's', loader });
          const { ingest_id: _i, started_at: _s, finished_at: _f, ...receipt } = r.receipts[0]!;
          const quarantine = await queryRows<{ line: string; reason: string; raw: string }>(
            wh,
            `SELECT toString(line) AS line, reason, raw FROM ${wh.database}.quarantine ORDER BY line`,
          );
          const rows = await queryRows<{ channel: string }>(
            wh,
            `SELECT channel FROM ${wh.database}.payments ORDER BY payment_id`,
          );
          out.push({ receipt, quarantine, rows });
        }
        expect(out[0]).toEqual(out[1]);
        expect(out[2]).toEqual(out[1]);
        expect(out[0]!.receipt).toMatchObject({ rows_read: records, rows_quarantined: 1 });
        expect(out[0]!.quarantine).toEqual([
          { line: String(at), reason: 'amount: not a decimal number', raw: line(at, 'abc') },
        ]);
        expect(out[0]!.rows).toHaveLength(records - 1);
        expect(out[0]!.rows.every((r) => channels.includes(r.channel))).toBe(true);
      }
    });
  }

  it("a stray byte of another encoding in a line (the first one too) is that line's: quarantined, the file loaded", async () => {
    for (const at of [1, 2, 3]) {
      const lines = [1, 2, 3].map((i) =>
        Buffer.from(`{"payment_id":"S${i}","loan_id":"L1","paid_date":"2023-01-15","amount":"5.00","channel":"caf`),
      );
      const path = join(dir, `payments-latin1-${at}.jsonl`);
      writeFileSync(
        path,
        Buffer.concat(lines.flatMap((b, k) => [b, Buffer.from(k + 1 === at ? [0xe9] : [0x65]), Buffer.from('"}\n')])),
      );
      for (const loader of ['engine', 'stream'] as const) {
        await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
        await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
        const r = await ingest(wh, [path], { piiSecret: 's', loader });
        expect(r.receipts[0]).toMatchObject({ rows_read: 3, rows_quarantined: 1 });
        const q = await queryRows<{ line: string; reason: string }>(
          wh,
          `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine`,
        );
        expect(q).toEqual([{ line: String(at), reason: 'not valid UTF-8 text (bytes of another encoding)' }]);
      }
    }
  });
});
