import { describe, expect, it } from 'vitest';
import { defaultRule, type AccrualRule } from '../../../../pipelines/accrual/accrual-rules.ts';
import {
  referenceAccrual,
  type RefAccrualLoan,
  type RefAccrualSettings,
} from '../../../reference/accrual-reference.ts';

/*
 * Hand-computed cases on the plain reference (the SQL is checked against it loan-month by
 * loan-month in test/integration/pipelines/accrual). Contract rate 12 %, so the penalty rate is
 * 12 % × 1.5 = 18 %: on 1,000.00 overdue principal that is 1,000.00 × 0.18 / 360 = 0.50 a day
 * (actual/360) or 1,000.00 × 0.18 / 365 = 0.4932 → 0.49 a day (actual/365, rounded per day);
 * on 20.00 overdue interest 20.00 × 0.18 / 360 = 0.01 a day (0.00986 → 0.01 under actual/365).
 * Day 45 after the due date 2024-01-31 is 2024-03-16 (29 days of February 2024 + 16).
 */
const grace0: RefAccrualSettings = { graceDays: 0, dpdConvention: 'due_date' };
const loan = (o: Partial<RefAccrualLoan> = {}): RefAccrualLoan => ({
  loan_id: 'A',
  origination_date: '2023-12-31',
  annual_rate: 0.12,
  inst: [{ due: '2024-01-31', pr: 100_000, int: 2_000 }],
  payments: [],
  chargeOff: null,
  restructures: [],
  waivers: [],
  ...o,
});
const rule = (o: Partial<AccrualRule> = {}): AccrualRule => ({ ...defaultRule, ...o });
const at = (l: RefAccrualLoan, r: AccrualRule, date: string, s = grace0) => referenceAccrual(l, r, s, [date])[0]!;

describe('a missed installment accrues penalty interest from the day after its due date', () => {
  it('45 days under actual/360: 45 × 0.50 = 22.50, compound 45 × 0.01 = 0.45', () => {
    const r = at(loan(), rule(), '2024-03-16');
    expect(r).toMatchObject({ dpd: 45, penalty_interest: 22.5, compound_interest: 0.45, fees: 0 });
    expect(r.amount_to_cure).toBe(1000 + 20 + 22.5 + 0.45);
    expect(r.interest_arrears_on_bs).toBe(20 + 22.5 + 0.45);
    expect(r.interest_arrears_off_bs).toBe(0);
  });
  it('45 days under actual/365: 45 × 0.49 = 22.05, compound 45 × 0.01 = 0.45', () => {
    expect(at(loan(), rule({ day_count: 'actual/365' }), '2024-03-16')).toMatchObject({
      penalty_interest: 22.05,
      compound_interest: 0.45,
    });
  });
  it('compound interest off: none; nothing on or before the due date', () => {
    expect(at(loan(), rule({ compound_interest: false }), '2024-03-16').compound_interest).toBe(0);
    expect(at(loan(), rule(), '2024-01-31')).toMatchObject({ dpd: 0, penalty_interest: 0, amount_to_cure: 0 });
    expect(at(loan(), rule(), '2024-02-01')).toMatchObject({ dpd: 1, penalty_interest: 0.5, compound_interest: 0.01 });
  });
  it('a markup of 100 % doubles the contract rate: 1,000.00 × 0.24 / 360 = 0.6667 → 0.67 a day', () => {
    expect(at(loan(), rule({ penalty_markup: 1 }), '2024-02-10').penalty_interest).toBe(6.7);
  });
  it('grace: nothing accrues while the installment is within grace; then from the day after grace', () => {
    const s: RefAccrualSettings = { graceDays: 5, dpdConvention: 'due_date' };
    expect(at(loan(), rule(), '2024-02-05', s)).toMatchObject({ dpd: 0, penalty_interest: 0 });
    // accrues from 02-06: 11 days through 02-16
    expect(at(loan(), rule(), '2024-02-16', s)).toMatchObject({ dpd: 16, penalty_interest: 5.5 });
    const paidInGrace = loan({ payments: [{ date: '2024-02-04', cash: 102_000, penalty: null }] });
    expect(at(paidInGrace, rule(), '2024-03-16', s)).toMatchObject({ penalty_interest: 0, status: 'paid_off' });
  });
});

