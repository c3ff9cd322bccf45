import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { fillAccrual } from '../../../../pipelines/accrual/fill-accrual.ts';
import { amountToCureAsOf, amountToCureFromHistory } from '../../../../pipelines/accrual/amount-to-cure.ts';
import { param, sql, trusted } from '../../../../warehouse/sql.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { runDpd, type DpdRow } from '../../../../bin/commands/dpd.ts';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../../../warehouse/config.ts';
import {
  defaultAccrualRulesPath,
  loadAccrualRules,
  parseAccrualRules,
  ruleFor,
  type AccrualRules,
} from '../../../../pipelines/accrual/accrual-rules.ts';
import { accrualMoneyColumns, type AccrualRow } from '../../../../pipelines/accrual/accrual-row.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { referenceAccrual, type RefAccrualLoan } from '../../../reference/accrual-reference.ts';
import { referenceInstallments } from '../../../reference/snapshot-reference.ts';
import { referenceInput } from '../../../helpers/reference-input.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/*
 * The SQL accrual (closed forms over each loan's events, a fold where charges are paid first) against the plain day-by-day TypeScript walk
 * (test/reference/accrual-reference.ts), every loan-month of small generated books, under the
 * default rules and two others that move every switch: charges first, late fees with a cap,
 * waivers on restructure, actual/365, compound interest off, another non-accrual threshold.
 */
const ruleSets: { name: string; rules: AccrualRules }[] = [
  { name: 'default', rules: loadAccrualRules(defaultAccrualRulesPath) },
  {
    name: 'charges first, fees, waive on restructure',
    rules: parseAccrualRules({
      default: {
        allocation_order: ['fee', 'penalty_interest', 'compound_interest', 'scheduled'],
        late_fee: 25,
        late_fee_cap: 60,
        waive_on_restructure: true,
        non_accrual_dpd: 60,
      },
      products: { mortgage: { penalty_markup: 0.3, compound_interest: false } },
    }),
  },
  {
    name: 'actual/365, no compound, fees after the schedule',
    rules: parseAccrualRules({
      default: {
        day_count: 'actual/365',
        compound_interest: false,
        late_fee: 10,
        allocation_order: ['scheduled', 'fee', 'compound_interest', 'penalty_interest'],
      },
      products: { credit_card: { compound_interest: true, penalty_markup: 1 } },
    }),
  },
  {
    // scheduled-first loans take the closed forms and charges-first ones the fold, in one statement
    name: 'mixed: cards pay charges first, the rest the schedule',
    rules: parseAccrualRules({
      default: { late_fee: 15, late_fee_cap: 45, waive_on_restructure: true },
      products: {
        credit_card: { allocation_order: ['penalty_interest', 'fee', 'compound_interest', 'scheduled'] },
      },
    }),
  },
];

// one small book (the budget of the suite): grace and the grace-end convention move when charges start
const books = [
  {
    seed: 12,
    settings: defaultSnapshotSettings({
      graceDays: 3,
      dpdConvention: 'grace_end',
      restructureObservationMonths: 12,
      contagionShare: 0.1,
    }),
  },
];

const cents = (x: number) => Math.round(x * 100);

const monthEndAfter = (d: string, months: number) =>
  new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) + months, 0)).toISOString().slice(0, 10);

/**
 * A written-off loan's accrual month-ends (docs/accrual.md): its snapshot rows', then every month-end
 * through the data's last, or through the month of its first settlement or debt sale (its closed row).
 */
function writtenOffMonthEnds(own: string[], closed: string | null | undefined, asOf: string): string[] {
  const last = own.at(-1);
  if (last === undefined) return own;
  const end = closed != null && monthEndAfter(closed, 0) < asOf ? monthEndAfter(closed, 0) : asOf;
  const more: string[] = [];
  for (let k = 1; monthEndAfter(last, k) <= end; k++) more.push(monthEndAfter(last, k));
  return [...own, ...more];
}

