import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestOptions } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { ingestFiles } from '../../../helpers/ingest-files.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Rules that look past the row's own fields: a promise due before it was made, a date before the
 * loan's origination, a date past the data horizon, a schedule that does not repay the principal.
 * Each bad row is tried first, in the middle and last in its file; the receipt always balances.
 */
type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const load = (wh: Wh, files: Record<string, string>, o: Partial<IngestOptions> = {}) => ingestFiles(wh, files, o);

/** 2024-01-01 plus `i` days */
const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
const csv = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;
/** `rows` with `bad` put at position `at` (0 first, 1 middle, 2 last); returns the text and the bad row's line */
function placed(header: string, good: string[], bad: string, at: 0 | 1 | 2) {
  const i = at === 0 ? 0 : at === 1 ? Math.floor(good.length / 2) : good.length;
  const rows = [...good.slice(0, i), bad, ...good.slice(i)];
  return { text: csv(header, rows), line: i + 2 };
}

const LOANS = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months';
const PAYMENTS = 'payment_id,loan_id,paid_date,amount';
const EVENTS = 'event_id,loan_id,event_date,type,amount';
const ACTIONS = 'action_id,loan_id,action_date,channel,outcome,promised_amount,promised_date';

/** a small book ending 2024-07-02: L1 originated 2022-08-27 (900,000), L2..L4 in 2024 */
const book = {
  'customers.csv': csv('customer_id', ['C1', 'C2']),
  'loans.csv': csv(LOANS, [
    'L1,C1,mortgage,2022-08-27,900000.00,0.05,24',
    'L2,C2,consumer,2024-01-10,1200.00,0.1,12',
    'L3,C2,consumer,2024-03-05,600.00,0.1,6',
    'L4,C2,consumer,2024-05-20,300.00,0.1,3',
  ]),
  'payments.csv': csv(PAYMENTS, ['P1,L1,2024-06-27,100.00', 'P2,L2,2024-06-30,50.00', 'P3,L3,2024-07-02,40.00']),
};

