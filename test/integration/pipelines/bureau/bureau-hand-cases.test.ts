import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../../../lib/csv-records.ts';
import { submissionColumns } from '../../../../pipelines/bureau/submission.ts';
import { cliHarness } from '../../../helpers/cli.ts';

/*
 * Hand-built loans through every code (snapshot as of 2024-09-30, grace 0):
 * - CUR  originated 2024-01-10, 3 × 100.00 due 02-10, 03-10, 04-10, each paid on time:
 *        Jan * (nothing due yet), Feb N, Mar N, Apr C (paid off); no rows after.
 * - LONG originated 2023-12-15, 12 × 100.00 due from 2024-01-15, never paid, charged off 2024-09-20:
 *        Dec * · Jan 16 DPD 1 · Feb 45 2 · Mar 76 3 · Apr 106 4 · May 137 5 · Jun 167 6 · Jul 198 7 · Aug 229 7 · Sep B.
 * - SET  originated 2024-01-15, 6 × 100.00 due from 02-15, pays February, misses March,
 *        settled 2024-04-20: Jan * · Feb N · Mar 16 DPD 1 · Apr G; not reported after April.
 * - SOLD originated 2024-01-20, 6 × 100.00 due from 02-20, never paid, sold (debt_sale) 2024-05-10 while active:
 *        Jan * · Feb 9 DPD 1 · Mar 40 2 · Apr 70 3 · May G; not reported after May.
 * - HOL  originated 2024-01-05, 100.00 due 02-05, nothing (0.00) on 03-05 (a payment holiday), 100.00 on 04-05
 *        and 05-05, each paid on time: Jan * · Feb N · Mar * (nothing due, nothing overdue) · Apr N.
 * - TAPE performance tape (originated 2023-12-01): Jan DPD 0, Feb DPD 10, no March row, Apr–Sep DPD 0:
 *        Dec # (open, no tape yet) · Jan N · Feb 1 · Mar # · Apr..Sep N.
 * - WO   originated 2024-01-15, 6 × 100.00 due from 02-15, never paid, charged off 2024-06-10, settled 2024-08-25:
 *        Jan * · Feb 14 DPD 1 · Mar 45 2 · Apr 75 3 · May 106 4 · Jun B · Jul B (still open with the bureau) · Aug G; not after.
 * - WO2  the same loan charged off 2024-07-05 and never settled or sold: … Jun 136 5 · Jul B · Aug B · Sep B.
 */