describe('a partial payment is allocated in the configured order', () => {
  // 25.00 paid on 2024-03-17, after 45 days of charges (22.50 penalty, 0.45 compound)
  const partial = loan({ payments: [{ date: '2024-03-17', cash: 2_500, penalty: null }] });
  it('scheduled first (default, SPEC §4): interest 20.00 then principal 5.00; charges stay owed', () => {
    const r = at(partial, rule(), '2024-03-17');
    // the 17th accrues on 995.00: 995.00 × 0.18 / 360 = 0.4975 → 0.50; no interest overdue any more
    expect(r).toMatchObject({
      overdue_principal: 995,
      overdue_interest: 0,
      penalty_interest: 23,
      compound_interest: 0.45,
      penalty_paid: 0,
      compound_paid: 0,
      amount_to_cure: 995 + 23 + 0.45,
    });
  });
  it('charges first: penalty 22.50, compound 0.45, then 2.05 of the scheduled interest', () => {
    const r = at(
      partial,
      rule({ allocation_order: ['penalty_interest', 'compound_interest', 'fee', 'scheduled'] }),
      '2024-03-17',
    );
    // the 17th accrues 0.50 on 1,000.00 and 17.95 × 0.18 / 360 = 0.009 → 0.01 compound
    expect(r).toMatchObject({
      overdue_principal: 1000,
      overdue_interest: 17.95,
      penalty_interest: 23,
      penalty_paid: 22.5,
      compound_interest: 0.46,
      compound_paid: 0.45,
      amount_to_cure: 1000 + 17.95 + 0.5 + 0.01,
    });
  });
  it("the servicer's split wins: penalty_paid to the charges, the rest to the schedule", () => {
    const split = loan({ payments: [{ date: '2024-03-17', cash: 2_500, penalty: 1_000 }] });
    expect(at(split, rule(), '2024-03-17')).toMatchObject({
      overdue_interest: 5,
      penalty_paid: 10,
      compound_paid: 0,
      unapplied: 0,
    });
    // a penalty part above the charges owed is unapplied, not moved to the schedule
    const over = loan({ payments: [{ date: '2024-02-02', cash: 2_500, penalty: 1_000 }] });
    expect(at(over, rule(), '2024-02-02')).toMatchObject({ penalty_paid: 0.5, compound_paid: 0.01, unapplied: 9.49 });
  });
});

describe('waivers', () => {
  it('a waiver event reduces the charges in their order (penalty, compound, fees)', () => {
    const w = loan({ waivers: [{ date: '2024-03-16', amount: 2_300 }] });
    const r = at(w, rule(), '2024-03-16');
    // 22.00 of penalty owed before the 16th's accrual (44 days), then 0.44 compound; 0.56 unused
    expect(r).toMatchObject({
      penalty_waived: 22,
      compound_waived: 0.44,
      penalty_interest: 22.5,
      compound_interest: 0.45,
    });
    expect(r.amount_to_cure).toBe(1020 + 0.5 + 0.01);
  });
  it('a restructure waives what is owed when waive_on_restructure, else only capitalises', () => {
    const l = loan({ restructures: [{ date: '2024-03-16', amount: 102_000 }] });
    expect(at(l, rule({ waive_on_restructure: true }), '2024-03-16')).toMatchObject({
      penalty_waived: 22,
      compound_waived: 0.44,
      status: 'paid_off',
    });
    expect(at(l, rule(), '2024-03-16')).toMatchObject({
      penalty_waived: 0,
      penalty_interest: 22,
      amount_to_cure: 22.44,
    });
  });
});

