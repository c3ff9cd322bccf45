import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { badFileLoans, loansCsv } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A GBK file asked of the engine loader (which reads UTF-8 only) is read by the stream loader, as the
 * auto loader reads it: the same receipt, quarantine and rows whichever loader was asked for — never
 * every row "missing" under a header the engine could not read, nor a raw row stored garbled.
 */
describe('a GBK file through --loader engine', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let fileNo = 0;
  beforeAll(async () => {
    wh = await testWarehouse('engine_gbk');
    dir = tmpDir('engine-gbk');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  const channels = ['微信', '支付宝', '柜台'];
  const row = (i: number, amount: string) =>
    `RV${i},L${i % badFileLoans},2023-01-15,${amount},${channels[i % channels.length]}`;

  async function load(path: string, loader: 'engine' | 'stream' | 'auto') {
    await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
    await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
    const logged: string[] = [];
    const r = await ingest(wh, [path], { piiSecret: 's', loader, log: (l) => logged.push(l) });
    const { ingest_id: _id, started_at: _s, finished_at: _f, ...receipt } = r.receipts[0]!;
    const quarantine = await queryRows<{ line: string; reason: string; raw: string }>(
      wh,
      `SELECT toString(line) AS line, reason, raw FROM ${wh.database}.quarantine ORDER BY line`,
    );
    const rows = await queryRows<{ payment_id: string; channel: string; amount: string }>(
      wh,
      `SELECT payment_id, channel, toString(amount) AS amount FROM ${wh.database}.payments ORDER BY payment_id`,
    );
    return { receipt, quarantine, rows, logged };
  }

  for (const records of [1, 3, 120]) {
    it(`${records} record(s), a bad amount at the first, a middle and the last line: the engine's receipt, quarantine and rows are the stream loader's`, async () => {
      for (const at of [...new Set([1, Math.ceil(records / 2), records])]) {
        const lines = Array.from({ length: records }, (_, k) => row(k + 1, k + 1 === at ? 'abc' : '10.00'));
        const text = `还款编号,贷款编号,还款日期,实还金额,渠道\n${lines.join('\n')}\n`;
        const path = join(dir, `payments-${fileNo++}.csv`);
        writeFileSync(path, iconv.encode(text, 'gbk'));
        const engine = await load(path, 'engine');
        const stream = await load(path, 'stream');
        const auto = await load(path, 'auto');
        expect(engine.logged.some((l) => l.includes('GBK-encoded') && l.includes('stream loader'))).toBe(true);
        expect(engine.receipt).toEqual(stream.receipt);
        expect(engine.receipt).toEqual(auto.receipt);
        expect(engine.receipt).toMatchObject({ rows_read: records, rows_quarantined: 1, unknown_columns: [] });
        expect(engine.quarantine).toEqual(stream.quarantine);
        expect(engine.quarantine).toEqual([
          { line: String(at + 1), reason: 'amount: not a decimal number', raw: row(at, 'abc') },
        ]);
        expect(engine.rows).toEqual(stream.rows);
        expect(engine.rows.map((r) => r.channel)).toEqual(
          Array.from({ length: records }, (_, k) => k + 1)
            .filter((i) => i !== at)
            .sort((a, b) => `RV${a}`.localeCompare(`RV${b}`))
            .map((i) => channels[i % channels.length]),
        );
      }
    });
  }

  for (const records of [1, 4, 60]) {
    it(`${records} record(s) of a GBK file cut inside its last character: the row's reason names GBK, not UTF-8 (whose advice would be wrong)`, async () => {
      const lines = Array.from({ length: records }, (_, k) => row(k + 1, '10.00'));
      const whole = iconv.encode(`还款编号,贷款编号,还款日期,实还金额,渠道\n${lines.join('\n')}`, 'gbk');
      const path = join(dir, `payments-cut-${fileNo++}.csv`);
      // the last character's first byte only: the file ends inside 微信, 支付宝 or 柜台
      writeFileSync(path, whole.subarray(0, whole.length - 1));
      for (const loader of ['auto', 'engine', 'stream'] as const) {
        const { quarantine, receipt } = await load(path, loader);
        expect(receipt).toMatchObject({ rows_read: records, rows_quarantined: 1 });
        expect(quarantine.map((q) => [q.line, q.reason])).toEqual([
          [String(records + 1), 'channel: not valid GBK text (a character cut short, or bytes of another encoding)'],
        ]);
      }
    });
  }
});
