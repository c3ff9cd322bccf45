import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { badFileLoans, loansCsv } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A JSON number is read as its text (docs/data-contract.md): `"amount":1e2` meets the rules the CSV
 * field `1e2` meets — not a decimal number — where the engine's JSON functions read it as 100.00, and a
 * number past a Double's range (`1e400`) is a number too, not a malformed line. Both loaders, the odd
 * line at the first, a middle and the last place of files of several sizes.
 */
describe('JSONL numbers read as their text', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let fileNo = 0;
  beforeAll(async () => {
    wh = await testWarehouse('jsonl_numbers');
    dir = tmpDir('jsonl-numbers');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  /** one file through `loader` on empty payments: its quarantine (line, reason, raw) and the amounts loaded */
  async function load(path: string, loader: 'engine' | 'stream') {
    await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
    await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
    const r = await ingest(wh, [path], { piiSecret: 's', loader });
    const receipt = r.receipts[0]!;
    expect(receipt.rows_read).toBe(receipt.rows_accepted + receipt.rows_quarantined);
    const quarantine = await queryRows<{ line: number; reason: string; raw: string }>(
      wh,
      `SELECT toUInt32(line) AS line, reason, raw FROM ${wh.database}.quarantine ORDER BY line`,
    );
    const amounts = await queryRows<{ a: string }>(
      wh,
      `SELECT toString(amount) AS a FROM ${wh.database}.payments ORDER BY payment_id`,
    );
    expect(quarantine).toHaveLength(receipt.rows_quarantined);
    return { quarantine, amounts: amounts.map((x) => x.a) };
  }

  const jsonLine = (i: number, amount: string) =>
    `{"payment_id":"P${i}","loan_id":"L${i % badFileLoans}","paid_date":"2023-01-15","amount":${amount}}`;
  const csvLine = (i: number, amount: string) => `P${i},L${i % badFileLoans},2023-01-15,${amount}`;

  // what the CSV field of the same text is told, JSON must be told alike
  const numbers = [
    '1e2',
    '1E5',
    '1.5e-3',
    '-1e2',
    '1e400',
    '12345678901234567890123',
    '9999999999999999.99',
    '100.123',
  ];

  /** the same amounts as JSONL and as CSV: the JSONL line's reason is the CSV field's, in both loaders */
  async function sameAsCsv(amounts: string[]) {
    const jsonl = join(dir, `payments-${fileNo}.jsonl`);
    const csv = join(dir, `payments-${fileNo++}.csv`);
    writeFileSync(jsonl, `${amounts.map((a, k) => jsonLine(k + 1, a)).join('\n')}\n`);
    writeFileSync(csv, `payment_id,loan_id,paid_date,amount\n${amounts.map((a, k) => csvLine(k + 1, a)).join('\n')}\n`);
    const fromCsv = await load(csv, 'stream');
    const odd = amounts.flatMap((a, k) => (numbers.includes(a) ? [k + 1] : []));
    expect(fromCsv.quarantine.map((q) => q.line - 1)).toEqual(odd);
    for (const loader of ['engine', 'stream'] as const) {
      const got = await load(jsonl, loader);
      expect(got.amounts, loader).toEqual(fromCsv.amounts);
      expect(got.quarantine, loader).toEqual(
        fromCsv.quarantine.map((q) => ({
          line: q.line - 1,
          reason: q.reason,
          raw: jsonLine(q.line - 1, amounts[q.line - 2]!),
        })),
      );
    }
    return fromCsv.quarantine.map((q) => q.reason);
  }

  it('each exponent or wide number alone in a file of one line', async () => {
    const reasons = [];
    for (const n of numbers) reasons.push(...(await sameAsCsv([n])));
    expect(reasons).toEqual([
      'amount: not a decimal number',
      'amount: not a decimal number',
      'amount: not a decimal number',
      'amount: not a decimal number; amount: negative amount',
      'amount: not a decimal number',
      'amount: too large (more than 15 digits before the point)',
      'amount: too large (more than 15 digits before the point)',
      'amount: more than 2 decimal places',
    ]);
  });

  for (const records of [8, 40, 300]) {
    it(`${records} lines, the odd numbers at the start, in the middle and at the end`, async () => {
      for (const from of [0, Math.floor((records - numbers.length) / 2), records - numbers.length]) {
        const amounts = Array.from({ length: records }, (_, k) =>
          k >= from && k < from + numbers.length ? numbers[k - from]! : `${(k % 90) + 10}.00`,
        );
        await sameAsCsv(amounts);
      }
    }, 60_000);
  }

  it('a number of the contract loads as written; a number inside a string, or past a Double in an ignored key, is left alone', async () => {
    const lines = [
      jsonLine(1, '100.10'),
      jsonLine(2, '0.5'),
      jsonLine(3, '999999999999999.99'),
      `{"payment_id":"P4","loan_id":"L1","paid_date":"2023-01-15","amount":"7.00","channel":"a: 1e2, [5 \\"3\\""}`,
      `{"payment_id":"P5","loan_id":"L1","paid_date":"2023-01-15","amount":8,"extra":{"x":[1e400, -0.0e-0]}}`,
    ];
    const path = join(dir, 'payments-fine.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    for (const loader of ['engine', 'stream'] as const) {
      await load(path, loader);
      const rows = await queryRows<{ payment_id: string; amount: string; channel: string }>(
        wh,
        `SELECT payment_id, toString(amount) AS amount, channel FROM ${wh.database}.payments ORDER BY payment_id`,
      );
      expect(rows, loader).toEqual([
        { payment_id: 'P1', amount: '100.1', channel: '' },
        { payment_id: 'P2', amount: '0.5', channel: '' },
        { payment_id: 'P3', amount: '999999999999999.99', channel: '' },
        { payment_id: 'P4', amount: '7', channel: 'a: 1e2, [5 "3"' },
        { payment_id: 'P5', amount: '8', channel: '' },
      ]);
    }
  });

  it('a whole number written with a point (12.0) is not a whole number, as in a CSV', async () => {
    const path = join(dir, 'loans-point.jsonl');
    const loan = (id: string, term: string) =>
      `{"loan_id":"${id}","customer_id":"C1","product":"consumer","origination_date":"2023-01-01","principal":1000,"annual_rate":0.05,"term_months":${term}}`;
    writeFileSync(path, `${[loan('N1', '12.0'), loan('N2', '12'), loan('N3', '1.2e1')].join('\n')}\n`);
    for (const loader of ['engine', 'stream'] as const) {
      await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
      await ingest(wh, [path], { piiSecret: 's', loader });
      const q = await queryRows<{ line: string; reason: string }>(
        wh,
        `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine ORDER BY line`,
      );
      expect(q, loader).toEqual([
        { line: '1', reason: 'term_months: not a whole number in 1..600' },
        { line: '3', reason: 'term_months: not a whole number in 1..600' },
      ]);
    }
  });

  it('a line that is a number is no JSON object; a number JSON does not allow (01, 1., .5, +1) is a malformed line', async () => {
    const lines = ['5', '1e400', '"x"', jsonLine(4, '01'), jsonLine(5, '1.'), jsonLine(6, '.5'), jsonLine(7, '+1')];
    const path = join(dir, 'payments-odd.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    for (const loader of ['engine', 'stream'] as const) {
      const got = await load(path, loader);
      expect(
        got.quarantine.map((x) => `${x.line} ${x.reason}`),
        loader,
      ).toEqual([
        '1 not a JSON object (the line is a number)',
        '2 not a JSON object (the line is a number)',
        '3 not a JSON object (the line is a string)',
        '4 malformed JSON line (line 4)',
        '5 malformed JSON line (line 5)',
        '6 malformed JSON line (line 6)',
        '7 malformed JSON line (line 7)',
      ]);
    }
  });
});