describe.each([0, 1, 2] as const)('row rules across fields and rows, bad row at position %i', (at) => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse(`xrow_${at}`);
    const r = await load(wh, book);
    expect(r.quarantined.size).toBe(0);
  });
  afterAll(() => disposeIfOpened(wh));

  it('a promise due before the action that made it is quarantined', async () => {
    const good = [
      'A1,L1,2024-06-01,phone,promise_to_pay,100.00,2024-06-05',
      'A2,L2,2024-06-02,phone,promise_to_pay,100.00,2024-06-02',
      'A3,L3,2024-06-03,sms,no_contact,,',
      'A4,L4,2024-06-04,phone,contacted,,',
    ];
    const f = placed(ACTIONS, good, 'AX,L2,2024-06-10,phone,promise_to_pay,50.00,2024-06-01', at);
    const r = await load(wh, { 'collection_actions.csv': f.text });
    expect([...r.quarantined.keys()]).toEqual([f.line]);
    expect(r.quarantined.get(f.line)).toMatch(/promised_date: 2024-06-01 is before the action_date 2024-06-10/);
    expect(r.receipts[0]).toMatchObject({ rows_read: 5, rows_accepted: 4, rows_quarantined: 1 });
  });

  it("a payment, an event or an action dated before the loan's origination is quarantined", async () => {
    const pay = placed(
      PAYMENTS,
      ['P11,L1,2024-05-27,100.00', 'P12,L2,2024-06-10,50.00', 'P13,L3,2024-06-11,40.00', 'P14,L4,2024-06-12,10.00'],
      'P1X,L1,2020-01-15,14.00',
      at,
    );
    const ev = placed(
      EVENTS,
      ['E1,L4,2024-06-01,legal_filed,0', 'E2,L3,2024-06-02,complaint,0', 'E3,L2,2024-06-03,recovery,10.00'],
      'EX,L1,2022-08-26,recovery,500.00',
      at,
    );
    const act = placed(
      ACTIONS,
      ['B1,L1,2024-06-01,sms,no_contact,,', 'B2,L2,2024-06-02,sms,no_contact,,', 'B3,L3,2024-06-03,sms,no_contact,,'],
      'BX,L4,2024-05-19,phone,contacted,,',
      at,
    );
    // a loan of the same load: its origination is known to the payments after it
    const r = await load(wh, {
      'loans.csv': csv(LOANS, ['L5,C1,consumer,2024-06-15,500.00,0.1,6']),
      'payments.csv': pay.text.replace('\n', '\nP15,L5,2024-06-14,20.00\n'),
      'loan_events.csv': ev.text,
      'collection_actions.csv': act.text,
    });
    const by = new Map(r.receipts.map((x) => [x.entity, x]));
    expect(by.get('payments')).toMatchObject({ rows_read: 6, rows_quarantined: 2 });
    expect(by.get('loan_events')).toMatchObject({ rows_read: 4, rows_quarantined: 1 });
    expect(by.get('collection_actions')).toMatchObject({ rows_read: 4, rows_quarantined: 1 });
    const q = await queryRows<{ entity: string; l: string; reason: string }>(
      wh,
      `SELECT entity, toString(line) AS l, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String}`,
      { id: r.receipts[0]!.ingest_id },
    );
    const reasons = q.map((x) => `${x.entity}:${x.l}:${x.reason}`);
    expect(reasons).toContain(
      `payments:${pay.line + 1}:paid_date: 2020-01-15 is before the loan's origination 2022-08-27`,
    );
    expect(reasons).toContain("payments:2:paid_date: 2024-06-14 is before the loan's origination 2024-06-15");
    expect(reasons).toContain(
      `loan_events:${ev.line}:event_date: 2022-08-26 is before the loan's origination 2022-08-27`,
    );
    expect(reasons).toContain(
      `collection_actions:${act.line}:action_date: 2024-05-19 is before the loan's origination 2024-05-20`,
    );
  });

  it('a date more than 31 days past the data horizon is quarantined; the next days load', async () => {
    const pay = placed(
      PAYMENTS,
      ['P21,L1,2024-07-03,100.00', 'P22,L2,2024-07-03,50.00', 'P23,L3,2024-07-04,40.00'],
      'F1,L4,2025-11-30,14.00',
      at,
    );
    const loans = placed(
      LOANS,
      ['L6,C1,consumer,2024-07-03,500.00,0.1,6', 'L7,C2,consumer,2024-07-03,500.00,0.1,6'],
      'L8,C2,consumer,2025-11-30,500.00,0.1,6',
      at,
    );
    const r = await load(wh, { 'loans.csv': loans.text, 'payments.csv': pay.text });
    const by = new Map(r.receipts.map((x) => [x.entity, x]));
    expect(by.get('loans')).toMatchObject({ rows_read: 3, rows_accepted: 2, rows_quarantined: 1 });
    expect(by.get('payments')).toMatchObject({ rows_read: 4, rows_accepted: 3, rows_quarantined: 1 });
    const q = await queryRows<{ entity: string; l: string; reason: string }>(
      wh,
      `SELECT entity, toString(line) AS l, reason FROM ${wh.database}.quarantine WHERE ingest_id = {id:String}`,
      { id: r.receipts[0]!.ingest_id },
    );
    const reasons = q.map((x) => `${x.entity}:${x.l}:${x.reason}`);
    expect(reasons).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^loans:${loans.line}:origination_date: 2025-11-30 is more than 31 days after the data horizon 2024-07-03`,
        ),
      ),
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^payments:${pay.line}:paid_date: 2025-11-30 is more than 31 days after the data horizon 2024-07-04 \\(the loaded data's last day 2024-07-02`,
        ),
      ),
    );
    const [h] = await queryRows<{ d: string }>(wh, `SELECT toString(max(paid_date)) AS d FROM ${wh.database}.payments`);
    expect(h!.d).toBe('2024-07-04');
  });
});

describe('the data horizon on an empty warehouse', () => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse('xrow_empty');
  });
  afterAll(() => disposeIfOpened(wh));

  it("a first load is judged by its own dates: a stray date after a long gap is quarantined, the file's dates load", async () => {
    const r = await load(
      wh,
      {
        ...book,
        // 150 loans over 2024 and one mistyped year among them
        'loans.csv': csv(LOANS, [
          ...Array.from({ length: 75 }, (_, i) => `M${i},C1,consumer,${day(i * 2)},500.00,0.1,6`),
          'L9,C1,consumer,2025-11-30,500.00,0.1,6',
          ...Array.from({ length: 75 }, (_, i) => `N${i},C2,consumer,${day(i * 2 + 1)},500.00,0.1,6`),
        ]),
        'payments.csv': csv(PAYMENTS, ['P9,M0,2024-09-15,10.00', 'P10,M1,2024-01-03,10.00']),
      },
      { maxDaysAhead: 60 },
    );
    const by = new Map(r.receipts.map((x) => [x.entity, x]));
    expect(by.get('loans')).toMatchObject({ rows_read: 151, rows_accepted: 150, rows_quarantined: 1 });
    expect(by.get('payments')).toMatchObject({ rows_read: 2, rows_accepted: 2, rows_quarantined: 0 });
    expect([...r.quarantined.entries()]).toEqual([
      [
        77,
        expect.stringMatching(
          /^origination_date: 2025-11-30 is more than 60 days after the data horizon 2024-05-29 \(this file/,
        ),
      ],
    ]);
  });
});