describe('late fees', () => {
  it('a flat fee per missed installment, up to the cap', () => {
    const three = loan({
      inst: ['2024-01-31', '2024-02-29', '2024-03-31'].map((due) => ({ due, pr: 10_000, int: 1_000 })),
    });
    const r = rule({ late_fee: 30, late_fee_cap: 50 });
    expect(
      referenceAccrual(three, r, grace0, ['2024-01-31', '2024-02-01', '2024-03-01', '2024-04-01']).map((x) => x.fees),
    ).toEqual([0, 30, 50, 50]);
    // an installment paid by its due date is not missed
    const paid = { ...three, payments: [{ date: '2024-01-31', cash: 11_000, penalty: null }] };
    expect(at(paid, r, '2024-03-01').fees).toBe(30);
  });
});

describe('non-accrual from 90 DPD, back on cure', () => {
  // 110.00 due each month-end; nothing paid until 05-10 (Jan–Mar paid), the rest on 06-05
  const monthly = loan({
    inst: ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'].map((due) => ({
      due,
      pr: 10_000,
      int: 1_000,
    })),
    payments: [
      { date: '2024-05-10', cash: 33_000, penalty: null },
      { date: '2024-06-05', cash: 22_000, penalty: null },
    ],
  });
  const rows = referenceAccrual(monthly, rule(), grace0, ['2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30']);
  it('accruing at 60 DPD, non-accrual at 90: the interest arrears (past-due interest and charges) move off balance sheet', () => {
    expect(rows.map((r) => [r.dpd, r.accrual_status])).toEqual([
      [60, 'accruing'],
      [90, 'non_accrual'],
      [31, 'non_accrual'], // Jan–Mar paid, April still overdue: not cured
      [0, 'accruing'], // cured: back on balance sheet
    ]);
    const [mar, apr, may, jun] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(mar.interest_arrears_on_bs).toBeCloseTo(20 + mar.penalty_interest + mar.compound_interest, 9);
    expect(mar.interest_arrears_off_bs).toBe(0);
    expect(apr.interest_arrears_on_bs).toBe(0);
    expect(apr.interest_arrears_off_bs).toBeCloseTo(30 + apr.penalty_interest + apr.compound_interest, 9);
    expect(may.interest_arrears_off_bs).toBeGreaterThan(0);
    // the charges are still owed after the cure (scheduled first), now on balance sheet
    expect(jun.interest_arrears_off_bs).toBe(0);
    expect(jun.interest_arrears_on_bs).toBeCloseTo(jun.penalty_interest + jun.compound_interest, 9);
  });
  it('a lower threshold moves earlier', () => {
    const r = referenceAccrual(monthly, rule({ non_accrual_dpd: 60 }), grace0, ['2024-03-30', '2024-03-31']);
    expect(r.map((x) => x.accrual_status)).toEqual(['accruing', 'non_accrual']);
  });
});

describe('charge-off stops accrual', () => {
  it('nothing accrues on or after the charge-off date; the arrears are off balance sheet', () => {
    const co = loan({ chargeOff: '2024-03-01', payments: [{ date: '2024-03-10', cash: 50_000, penalty: null }] });
    const r = at(co, rule(), '2024-03-31');
    // 29 days of February: 29 × 0.50 = 14.50 and 29 × 0.01; the cash after it is recovery, not allocated
    expect(r).toMatchObject({
      status: 'charged_off',
      accrual_status: 'charged_off',
      penalty_interest: 14.5,
      compound_interest: 0.29,
      penalty_paid: 0,
      interest_arrears_on_bs: 0,
    });
    expect(r.interest_arrears_off_bs).toBe(20 + 14.5 + 0.29);
  });
});

describe('a written-off account settled or sold closes', () => {
  it('from its first settlement or debt sale nothing is owed; the charges accrued stay', () => {
    const settled = loan({ chargeOff: '2024-03-01', closed: '2024-05-15' });
    const before = at(settled, rule(), '2024-05-14');
    expect(before.amount_to_cure).toBe(1020 + 14.5 + 0.29);
    const after = at(settled, rule(), '2024-05-15');
    expect(after).toMatchObject({
      accrual_status: 'closed',
      overdue_principal: 0,
      overdue_interest: 0,
      interest_arrears_off_bs: 0,
      amount_to_cure: 0,
      penalty_interest: 14.5,
    });
  });
});
