import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { addMonthsClamped } from '../../../../lib/dates.ts';
import { scheduleLoanMonthsSql, type EvalDates } from '../../../../pipelines/snapshot/schedule-path-sql.ts';
import { snapshotParams, snapshotPass } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { buildSchedule, repaymentMethods } from '../../../../warehouse/schedule/build-schedule.ts';
import { param, render, sql, type Sql } from '../../../../warehouse/sql.ts';
import { accrualSql } from '../../../../pipelines/accrual/accrual-sql.ts';
import { parseAccrualRules } from '../../../../pipelines/accrual/accrual-rules.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * Property: evaluating a generated schedule on its first installments only (those the dates and the
 * money applied can reach, schedule-path-sql.ts) gives the rows of evaluating every installment —
 * every column of every loan-month, and on single dates, and the accrual's rows under a
 * scheduled-first and a charges-first order — for long loans of each repayment method
 * with payments on time, late, missed, partial and far ahead, penalties paid, restructure credits
 * and charge-offs.
 */
const asOf = '2024-06-30';
const money = (cents: number) => (cents / 100).toFixed(2);

function longBook(seed: number) {
  const rng = new Rng(seed);
  const loans = ['loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,repayment_method'];
  const payments = ['payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid'];
  const events = ['event_id,loan_id,event_date,type,amount,note'];
  for (let k = 0; k < 160; k++) {
    const id = `L${k}`;
    const t = {
      originationDate: `20${rng.int(21, 24)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
      principalCents: rng.int(1_000, 500_000) * 100,
      annualRate: rng.chance(0.1) ? 0 : Math.round(rng.uniform(0.02, 0.24) * 1e4) / 1e4,
      termMonths: rng.pick([12, 60, 120, 240, 360]),
      method: rng.pick(repaymentMethods),
    };
    if (t.originationDate > '2024-06-01') t.originationDate = '2024-01-10';
    loans.push(
      `${id},c${k},mortgage,${t.originationDate},${money(t.principalCents)},${t.annualRate},${t.termMonths},${t.method}`,
    );
    const schedule = buildSchedule(t);
    let n = 0;
    for (const inst of schedule) {
      if (inst.dueDate > asOf) break;
      const due = inst.principalCents + inst.interestCents;
      const day = addMonthsClamped(inst.dueDate, 0);
      const r = rng.uniform(0, 1);
      // on time, late, missed, partial, far ahead (many installments at once), some with a penalty paid
      const amount =
        r < 0.55 ? due : r < 0.7 ? 0 : r < 0.8 ? Math.floor(due / 2) : r < 0.9 ? due * rng.int(2, 80) : due + 1;
      if (amount <= 0) continue;
      const penalty = rng.chance(0.1) ? money(Math.min(amount, rng.int(0, 500))) : '';
      const date = rng.chance(0.3) ? addMonthsClamped(day, 0).replace(/-(\d\d)$/, '-28') : day;
      payments.push(`${id}-p${n++},${id},${date},${money(amount)},,,${penalty}`);
    }
    // events after the loan's origination only: one before it is quarantined (the ingest's cross-row rules)
    const after = (line: string, date: string) => {
      if (date > t.originationDate) events.push(line);
    };
    if (rng.chance(0.15)) {
      const date = `2023-0${rng.int(1, 9)}-15`;
      after(`${id}-r,${id},${date},restructure,${money(rng.int(0, 200_000))},`, date);
    }
    if (rng.chance(0.08)) {
      const date = `2024-0${rng.int(1, 5)}-20`;
      after(`${id}-co,${id},${date},charge_off,0.00,`, date);
    }
  }
  return { 'loans.csv': loans, 'payments.csv': payments, 'loan_events.csv': events };
}

let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
beforeAll(async () => {
  wh = await warehouseWithFiles('schedprefix', longBook(11), asOf);
});
afterAll(() => disposeIfOpened(wh));

const pass = snapshotPass(snapshotParams(defaultSettings), { buckets: 1, bucket: 0, nonRetailOnly: false });
const rowsOf = async (dates: EvalDates, wholeSchedules: boolean) => {
  const q: Sql = sql`SELECT * FROM (${scheduleLoanMonthsSql(wh, dates, pass, { wholeSchedules })}) ORDER BY loan_id, month_end`;
  const { query, query_params } = render(q);
  return (await queryRows<Record<string, unknown>>(wh, query, query_params)).map((r) => JSON.stringify(r));
};

it('month-end rows from the first installments equal those from every installment', async () => {
  const dates: EvalDates = { kind: 'month_ends', through: param(asOf, 'Date') };
  const prefix = await rowsOf(dates, false);
  expect(prefix).toEqual(await rowsOf(dates, true));
  expect(prefix.length).toBeGreaterThan(2_000);
});

it('a date’s rows from the first installments equal those from every installment', async () => {
  for (const d of ['2022-02-14', '2023-07-01', '2024-03-29', '2024-06-30']) {
    const dates: EvalDates = { kind: 'as_of', date: param(d, 'Date') };
    expect(await rowsOf(dates, false), d).toEqual(await rowsOf(dates, true));
  }
});

const accrualRows = async (
  dates: Parameters<typeof accrualSql>[1]['dates'],
  order: 'scheduled' | 'charges',
  whole: boolean,
) => {
  const rules = parseAccrualRules({
    default: {
      late_fee: 20,
      late_fee_cap: 100,
      allocation_order:
        order === 'scheduled'
          ? ['scheduled', 'penalty_interest', 'compound_interest', 'fee']
          : ['fee', 'penalty_interest', 'compound_interest', 'scheduled'],
    },
  });
  const q = sql`SELECT * FROM (${accrualSql(wh, { dates, settings: defaultSettings, rules, wholeSchedules: whole })}) ORDER BY loan_id, date`;
  const { query, query_params } = render(q);
  return (await queryRows<Record<string, unknown>>(wh, query, query_params)).map((r) => JSON.stringify(r));
};

it.each(['scheduled', 'charges'] as const)(
  'the accrual from the first installments equals the one from every installment (%s first)',
  async (order) => {
    const monthEnds = await accrualRows({ kind: 'loan_month', through: param('2024-06-30', 'Date') }, order, false);
    expect(monthEnds).toEqual(
      await accrualRows({ kind: 'loan_month', through: param('2024-06-30', 'Date') }, order, true),
    );
    expect(monthEnds.length).toBeGreaterThan(2_000);
    const date = { kind: 'as_of' as const, date: param('2024-03-29', 'Date') };
    expect(await accrualRows(date, order, false)).toEqual(await accrualRows(date, order, true));
  },
);
