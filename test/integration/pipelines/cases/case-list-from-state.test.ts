import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import {
  activeDelinquencyQuery,
  delinquencyAsOf,
  type DelinquencyAsOf,
} from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { monthEndOf } from '../../../../lib/dates.ts';
import { buildSchedule } from '../../../../warehouse/schedule/build-schedule.ts';
import { warehouseWithBook, warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * Property: a list for a date that is not a month-end, started from the last month-end's state
 * (loan_month) plus what happened since, equals the one evaluated from every loan's history —
 * the same loans, DPD, buckets, balances, overdue amounts and stages — on several generated books,
 * delinquency settings, and dates: the day after a month-end, mid-month, the day before the next.
 */
const books = [
  { seed: 3, settings: defaultSettings },
  { seed: 8, settings: { ...defaultSettings, graceDays: 3, dpdConvention: 'grace_end' } satisfies SnapshotSettings },
];
const dates = ['2024-02-01', '2024-04-16', '2024-05-30', '2024-06-01', '2024-06-17', '2024-06-29'];

const key = (d: DelinquencyAsOf) =>
  [d.loan_id, d.dpd, d.bucket, d.status, d.principal_balance, d.overdue_principal, d.overdue_interest].join('|');
const caseKey = (c: Case) => [c.loan_id, c.dpd, c.bucket, c.balance, c.stage].join('|');

describe.each(books)('case list from state, book seed $seed', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook(`state_${seed}`, { loans: 700, months: 24, seed });
    if (settings !== defaultSettings) await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings });
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(dates)('active loans on %s: state = history', async (asOf) => {
    const q = await activeDelinquencyQuery(wh, asOf, settings);
    expect(q.source).toBe('state');
    const fromState = await queryRows<DelinquencyAsOf>(
      wh,
      `SELECT * FROM (${q.query}) ORDER BY loan_id`,
      q.query_params,
    );
    const fromHistory = (await delinquencyAsOf(wh, asOf, settings)).filter((d) => d.status === 'active');
    expect(fromState.map(key)).toEqual(fromHistory.map(key));
    // the property has teeth: delinquent loans, and loans that moved since the month-end, are among them
    expect(fromHistory.filter((d) => d.dpd > 0).length).toBeGreaterThan(5);
  });

  it('the case list from state equals the one from history (loans, DPD, balances, stages)', async () => {
    for (const asOf of ['2024-05-01', '2024-06-14']) {
      const o = { asOf, settings, strategy: defaultStrategyTable, champion: null };
      const fromState = await buildCaseList(wh, o);
      const fromHistory = await buildCaseList(wh, { ...o, delinquencyFrom: 'history' });
      expect(fromState.length).toBeGreaterThan(0);
      expect(fromState.map(caseKey).sort()).toEqual(fromHistory.map(caseKey).sort());
    }
  });

  it('a list built in parts of the book (one statement each) is the list built whole', async () => {
    for (const [asOf, delinquencyFrom] of [
      ['2024-06-14', 'state'],
      ['2024-05-31', 'state'],
      ['2024-06-14', 'history'],
    ] as const) {
      const o = { asOf, settings, strategy: defaultStrategyTable, champion: null, delinquencyFrom };
      const whole = await buildCaseList(wh, { ...o, parts: 1 });
      expect(whole.length).toBeGreaterThan(0);
      for (const parts of [2, 5]) expect(await buildCaseList(wh, { ...o, parts })).toEqual(whole);
    }
  });

  it('a snapshot built with other settings, or not through the last month-end, is not used as state', async () => {
    const other = { ...settings, bucketBounds: [15, 30, 60, 90] };
    expect((await activeDelinquencyQuery(wh, '2024-06-14', other)).source).toBe('history');
    // past the data's last built month-end (2024-06-30) there is no state to start from
    expect((await activeDelinquencyQuery(wh, '2024-07-14', settings)).source).toBe('state');
    expect((await activeDelinquencyQuery(wh, '2024-08-14', settings)).source).toBe('history');
  });
});

/*
 * Hand-built loans for what the generated books lack or rarely hold, on every day of four months:
 * the servicer's own principal split (I, K), a penalty (J), a payment on the date itself, cash after
 * a charge-off (G), a restructure credit (H) that also changes earlier balances, a prepayment (B),
 * a partial prepayment of the next instalment's interest only (P), a monthly servicer tape (T), and
 * a loan originated mid-month (N).
 */
const three = (id: string) => [
  `${id},1,2024-01-15,90.00,10.00`,
  `${id},2,2024-02-15,90.00,10.00`,
  `${id},3,2024-03-15,90.00,10.00`,
];
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const handIds = ['A', 'B', 'C', 'D', 'E', 'G', 'I', 'J', 'K', 'P'];
// a 30-year annuity's monthly payment (cents), for a payment of exactly three of them
const mortgagePayment = (() => {
  const [first] = buildSchedule({
    originationDate: '2023-12-15',
    principalCents: 10_000_000,
    annualRate: 0.06,
    termMonths: 360,
    method: 'annuity',
  });
  return first!.principalCents + first!.interestCents;
})();
/**
 * Long generated schedules, evaluated on a prefix of their installments (delinquencyFromStateSql):
 * payments far ahead of the schedule, one of exactly three installments, each repayment method, a
 * zero rate, no payment at all.
 */