const monthly = (id: string, first: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(`${first}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + i);
    return `${id},${i + 1},${d.toISOString().slice(0, 10)},90.00,10.00`;
  });
const files = {
  'customers.csv': ['customer_id,id_number', 'c1,110101199001011234', 'c2,110101199202022345'],
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
    'CUR,c1,consumer,2024-01-10,270.00,0.444444,3',
    'LONG,c2,consumer,2023-12-15,1080.00,0.444444,12',
    'SET,c1,consumer,2024-01-15,540.00,0.444444,6',
    'TAPE,c2,consumer,2023-12-01,900.00,0.12,12',
    'HOL,c1,consumer,2024-01-05,270.00,0.444444,4',
    'SOLD,c2,consumer,2024-01-20,540.00,0.444444,6',
    'WO,c1,consumer,2024-01-15,540.00,0.444444,6',
    'WO2,c2,consumer,2024-01-15,540.00,0.444444,6',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...monthly('CUR', '2024-02-10', 3),
    ...monthly('LONG', '2024-01-15', 12),
    ...monthly('SET', '2024-02-15', 6),
    ...monthly('SOLD', '2024-02-20', 6),
    ...monthly('WO', '2024-02-15', 6),
    ...monthly('WO2', '2024-02-15', 6),
    'HOL,1,2024-02-05,90.00,10.00',
    'HOL,2,2024-03-05,0.00,0.00',
    'HOL,3,2024-04-05,90.00,10.00',
    'HOL,4,2024-05-05,90.00,10.00',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    'CUR1,CUR,2024-02-10,100.00',
    'CUR2,CUR,2024-03-10,100.00',
    'CUR3,CUR,2024-04-09,60.00',
    'CUR4,CUR,2024-04-10,40.00',
    'SET1,SET,2024-02-15,100.00',
    'HOL1,HOL,2024-02-05,100.00',
    'HOL3,HOL,2024-04-05,100.00',
    'HOL4,HOL,2024-05-05,100.00',
  ],
  'performance.csv': [
    'loan_id,as_of_month,dpd,principal_balance,overdue_amount',
    'TAPE,2024-01,0,900.00,0.00',
    'TAPE,2024-02,10,900.00,75.00',
    ...['04', '05', '06', '07', '08', '09'].map((m) => `TAPE,2024-${m},0,800.00,0.00`),
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'LONG-CO,LONG,2024-09-20,charge_off,1080.00,',
    'SET-S,SET,2024-04-20,settlement,300.00,one-off settlement',
    'SOLD-D,SOLD,2024-05-10,debt_sale,200.00,sold to an agency',
    'WO-CO,WO,2024-06-10,charge_off,540.00,',
    'WO-S,WO,2024-08-25,settlement,100.00,settled after the write-off',
    'WO2-CO,WO2,2024-07-05,charge_off,540.00,',
  ],
};

type Row = Record<(typeof submissionColumns)[number], string>;

describe('loanwatch bureau on hand-built loans', () => {
  const { dir, out, err, run, stdout } = cliHarness('bureau');

  const parse = async (text: string) => {
    const records: string[][] = [];
    for await (const r of csvRecords(Readable.from([text]) as AsyncIterable<string>)) records.push(r.fields);
    const [header, ...body] = records;
    return { header: header!, rows: body.map((f) => Object.fromEntries(header!.map((h, i) => [h, f[i]!])) as Row) };
  };
  const submission = async (month: string, ...extra: string[]) => {
    expect(await run('bureau', '--month', month, ...extra), err.join('\n')).toBe(0);
    const { header, rows } = await parse(stdout());
    expect(header).toEqual([...submissionColumns]);
    return new Map(rows.map((r) => [r.account, r]));
  };

  it('ingests and snapshots the hand-written files', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    for (const [name, lines] of Object.entries(files)) writeFileSync(join(input, name), `${lines.join('\n')}\n`);
    expect(await run('ingest', input), err.join('\n')).toBe(0);
    // the hand-written rows end on 2024-09-20: September's month-end is closed by widening the
    // week past the data a month-end may be closed in, as a book with such a spell would
    process.env.LOANWATCH_DATA_LAG_DAYS = '10';
    try {
      expect(await run('snapshot', '--as-of', '2024-09-30'), err.join('\n')).toBe(0);
    } finally {
      delete process.env.LOANWATCH_DATA_LAG_DAYS;
    }
  });

  it('codes N, *, 1 and # in March; balances, overdue amounts and periods from the snapshot', async () => {
    const m = await submission('2024-03');
    expect([...m.keys()]).toEqual(['CUR', 'HOL', 'LONG', 'SET', 'SOLD', 'TAPE', 'WO', 'WO2']);
    // a payment holiday: nothing due, nothing overdue
    expect(m.get('HOL')).toMatchObject({ status_code: '*', balance: '180.00', history_24m: `${'/'.repeat(21)}*N*` });
    expect(m.get('CUR')).toMatchObject({
      status_code: 'N',
      balance: '90.00',
      overdue_amount: '0.00',
      overdue_periods: '0',
      max_overdue: '',
      last_payment_date: '2024-03-10',
      last_payment_amount: '100.00',
    });
    expect(m.get('CUR')!.history_24m).toBe(`${'/'.repeat(21)}*NN`);
    expect(m.get('LONG')).toMatchObject({
      status_code: '3',
      overdue_amount: '300.00',
      overdue_periods: '3',
      max_overdue: '3',
      last_payment_date: '',
      history_24m: `${'/'.repeat(20)}*123`,
    });
    expect(m.get('SET')).toMatchObject({ status_code: '1', overdue_periods: '1', history_24m: `${'/'.repeat(21)}*N1` });
    // a tape gap: open, status unknown, no amounts
    expect(m.get('TAPE')).toMatchObject({ status_code: '#', balance: '', overdue_periods: '', max_overdue: '1' });
    expect(m.get('TAPE')!.history_24m).toBe(`${'/'.repeat(20)}#N1#`);
  });

  it('C on the month of payoff, G on the month of a settlement or a debt sale, then none is reported again', async () => {
    const apr = await submission('2024-04');
    expect(apr.get('CUR')).toMatchObject({
      status_code: 'C',
      balance: '0.00',
      last_payment_date: '2024-04-10',
      last_payment_amount: '40.00',
      history_24m: `${'/'.repeat(20)}*NNC`,
    });
    expect(apr.get('SET')).toMatchObject({ status_code: 'G', history_24m: `${'/'.repeat(20)}*N1G` });
    expect(apr.get('TAPE')).toMatchObject({ status_code: 'N', balance: '800.00' });
    expect(apr.get('HOL')).toMatchObject({ status_code: 'N', history_24m: `${'/'.repeat(20)}*N*N` });
    const may = await submission('2024-05');
    expect([...may.keys()]).toEqual(['HOL', 'LONG', 'SOLD', 'TAPE', 'WO', 'WO2']);
    expect(may.get('SOLD')).toMatchObject({
      status_code: 'G',
      balance: '0.00',
      overdue_amount: '0.00',
      overdue_periods: '0',
      max_overdue: '3',
      history_24m: `${'/'.repeat(19)}*123G`,
    });
    expect(may.get('HOL')).toMatchObject({ status_code: 'C' });
  });

  it('a long-delinquent loan through bands 1–7, then B at charge-off; the customer hash is not the id number', async () => {
    const sep = await submission('2024-09', '--codes', writeJson('default.json', {}));
    const long = sep.get('LONG')!;
    expect(long).toMatchObject({ status_code: 'B', max_overdue: '7', history_24m: `${'/'.repeat(14)}*12345677B` });
    expect(long.customer_hash).toMatch(/^[0-9a-f]{64}$/u);
    expect(readFileSync(join(dir, 'default.json'), 'utf8')).toBe('{}');
    expect(sep.get('TAPE')!.history_24m).toBe(`${'/'.repeat(14)}#N1#NNNNNN`);
    const aug = await submission('2024-08');
    expect(aug.get('LONG')).toMatchObject({ status_code: '7', overdue_periods: '8' });
  });

  it('a written-off account is reported B every month until a settlement or debt sale closes it (G)', async () => {
    const jul = await submission('2024-07');
    expect(jul.get('WO')).toMatchObject({
      status_code: 'B',
      // as written off on 06-30: principal 540.00, five installments overdue (500.00), DPD 136 (band 5)
      balance: '540.00',
      overdue_amount: '500.00',
      overdue_periods: '5',
      max_overdue: '5',
      history_24m: `${'/'.repeat(17)}*1234BB`,
    });
    expect(jul.get('WO2')).toMatchObject({ status_code: 'B', history_24m: `${'/'.repeat(17)}*12345B` });
    const aug = await submission('2024-08');
    expect(aug.get('WO')).toMatchObject({
      status_code: 'G',
      balance: '0.00',
      history_24m: `${'/'.repeat(16)}*1234BBG`,
    });
    const sep = await submission('2024-09');
    expect(sep.has('WO')).toBe(false);
    expect(sep.get('WO2')).toMatchObject({ status_code: 'B', history_24m: `${'/'.repeat(15)}*12345BBB` });
  });

  it('--out writes the same file', async () => {
    const file = join(dir, 'bureau-2024-06.csv');
    expect(await run('bureau', '--month', '2024-06', '--out', file)).toBe(0);
    expect(out).toEqual([]);
    const { header, rows } = await parse(readFileSync(file, 'utf8'));
    expect(header).toEqual([...submissionColumns]);
    expect(rows.map((r) => [r.account, r.status_code])).toEqual([
      ['LONG', '6'],
      ['TAPE', 'N'],
      ['WO', 'B'],
      ['WO2', '5'],
    ]);
  });

  it('--out - is stdout; an --out folder or a file in a missing folder is one line naming the path given', async () => {
    const rows = await submission('2024-06', '--out', '-');
    expect([...rows.keys()]).toEqual(['LONG', 'TAPE', 'WO', 'WO2']);
    expect(existsSync(join(process.cwd(), '-'))).toBe(false);
    expect(await run('bureau', '--month', '2024-06', '--out', dir)).toBe(2);
    expect(err[0]).toBe(
      `loanwatch: --out ${dir} is a folder: give a file name (for example --out ${dir}/bureau-2024-06.csv)`,
    );
    const missing = join(dir, 'no-such-folder', 'x.csv');
    expect(await run('bureau', '--month', '2024-06', '--out', missing)).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --out .*no-such-folder\/x\.csv: no folder .*no-such-folder: create it first/u);
    expect(err.join('\n')).not.toMatch(/\.tmp/u);
  });

  it('refuses a month after the latest snapshot month-end, and one before the first (an empty file would read as every account closed)', async () => {
    expect(await run('bureau', '--month', '2024-10')).toBe(2);
    expect(err[0]).toMatch(/2024-10 is after the latest snapshot month-end 2024-09-30/u);
    expect(await run('bureau', '--month', '1990-01', '--out', join(dir, 'early.csv'))).toBe(2);
    expect(err[0]).toMatch(
      /month 1990-01 is before the first snapshot month-end \d{4}-\d{2}-\d{2}: no account was open$/u,
    );
    expect(existsSync(join(dir, 'early.csv'))).toBe(false);
  });

  it.each([
    [{ current: 'X' }, /current: unknown code "X"/u],
    [
      {
        bands: [
          { code: '1', min_dpd: 1, max_dpd: 30 },
          { code: '2', min_dpd: 30 },
        ],
      },
      /band 2 \(30–\) overlaps/u,
    ],
    [
      {
        bands: [
          { code: '1', min_dpd: 1, max_dpd: 30 },
          { code: '2', min_dpd: 40 },
        ],
      },
      /leaves DPD 31–39 without a code/u,
    ],
    [{ bands: [{ code: '1', min_dpd: 1, max_dpd: 30 }] }, /last band 1 ends at DPD 30/u],
    [{ bands: [{ code: '1', min_dpd: 2 }] }, /leaves DPD 1–1 without a code/u],
    [{ written_off: 'C' }, /code C is used for both paid_off and written_off/u],
    [{ colour: 'red' }, /colour/u],
  ])('a bad code table %j is refused with its reason', async (table, reason) => {
    expect(await run('bureau', '--month', '2024-06', '--codes', writeJson('bad.json', table))).toBe(2);
    expect(err[0]).toMatch(reason);
    expect(err[0]).not.toContain('\n');
  });

  it('the consistency check refuses a tampered table whose codes contradict the snapshot', async () => {
    const bands = [
      { code: 'N', min_dpd: 1, max_dpd: 30 },
      { code: '2', min_dpd: 31 },
    ];
    expect(await run('bureau', '--month', '2024-03', '--codes', writeJson('t1.json', { current: '1', bands }))).toBe(2);
    expect(err[0]).toBe(
      'loanwatch: 2024-03: codes contradict the snapshot: CUR (1 with active, DPD 0), SET (N with active, DPD 16)',
    );
    const swapped = { paid_off: 'B', written_off: 'C' };
    expect(await run('bureau', '--month', '2024-04', '--codes', writeJson('t2.json', swapped))).toBe(2);
    expect(err[0]).toBe('loanwatch: 2024-04: codes contradict the snapshot: CUR (B with paid_off, DPD 0)');
  });

  function writeJson(name: string, value: unknown) {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  }
});