describe.each(books)('SQL accrual equals the day-by-day reference (seed $seed)', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let loans: (RefAccrualLoan & { product: string; monthEnds: string[] })[];
  let snapshot: Map<string, { dpd: number; status: string }>;
  let afterChargeOffRows = 0;
  const writtenOffLoans = new Set<string>();
  const asOf = '2024-06-30';
  beforeAll(async () => {
    wh = await testWarehouse(`accr_${seed}`);
    const dir = join(tmpDir(`accr${seed}`), 'book');
    await generateBook({ loans: 150, months: 30, asOf: '2024-06-30', seed, badRows: 0, outDir: dir, format: 'csv' });
    await ingest(wh, [dir], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings });
    const input = await referenceInput(wh, '2024-06-30');
    const lm = await queryRows<{ loan_id: string; month_end: string; dpd: number; status: string }>(
      wh,
      `SELECT loan_id, toString(month_end) AS month_end, dpd, toString(status) AS status FROM ${wh.database}.loan_month WHERE source = 'schedule' ORDER BY loan_id, month_end`,
    );
    snapshot = new Map(lm.map((r) => [`${r.loan_id}|${r.month_end}`, r]));
    const monthEnds = new Map<string, string[]>();
    for (const r of lm) (monthEnds.get(r.loan_id) ?? monthEnds.set(r.loan_id, []).get(r.loan_id)!).push(r.month_end);
    const lastStatus = new Map(lm.map((r) => [r.loan_id, r.status]));
    loans = input.loans.map((l) => {
      const inst = referenceInstallments(
        l,
        input.schedule.filter((i) => i.loan_id === l.loan_id),
      );
      const events = input.events.filter((e) => e.loan_id === l.loan_id);
      const of = (type: string) =>
        events.filter((e) => e.type === type).map((e) => ({ date: e.event_date, amount: cents(e.amount) }));
      return {
        loan_id: l.loan_id,
        product: l.product,
        origination_date: l.origination_date,
        annual_rate: l.annual_rate,
        inst,
        payments: input.payments
          .filter((p) => p.loan_id === l.loan_id)
          .map((p) => ({
            date: p.paid_date,
            cash: cents(p.amount),
            penalty: p.penalty_paid === null ? null : cents(p.penalty_paid),
          })),
        chargeOff:
          of('charge_off')
            .map((e) => e.date)
            .sort()[0] ?? null,
        closed:
          events
            .filter((e) => e.type === 'settlement' || e.type === 'debt_sale')
            .map((e) => e.event_date)
            .sort()[0] ?? null,
        restructures: of('restructure'),
        waivers: of('waiver'),
        monthEnds: [],
      };
    });
    // a written-off loan is evaluated on after its snapshot rows end, through the month it is settled or
    // sold; a paid-off one through the data's last (its rows kept there while it owes charges: per rule set)
    for (const l of loans) {
      const own = monthEnds.get(l.loan_id) ?? [];
      const last = lastStatus.get(l.loan_id);
      l.monthEnds =
        last === 'charged_off'
          ? writtenOffMonthEnds(own, l.closed, asOf)
          : last === 'paid_off'
            ? writtenOffMonthEnds(own, null, asOf)
            : own;
      if (last === 'charged_off') writtenOffLoans.add(l.loan_id);
    }
    afterChargeOffRows = loans
      .filter((l) => writtenOffLoans.has(l.loan_id))
      .reduce((n, l) => n + l.monthEnds.length - (monthEnds.get(l.loan_id)?.length ?? 0), 0);
  });
  afterAll(() => disposeIfOpened(wh));

  it('at a month-end the amount to cure is read from the snapshot and equals the fold from history', async () => {
    for (const asOf of ['2023-09-30', '2024-02-29', '2024-06-30']) {
      const active = sql`SELECT loan_id FROM ${trusted(`${wh.database}.loan_month`)}
        WHERE month_end = ${param(asOf, 'Date')} AND status = 'active' AND source = 'schedule'`;
      const fromSnapshot = await amountToCureAsOf(wh, { asOf, settings, loans: active });
      expect(fromSnapshot.length).toBeGreaterThan(20);
      expect(fromSnapshot).toEqual(await amountToCureFromHistory(wh, { asOf, settings, loans: active }));
    }
  });

  it('at a month-end every loan has the row it has on the days around it: one closed in an earlier month is folded', async () => {
    for (const asOf of ['2024-02-29', '2024-06-30']) {
      const whole = await amountToCureAsOf(wh, { asOf, settings });
      const closedEarlier = whole.filter((r) => r.status !== 'active' && r.date === asOf);
      expect(whole).toEqual(await amountToCureFromHistory(wh, { asOf, settings }));
      // the book has loans charged off or paid off before the month: they were missing at month-ends only
      const [n] = await queryRows<{ n: string }>(
        wh,
        `SELECT count() AS n FROM ${wh.database}.loan_month WHERE next_month_end = '2149-06-06' AND status != 'active' AND month_end < {d:Date} AND source = 'schedule'`,
        { d: asOf },
      );
      expect(Number(n!.n)).toBeGreaterThan(0);
      expect(closedEarlier.length).toBeGreaterThanOrEqual(Number(n!.n));
    }
  });

  it.each(ruleSets)('agrees on every column of every loan-month: $name', async ({ name, rules }) => {
    // the default rules come from the snapshot's one pass; the others are rebuilt in three passes (ranges of loan ids)
    // (bounded memory): both must equal the reference, so a pass split gives what one pass gives
    if (name !== 'default') await fillAccrual(wh, { settings, rules, through: '2024-06-30', passes: 3 });
    const rows = await queryRows<AccrualRow & { month_end: string }>(
      wh,
      `SELECT *, toString(month_end) AS month_end FROM ${wh.database}.loan_month_accrual`,
    );
    const got = new Map(rows.map((r) => [`${r.loan_id}|${r.month_end}`, r]));
    // one row per loan and month-end: a row written twice would count twice in every metric
    expect(rows.length).toBe(got.size);
    // a paid-off loan's month-ends after its payoff month are kept while it owes (amount to cure > 0)
    const ref = loans
      .flatMap((l) => (l.monthEnds.length ? referenceAccrual(l, ruleFor(rules, l.product), settings, l.monthEnds) : []))
      // (and in the month they are paid: its charges collected)
      .filter(
        (r) =>
          snapshot.has(`${r.loan_id}|${r.date}`) ||
          writtenOffLoans.has(r.loan_id) ||
          r.amount_to_cure > 0 ||
          r.charges_paid_in_month > 0,
      );
    const afterPayoffRows = ref.filter(
      (r) => !snapshot.has(`${r.loan_id}|${r.date}`) && !writtenOffLoans.has(r.loan_id),
    ).length;
    // the book has written-off loans not settled and paid-off loans owing charges: they have month-ends
    // past their snapshot rows
    expect(afterChargeOffRows).toBeGreaterThan(0);
    expect(afterPayoffRows, name).toBeGreaterThan(0);
    expect(ref.length).toBe(snapshot.size + afterChargeOffRows + afterPayoffRows);
    expect(got.size).toBe(ref.length);
    const mismatches: string[] = [];
    for (const r of ref) {
      const s = got.get(`${r.loan_id}|${r.date}`);
      if (!s) {
        mismatches.push(`${r.loan_id} ${r.date}: missing`);
        continue;
      }
      for (const f of ['status', 'dpd', 'accrual_status', ...accrualMoneyColumns] as const)
        if (String(s[f]) !== String(r[f])) mismatches.push(`${r.loan_id} ${r.date} ${f}: sql=${s[f]} ref=${r[f]}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    // the paths the rules have: penalties, payments against them, non-accrual and its cure, waivers
    expect(ref.some((r) => r.penalty_interest > 0 && r.penalty_paid > 0)).toBe(true);
    expect(ref.some((r) => r.accrual_status === 'non_accrual')).toBe(true);
    expect(ref.some((r) => r.accrual_status === 'charged_off')).toBe(true);
    expect(ref.some((r) => r.penalty_waived + r.compound_waived + r.fees_waived > 0)).toBe(true);
    if (name === 'default')
      // scheduled first: the accrual's allocation is the snapshot's, so its DPD and status are loan_month's
      for (const r of ref.filter((x) => snapshot.has(`${x.loan_id}|${x.date}`))) {
        const s = snapshot.get(`${r.loan_id}|${r.date}`)!;
        expect({ loan_id: r.loan_id, date: r.date, dpd: s.dpd, status: s.status }).toEqual({
          loan_id: r.loan_id,
          date: r.date,
          dpd: r.dpd,
          status: r.status,
        });
      }
  });
  it.each(ruleSets)(
    'on days between month-ends every loan’s accrual equals the reference, written-off loans included: $name',
    async ({ rules }) => {
      const mismatches: string[] = [];
      let writtenOff = 0;
      for (const asOf of ['2023-11-17', '2024-03-16']) {
        const got = new Map((await amountToCureAsOf(wh, { asOf, settings, rules })).map((r) => [r.loan_id, r]));
        for (const l of loans.filter((x) => x.origination_date <= asOf)) {
          // the month-ends before the date are evaluated too (non-accrual holds from one of them until cured)
          const ref = referenceAccrual(l, ruleFor(rules, l.product), settings, [
            ...l.monthEnds.filter((m) => m < asOf),
            asOf,
          ]).at(-1);
          const mine = got.get(l.loan_id);
          if (!ref || !mine) {
            mismatches.push(`${l.loan_id} ${asOf}: ${mine ? 'no reference' : 'missing'}`);
            continue;
          }
          if (ref.status === 'charged_off') writtenOff++;
          for (const f of ['status', 'dpd', 'accrual_status', ...accrualMoneyColumns] as const)
            if (f !== 'charges_accrued_in_month' && f !== 'charges_paid_in_month' && String(mine[f]) !== String(ref[f]))
              mismatches.push(`${l.loan_id} ${asOf} ${f}: sql=${mine[f]} ref=${ref[f]}`);
        }
      }
      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(writtenOff).toBeGreaterThan(0);
    },
  );

  it('dpd --as-of adds up under every rule set: the amount to cure is the accrual’s own overdue amounts plus the charges owed', async () => {
    const config = loadConfig({
      LOANWATCH_GRACE_DAYS: String(settings.graceDays),
      LOANWATCH_DPD_CONVENTION: settings.dpdConvention,
      LOANWATCH_CONTAGION_SHARE: String(settings.contagionShare),
    });
    const dpdLines = async (asOf: string, format: 'json' | 'table', file: string) => {
      const lines: string[] = [];
      const out = {
        line: (l: string) => void lines.push(l),
        write: (t: string) => Promise.resolve(void lines.push(t)),
      };
      await runDpd(wh, config, out, { 'as-of': asOf, loan: undefined, format, 'accrual-rules': file });
      return lines;
    };
    let furtherBehind = 0;
    let closed = 0;
    const rulesDir = tmpDir(`dpd-rules-${seed}`);
    for (const [i, { name, rules }] of ruleSets.entries()) {
      const file = join(rulesDir, `${i}.json`);
      writeFileSync(file, JSON.stringify({ default: rules.default, products: rules.products }));
      const scheduledFirst = [rules.default, ...Object.values(rules.products)].every(
        (r) => r.allocation_order[0] === 'scheduled',
      );
      for (const asOf of ['2023-11-17', '2024-06-20']) {
        const rows = (JSON.parse((await dpdLines(asOf, 'json', file)).join('')) as DpdRow[]).filter(
          (r) => r.amount_to_cure !== undefined,
        );
        expect(rows.length, name).toBeGreaterThan(100);
        let apart = 0;
        for (const r of rows) {
          const owed = (a = 0, p = 0, w = 0) => (r.accrual_status === 'closed' ? 0 : cents(a) - cents(p) - cents(w));
          const charges =
            owed(r.penalty_interest, r.penalty_paid, r.penalty_waived) +
            owed(r.compound_interest, r.compound_paid, r.compound_waived) +
            owed(r.fees, r.fees_paid, r.fees_waived);
          const where = `${name} ${asOf} ${r.loan_id} ${r.accrual_status}`;
          expect(cents(r.amount_to_cure!), where).toBe(
            cents(r.accrual_overdue_principal!) + cents(r.accrual_overdue_interest!) + charges,
          );
          // the rules may put a loan further behind than the snapshot, never less far
          expect(r.accrual_dpd!, where).toBeGreaterThanOrEqual(r.dpd);
          // written-off loans too (their installments still fall due); a settled or sold one owes nothing (closed)
          if (scheduledFirst && r.accrual_status !== 'closed')
            expect([r.accrual_dpd, r.accrual_overdue_principal, r.accrual_overdue_interest], where).toEqual([
              r.dpd,
              r.overdue_principal,
              r.overdue_interest,
            ]);
          if (r.accrual_dpd! > r.dpd) furtherBehind++;
          if (r.accrual_status === 'closed') closed++;
          if (
            cents(r.accrual_overdue_principal!) !== cents(Number(r.overdue_principal)) ||
            cents(r.accrual_overdue_interest!) !== cents(Number(r.overdue_interest))
          )
            apart++;
        }
        // the table shows the snapshot's overdue amounts, and counts the loans whose amount to cure counts others
        const note = (await dpdLines(asOf, 'table', file)).at(-1)!;
        if (apart === 0) expect(note, `${name} ${asOf}`).not.toMatch(/^the amount to cure of/u);
        else
          expect(note, `${name} ${asOf}`).toMatch(
            new RegExp(`^the amount to cure of \\d+ of the loans shown \\(${apart} in all\\)`, 'u'),
          );
      }
    }
    // charges first puts some loans further behind, and the book has written-off loans settled or sold
    expect(furtherBehind).toBeGreaterThan(0);
    expect(closed).toBeGreaterThan(0);
  });
});

/*
 * The hand-computed cases of test/unit/pipelines/accrual/hand-cases.test.ts through the SQL: at
 * month-ends (loan_month_accrual, built by the snapshot) and on any date (amountToCureAsOf).
 */
describe('SQL accrual on the hand-built loans', () => {
  const settings = defaultSnapshotSettings({
    graceDays: 0,
    dpdConvention: 'due_date',
    restructureObservationMonths: 12,
    contagionShare: 0.1,
  });
  const monthly = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];
  const files = {
    'loans.csv': [
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
      ...['M', 'P', 'W', 'CO', 'S', 'PO', 'PP'].map((id) => `${id},c,consumer,2023-12-31,1000.00,0.12,1`),
      'N,c,consumer,2023-12-31,600.00,0.12,6',
      // pays eight installments ahead in January: at every month-end it is paid past the last installment due
      'A,c,consumer,2023-12-31,1200.00,0.12,12',
    ],
    'schedule.csv': [
      'loan_id,installment_no,due_date,principal_due,interest_due',
      ...['M', 'P', 'W', 'CO', 'S', 'PO', 'PP'].map((id) => `${id},1,2024-01-31,1000.00,20.00`),
      ...monthly.map((d, i) => `N,${i + 1},${d},100.00,10.00`),
      ...[...monthly, '2024-07-31', '2024-08-31', '2024-09-30', '2024-10-31', '2024-11-30', '2024-12-31'].map(
        (d, i) => `A,${i + 1},${d},100.00,10.00`,
      ),
    ],
    'payments.csv': [
      'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid',
      'P1,P,2024-03-17,25.00,,,',
      'N1,N,2024-05-10,330.00,,,',
      'N2,N,2024-06-05,220.00,,,',
      'CO1,CO,2024-03-10,500.00,,,',
      'A1,A,2024-01-20,880.00,,,',
      // pays the installment 38 days late: paid off in March, owing the penalty until it is waived in May
      'PO1,PO,2024-03-10,1020.00,,,',
      // the same, its penalty paid by cash beyond the schedule in May (the rest unapplied)
      'PP1,PP,2024-03-10,1020.00,,,',
      'PP2,PP,2024-05-10,30.00,,,',
    ],
    'loan_events.csv': [
      'event_id,loan_id,event_date,type,amount,note',
      'W1,W,2024-03-16,waiver,23.00,hardship',
      'CO-1,CO,2024-03-01,charge_off,1000.00,',
      // written off as CO, then settled: the account closes (the bureau's G)
      'S-1,S,2024-03-01,charge_off,1000.00,',
      'S-2,S,2024-05-15,settlement,400.00,one-off settlement',
      'PO-1,PO,2024-05-20,waiver,100.00,goodwill',
    ],
  };
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('accr_hand', files, '2024-06-30', settings);
  });
  afterAll(() => disposeIfOpened(wh));

  it('amountToCureAsOf: 45 days of penalty and compound interest, a partial payment, a waiver', async () => {
    const on16 = await amountToCureAsOf(wh, { asOf: '2024-03-16', settings });
    const m = on16.find((r) => r.loan_id === 'M')!;
    expect(m).toMatchObject({ dpd: 45, penalty_interest: 22.5, compound_interest: 0.45, amount_to_cure: 1042.95 });
    expect(on16.find((r) => r.loan_id === 'W')).toMatchObject({ penalty_waived: 22, compound_waived: 0.44 });
    const p = (await amountToCureAsOf(wh, { asOf: '2024-03-17', settings, loans: sql`SELECT 'P'` }))[0];
    expect(p).toMatchObject({ loan_id: 'P', overdue_principal: 995, overdue_interest: 0, penalty_interest: 23 });
    const p365 = parseAccrualRules({ default: { day_count: 'actual/365' } });
    expect(
      (await amountToCureAsOf(wh, { asOf: '2024-03-16', settings, rules: p365, loans: sql`SELECT 'M'` }))[0],
    ).toMatchObject({
      penalty_interest: 22.05,
    });
  });

  it('a written-off loan settled (or sold) owes nothing from that day: amount to cure, overdue and arrears 0, the charges kept', async () => {
    const on = async (asOf: string) => (await amountToCureAsOf(wh, { asOf, settings, loans: sql`SELECT 'S'` }))[0];
    // the day before, as CO (written off the same day): 1,020.00 overdue and February's penalty, off balance sheet
    const before = await on('2024-05-14');
    expect(before).toMatchObject({ accrual_status: 'charged_off', overdue_principal: 1000, penalty_interest: 14.5 });
    expect(before!.amount_to_cure).toBeCloseTo(1000 + 20 + 14.5 + 0.29, 2);
    expect(before!.interest_arrears_off_bs).toBeCloseTo(34.79, 2);
    for (const asOf of ['2024-05-15', '2024-06-30'])
      expect(await on(asOf), asOf).toMatchObject({
        status: 'charged_off',
        accrual_status: 'closed',
        overdue_principal: 0,
        overdue_interest: 0,
        interest_arrears_on_bs: 0,
        interest_arrears_off_bs: 0,
        amount_to_cure: 0,
        penalty_interest: 14.5,
        compound_interest: 0.29,
      });
    // a write-off not settled still owes it
    expect((await amountToCureAsOf(wh, { asOf: '2024-06-30', settings, loans: sql`SELECT 'CO'` }))[0]).toMatchObject({
      overdue_principal: 1000,
    });
  });

  it('a loan paid ahead is current until the first installment it did not cover, at month-ends and on any date', async () => {
    const rows = await queryRows<{ dpd: number; status: string; amount_to_cure: number }>(
      wh,
      `SELECT dpd, status, amount_to_cure FROM ${wh.database}.loan_month_accrual WHERE loan_id = 'A' ORDER BY month_end`,
    );
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.dpd === 0 && r.status === 'active' && r.amount_to_cure === 0)).toBe(true);
    const on = async (asOf: string) => (await amountToCureAsOf(wh, { asOf, settings, loans: sql`SELECT 'A'` }))[0];
    expect(await on('2024-09-15')).toMatchObject({ dpd: 0, status: 'active', overdue_principal: 0 });
    // installments 9 (due 30 Sep) and 10 (due 31 Oct) unpaid on 15 Nov
    expect(await on('2024-11-15')).toMatchObject({ dpd: 46, overdue_principal: 200, overdue_interest: 20 });
  });

  it('a penalty part above the cash (refused at ingest, written by another loader) takes back what the schedule had', async () => {
    // installment 1 paid on its due date; on 10 Feb a 10.00 payment says 50.00 of it was penalty:
    // what is applied to the schedule falls by 40.00 and installment 1 is overdue again
    const db = wh.database;
    await wh.client.insert({
      table: `${db}.loans`,
      format: 'JSONEachRow',
      values: [
        {
          loan_id: 'Q',
          customer_id: 'c',
          product: 'consumer',
          origination_date: '2023-12-31',
          principal: 300,
          annual_rate: 0.12,
          term_months: 3,
        },
      ],
    });
    await wh.client.insert({
      table: `${db}.schedule`,
      format: 'JSONEachRow',
      values: monthly
        .slice(0, 3)
        .map((d, i) => ({ loan_id: 'Q', installment_no: i + 1, due_date: d, principal_due: 100, interest_due: 10 })),
    });
    const paid = [
      { payment_id: 'Q1', paid_date: '2024-01-31', amount: 110, penalty_paid: null },
      { payment_id: 'Q2', paid_date: '2024-02-10', amount: 10, penalty_paid: 50 },
      { payment_id: 'Q3', paid_date: '2024-03-05', amount: 300, penalty_paid: null },
    ];
    await wh.client.insert({
      table: `${db}.payments`,
      format: 'JSONEachRow',
      values: paid.map((p) => ({ loan_id: 'Q', ...p })),
    });
    const dates = ['2024-01-31', '2024-02-09', '2024-02-10', '2024-02-29', '2024-03-04', '2024-03-05', '2024-04-30'];
    const mine = [];
    // from history on every date, month-ends too: the snapshot never saw this loan
    for (const asOf of dates)
      mine.push((await amountToCureFromHistory(wh, { asOf, settings, loans: sql`SELECT 'Q'` }))[0]!);
    expect(mine.map((r) => r.dpd)).toEqual([0, 0, 10, 29, 33, 0, 0]);
    const ref = referenceAccrual(
      {
        loan_id: 'Q',
        origination_date: '2023-12-31',
        annual_rate: 0.12,
        inst: monthly.slice(0, 3).map((due) => ({ due, pr: 10000, int: 1000 })),
        payments: paid.map((p) => ({
          date: p.paid_date,
          cash: cents(p.amount),
          penalty: p.penalty_paid === null ? null : cents(p.penalty_paid),
        })),
        chargeOff: null,
        restructures: [],
        waivers: [],
      },
      ruleFor(loadAccrualRules(defaultAccrualRulesPath), 'consumer'),
      settings,
      dates,
    );
    for (const [i, r] of ref.entries())
      // (the _in_month columns count from the date before, a month-end here, in the list there)
      for (const f of [
        'status',
        'dpd',
        'accrual_status',
        ...accrualMoneyColumns.filter((c) => !c.endsWith('_in_month')),
      ] as const)
        expect(`${r.date} ${f}=${String(mine[i]![f])}`).toBe(`${r.date} ${f}=${String(r[f])}`);
  });

  it('non-accrual at 90 DPD holds until cured, on any date as at month-ends', async () => {
    const rows = await queryRows<{ month_end: string; dpd: number; accrual_status: string }>(
      wh,
      `SELECT toString(month_end) AS month_end, dpd, accrual_status FROM ${wh.database}.loan_month_accrual WHERE loan_id = 'N' ORDER BY month_end`,
    );
    expect(rows.map((r) => [r.month_end, r.dpd, r.accrual_status])).toEqual([
      ['2023-12-31', 0, 'accruing'],
      ['2024-01-31', 0, 'accruing'],
      ['2024-02-29', 29, 'accruing'],
      ['2024-03-31', 60, 'accruing'],
      ['2024-04-30', 90, 'non_accrual'],
      ['2024-05-31', 31, 'non_accrual'],
      ['2024-06-30', 0, 'accruing'],
    ]);
    const mid = await amountToCureAsOf(wh, { asOf: '2024-05-15', settings, loans: sql`SELECT 'N'` });
    expect(mid[0]).toMatchObject({ dpd: 15, accrual_status: 'non_accrual', interest_arrears_on_bs: 0 });
  });

  it('fillAccrual rebuilds the same rows, another day count moves the penalty; dpd --as-of shows the amount to cure', async () => {
    const all = async () =>
      queryRows<AccrualRow & { month_end: string }>(
        wh,
        `SELECT *, toString(month_end) AS month_end FROM ${wh.database}.loan_month_accrual ORDER BY loan_id, month_end`,
      );
    const before = await all();
    await fillAccrual(wh, { settings, through: '2024-06-30' });
    expect(await all()).toEqual(before);
    await fillAccrual(wh, {
      settings,
      through: '2024-06-30',
      rules: parseAccrualRules({ default: { day_count: 'actual/365' } }),
    });
    const m = (await all()).find((r) => r.loan_id === 'M' && r.month_end === '2024-02-29')!;
    expect(m.penalty_interest).toBe(14.21); // 29 days × 0.49
    await fillAccrual(wh, { settings, through: '2024-06-30' });
    expect(await all()).toEqual(before);

    const lines: string[] = [];
    const out = { line: (l: string) => void lines.push(l), write: (t: string) => Promise.resolve(void lines.push(t)) };
    await runDpd(wh, loadConfig({}), out, {
      'as-of': '2024-03-16',
      loan: ['M'],
      format: 'json',
      'accrual-rules': undefined,
    });
    expect(JSON.parse(lines.join(''))).toMatchObject([
      { loan_id: 'M', dpd: 45, accrual_status: 'accruing', penalty_interest: 22.5, amount_to_cure: 1042.95 },
    ]);
    // the settled write-off: closed, nothing to cure, its charges owed 0 in the table's columns
    lines.length = 0;
    await runDpd(wh, loadConfig({}), out, {
      'as-of': '2024-06-05',
      loan: ['S'],
      format: 'table',
      'accrual-rules': undefined,
    });
    const row = lines
      .join('\n')
      .split('\n')
      .find((l) => /\bclosed\b/u.test(l));
    // its penalty accrued 14.50 and was never paid: owed 0 once the account closed
    expect(row, lines.join('\n')).toBeDefined();
    expect(row).not.toContain('14.50');
    expect(row).not.toContain('1,034.79');
  });

  it('interest arrears count a write-off at every month-end until it is settled or sold, with or without a segment', async () => {
    const byMonth = async (request: Record<string, unknown>) =>
      (
        await runMetric(wh, 'interest_arrears', {
          as_of: '2024-06-30',
          from: '2024-03-31',
          to: '2024-06-30',
          ...request,
        })
      ).rows;
    const writtenOff = await byMonth({ group_by: ['month_end', 'accrual_status', 'bucket'] });
    expect(
      writtenOff
        .filter((r) => r.accrual_status === 'charged_off')
        .map((r) => [r.month_end, r.bucket, Number(r.off_balance_sheet), Number(r.loans_in_arrears)]),
    ).toEqual([
      ['2024-03-31', 'WO', 69.58, 2],
      ['2024-04-30', 'WO', 69.58, 2],
      ['2024-05-31', 'WO', 34.79, 1],
      ['2024-06-30', 'WO', 34.79, 1],
    ]);
    // a loan paid off in March owing its penalty (PO) keeps it in 表内欠息 until it is waived in May
    // and one paid off the same day, its penalty paid in May (PP): 表内欠息 to April, none from May
    const paidOff = writtenOff
      .filter((r) => r.accrual_status === 'paid_off')
      .map((r) => [r.month_end, Number(r.on_balance_sheet), Number(r.loans_in_arrears)]);
    expect(paidOff).toEqual([
      ['2024-03-31', 38.76, 2],
      ['2024-04-30', 38.76, 2],
      ['2024-05-31', 0, 0],
    ]);
    // what PP paid in May counts as charges collected then
    const may = await runMetric(wh, 'penalty_income', { as_of: '2024-06-30', group_by: ['month_end'] });
    const [mayRows] = await queryRows<{ paid: unknown }>(
      wh,
      `SELECT sum(charges_paid_in_month) AS paid FROM ${wh.database}.loan_month_accrual WHERE month_end = '2024-05-31'`,
    );
    expect(Number(mayRows!.paid)).toBeGreaterThanOrEqual(19.38);
    expect(Number(may.rows.find((r) => r.month_end === '2024-05-31')!.collected)).toBe(Number(mayRows!.paid));
    // the accrual rows alone (no segment asked) and joined to the snapshot's segment give the same sums
    const key = (r: Record<string, unknown>) => [
      r.month_end,
      r.on_balance_sheet,
      r.off_balance_sheet,
      r.loans_in_arrears,
    ];
    expect((await byMonth({ product: ['consumer'] })).map(key)).toEqual((await byMonth({})).map(key));
    // the cash after a charge-off is recovery: the months after it bring no defaulted cash
    const income = await runMetric(wh, 'penalty_income', { as_of: '2024-06-30', group_by: ['month_end'] });
    expect(income.rows.every((r) => Number(r.defaulted_cash) >= 0)).toBe(true);
  });

  it('a charge-off stops accrual; every hand loan-month equals the reference', async () => {
    const rows = await queryRows<AccrualRow & { month_end: string }>(
      wh,
      `SELECT *, toString(month_end) AS month_end FROM ${wh.database}.loan_month_accrual ORDER BY loan_id, month_end`,
    );
    expect(rows.find((r) => r.loan_id === 'CO' && r.month_end === '2024-03-31')).toMatchObject({
      accrual_status: 'charged_off',
      penalty_interest: 14.5,
      compound_interest: 0.29,
      penalty_paid: 0,
      interest_arrears_off_bs: 34.79,
    });
    // written off and never settled: its 表外欠息 stands at every month-end after (no snapshot row of them);
    // settled in May: closed that month, no row after
    const monthsOf = (id: string) =>
      rows
        .filter((r) => r.loan_id === id && r.month_end >= '2024-03-31')
        .map((r) => [r.month_end, r.accrual_status, r.interest_arrears_off_bs]);
    expect(monthsOf('CO')).toEqual(
      ['2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'].map((d) => [d, 'charged_off', 34.79]),
    );
    expect(monthsOf('S')).toEqual([
      ['2024-03-31', 'charged_off', 34.79],
      ['2024-04-30', 'charged_off', 34.79],
      ['2024-05-31', 'closed', 0],
    ]);
    // paid off in March owing its penalty: owed at every month-end after until the waiver in May (no row then)
    const owedOf = (id: string) =>
      rows
        .filter((r) => r.loan_id === id && r.month_end >= '2024-03-31')
        .map((r) => [r.month_end, r.accrual_status, r.interest_arrears_on_bs, r.amount_to_cure]);
    const march = rows.find((r) => r.loan_id === 'PO' && r.month_end === '2024-03-31')!;
    expect(march.amount_to_cure).toBeGreaterThan(0);
    expect(owedOf('PO')).toEqual(
      ['2024-03-31', '2024-04-30'].map((d) => [d, 'paid_off', march.interest_arrears_on_bs, march.amount_to_cure]),
    );
    // paid in May by cash beyond the schedule: May's row has it collected and nothing owed; none after
    expect(owedOf('PP')).toEqual([
      ['2024-03-31', 'paid_off', 19.38, 19.38],
      ['2024-04-30', 'paid_off', 19.38, 19.38],
      ['2024-05-31', 'paid_off', 0, 0],
    ]);
    expect(rows.find((r) => r.loan_id === 'PP' && r.month_end === '2024-05-31')).toMatchObject({
      charges_paid_in_month: 19.38,
      unapplied: 10.62,
    });
    const input = await referenceInput(wh, '2024-06-30');
    const rules = loadAccrualRules(defaultAccrualRulesPath);
    for (const l of input.loans) {
      const mine = rows.filter((r) => r.loan_id === l.loan_id);
      const ref = referenceAccrual(
        {
          loan_id: l.loan_id,
          origination_date: l.origination_date,
          annual_rate: l.annual_rate,
          inst: input.schedule
            .filter((i) => i.loan_id === l.loan_id)
            .sort((a, b) => a.installment_no - b.installment_no)
            .map((i) => ({ due: i.due_date, pr: cents(i.principal_due), int: cents(i.interest_due) })),
          payments: input.payments
            .filter((p) => p.loan_id === l.loan_id)
            .map((p) => ({
              date: p.paid_date,
              cash: cents(p.amount),
              penalty: p.penalty_paid === null ? null : cents(p.penalty_paid),
            })),
          chargeOff: input.events.find((e) => e.loan_id === l.loan_id && e.type === 'charge_off')?.event_date ?? null,
          closed:
            input.events.find((e) => e.loan_id === l.loan_id && (e.type === 'settlement' || e.type === 'debt_sale'))
              ?.event_date ?? null,
          restructures: [],
          waivers: input.events
            .filter((e) => e.loan_id === l.loan_id && e.type === 'waiver')
            .map((e) => ({ date: e.event_date, amount: cents(e.amount) })),
        },
        ruleFor(rules, l.product),
        settings,
        mine.map((r) => r.month_end),
      );
      for (const [i, r] of ref.entries())
        for (const f of ['status', 'dpd', 'accrual_status', ...accrualMoneyColumns] as const)
          expect(`${l.loan_id} ${r.date} ${f}=${String(mine[i]![f])}`).toBe(
            `${l.loan_id} ${r.date} ${f}=${String(r[f])}`,
          );
    }
  });
});