const longLoans = [
  'M1,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
  'M2,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
  'M3,cust,mortgage,2023-12-15,48000.00,0.05,240,equal_principal',
  'M4,cust,consumer,2023-12-15,10000.00,0.12,120,interest_only',
  'M5,cust,consumer,2023-12-15,5000.00,0.10,24,bullet',
  'M6,cust,mortgage,2023-12-15,36000.00,0,360,annuity',
  'M7,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
];
const longLoanPayments = [
  `M1a,M1,2024-01-15,${(mortgagePayment / 100).toFixed(2)},,,`,
  'M1b,M1,2024-02-10,25000.00,,,',
  `M2a,M2,2024-01-15,${((3 * mortgagePayment) / 100).toFixed(2)},,,`,
  'M3a,M3,2024-01-20,10000.00,,,',
  'M4a,M4,2024-01-15,1500.00,,,',
  'M6a,M6,2024-01-15,100.00,,,',
];
const handFiles = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,repayment_method',
    ...handIds.map((id) => `${id},cust,consumer,2023-12-15,270.00,0.444444,3,`),
    'H,cust,consumer,2023-12-15,270.00,0.444444,3,',
    'T,cust,consumer,2023-11-20,1000.00,0.12,12,',
    'N,cust,consumer,2024-02-10,1200.00,0.12,12,',
    ...longLoans,
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...handIds.flatMap(three),
    'H,1,2024-01-15,90.00,10.00',
    'H,2,2024-02-15,90.00,10.00',
    'H,3,2024-03-15,145.00,5.00',
    'H,4,2024-04-15,145.00,3.00',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid',
    'A1,A,2024-01-15,50.00,,,',
    'A2,A,2024-02-10,50.00,,,',
    'B1,B,2024-01-10,300.00,,,',
    'C1,C,2024-01-10,100.00,,,',
    'D1,D,2024-04-10,300.00,,,',
    'E1,E,2024-01-18,100.00,,,',
    'E2,E,2024-02-15,100.00,,,',
    'E3,E,2024-03-15,100.00,,,',
    'G1,G,2024-02-01,60.00,,,',
    'G2,G,2024-03-25,300.00,,,',
    'I1,I,2024-01-15,100.00,95.00,5.00,',
    'J1,J,2024-01-15,105.00,,,5.00',
    'J2,J,2024-02-20,60.00,,,3.00',
    'K1,K,2024-01-20,100.00,92.00,8.00,',
    'K2,K,2024-03-01,80.00,70.00,10.00,',
    'P1,P,2024-01-15,104.00,,,',
    'P2,P,2024-02-14,96.00,,,',
    'P3,P,2024-03-16,100.00,,,',
    'N1,N,2024-03-10,50.00,,,',
    ...longLoanPayments,
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'G-CO,G,2024-03-20,charge_off,270.00,',
    'H-R,H,2024-02-28,restructure,200.00,arrears capitalised',
  ],
  'performance.csv': [
    'loan_id,as_of_month,dpd,principal_balance',
    'T,2023-11,0,1000.00',
    'T,2023-12,0,920.00',
    'T,2024-01,12,920.00',
    'T,2024-02,43,920.00',
    'T,2024-03,0,760.00',
  ],
};

describe('case list from state, hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('state_hand', handFiles, '2024-04-30');
  });
  afterAll(() => disposeIfOpened(wh));

  it('state = history on the days around due dates, payments and month-ends, January to April 2024', async () => {
    const days = ['01', '09', '10', '14', '15', '16', '18', '20', '25', '28'];
    const dates = ['2024-01', '2024-02', '2024-03', '2024-04'].flatMap((m) => {
      const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 0)).toISOString().slice(0, 10);
      return [...days.map((d) => `${m}-${d}`), addDays(last, -1), last];
    });
    let compared = 0;
    const long: DelinquencyAsOf[] = [];
    for (const d of dates) {
      const q = await activeDelinquencyQuery(wh, d, defaultSettings);
      expect(q.source).toBe(monthEndOf(d) === d ? 'snapshot' : 'state');
      const fromState = await queryRows<DelinquencyAsOf>(
        wh,
        `SELECT * FROM (${q.query}) ORDER BY loan_id`,
        q.query_params,
      );
      const fromHistory = (await delinquencyAsOf(wh, d, defaultSettings)).filter((x) => x.status === 'active');
      expect(fromState.map(key), d).toEqual(fromHistory.map(key));
      compared += fromHistory.length;
      long.push(...fromHistory.filter((x) => x.loan_id.startsWith('M')));
    }
    expect(compared).toBeGreaterThan(200);
    // the long loans are among them, current and behind
    expect(new Set(long.map((x) => x.loan_id))).toEqual(new Set(['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7']));
    expect(long.filter((x) => x.loan_id === 'M7' && x.dpd > 60).length).toBeGreaterThan(0);
    expect(long.filter((x) => x.loan_id === 'M1' && x.dpd === 0).length).toBeGreaterThan(20);
  });
});
