/**
 * An independent, deliberately plain implementation of the accrual rules (docs/accrual.md): one loan,
 * walked day by day from origination — installments fall overdue, payments are allocated item by
 * item in the configured order, waivers and restructures applied, then the day's penalty and
 * compound interest accrue on what is overdue at the end of the day. It shares no code with the SQL
 * (pipelines/accrual/accrual-sql.ts), which folds over events and accrues whole stretches of days
 * at once; only the rules type and the row shape are common.
 */
import type { AccrualRule, AllocationItem } from '../../pipelines/accrual/accrual-rules.ts';
import type { AccrualRow } from '../../pipelines/accrual/accrual-row.ts';

export interface RefAccrualLoan {
  loan_id: string;
  origination_date: string;
  annual_rate: number;
  /** the schedule, in cents */
  inst: { due: string; pr: number; int: number }[];
  /** cents; penalty: the payment's penalty_paid in cents, null when the file gave none */
  payments: { date: string; cash: number; penalty: number | null }[];
  chargeOff: string | null;
  /** the first settlement or debt sale (absent: none): a written-off account closes then */
  closed?: string | null;
  restructures: { date: string; amount: number }[];
  waivers: { date: string; amount: number }[];
}

export interface RefAccrualSettings {
  graceDays: number;
  dpdConvention: 'due_date' | 'grace_end';
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
const roundCents = (x: number) => Math.floor(x + 0.5);

/** What is owed beyond the schedule at each of `dates` (ascending), as accrual rows. */
export function referenceAccrual(
  loan: RefAccrualLoan,
  rule: AccrualRule,
  s: RefAccrualSettings,
  dates: string[],
): AccrualRow[] {
  const n = loan.inst.length;
  const cum: number[] = [];
  loan.inst.forEach((i, k) => cum.push((cum[k - 1] ?? 0) + i.pr + i.int));
  const total = cum[n - 1] ?? 0;
  const co = loan.chargeOff === null ? Infinity : day(loan.chargeOff);
  const dailyRate = (loan.annual_rate * (1 + rule.penalty_markup)) / (rule.day_count === 'actual/360' ? 360 : 365);
  const feeCap = rule.late_fee_cap === null ? Infinity : Math.round(rule.late_fee_cap * 100);
  const lateFee = Math.round(rule.late_fee * 100);
  const startDay = loan.inst.map((i) => day(i.due) + s.graceDays + 1);

  let P = 0; // applied to the schedule
  const acc = { penalty_interest: 0, compound_interest: 0, fee: 0 };
  const paid = { penalty_interest: 0, compound_interest: 0, fee: 0 };
  const waived = { penalty_interest: 0, compound_interest: 0, fee: 0 };
  let unapplied = 0;
  const owed = (c: keyof typeof acc) => acc[c] - paid[c] - waived[c];
  const chargeOrder = rule.allocation_order.filter((x): x is keyof typeof acc => x !== 'scheduled');

  /** the schedule's waterfall at P: unpaid principal and interest of the installments before `k` */
  const overdue = (k: number) => {
    let left = P;
    let op = 0;
    let oi = 0;
    for (let i = 0; i < n; i++) {
      const it = loan.inst[i]!;
      const ip = Math.min(it.int, Math.max(left, 0));
      left -= ip;
      const pp = Math.min(it.pr, Math.max(left, 0));
      left -= pp;
      if (i < k) {
        op += it.pr - pp;
        oi += it.int - ip;
      }
    }
    return { op, oi };
  };
  /** pays `x` to the items in `order` one after another, each up to what it is owed; returns the rest */
  const pay = (x: number, order: readonly AllocationItem[]) => {
    for (const item of order) {
      if (x <= 0) break;
      if (item === 'scheduled') {
        const part = Math.min(x, Math.max(total - P, 0));
        P += part;
        x -= part;
      } else {
        const part = Math.min(x, Math.max(owed(item), 0));
        paid[item] += part;
        x -= part;
      }
    }
    return x;
  };

  const first = Math.min(day(loan.origination_date), ...dates.map(day));
  const last = Math.max(...dates.map(day));
  const wanted = new Set(dates.map(day));
  const rows: AccrualRow[] = [];
  let na = false;
  let prevCharges = 0;
  let prevPaid = 0;
  for (let t = first; t <= last; t++) {
    const k = startDay.filter((sd) => sd <= t).length;
    // installments falling overdue today: a late fee when not fully paid by the end of grace
    for (let i = 0; i < n; i++)
      if (startDay[i] === t && t < co && P < cum[i]!) acc.fee += Math.min(lateFee, Math.max(feeCap - acc.fee, 0));
    if (t < co) {
      const todays = loan.payments
        .filter((p) => day(p.date) === t)
        .sort((a, b) => a.cash - b.cash || (a.penalty ?? -1) - (b.penalty ?? -1));
      for (const p of todays) {
        if (p.penalty === null) unapplied += pay(p.cash, rule.allocation_order);
        else {
          // the servicer's split: its penalty part to the charges, the rest to the schedule, then any surplus to the charges
          unapplied += pay(p.penalty, chargeOrder);
          const toSchedule = p.cash - p.penalty;
          if (toSchedule < 0) P += toSchedule;
          else unapplied += pay(pay(toSchedule, ['scheduled']), chargeOrder);
        }
      }
    }
    for (const r of loan.restructures.filter((x) => day(x.date) === t)) {
      P += Math.min(r.amount, Math.max(total - P, 0));
      if (rule.waive_on_restructure && t < co) for (const c of chargeOrder) waived[c] += Math.max(owed(c), 0);
    }
    if (t < co)
      for (const w of loan.waivers.filter((x) => day(x.date) === t)) {
        let left = w.amount;
        for (const c of chargeOrder) {
          const part = Math.min(left, Math.max(owed(c), 0));
          waived[c] += part;
          left -= part;
        }
      }
    const { op, oi } = overdue(k);
    if (t < co) {
      acc.penalty_interest += roundCents(op * dailyRate);
      if (rule.compound_interest) acc.compound_interest += roundCents(oi * dailyRate);
    }
    if (!wanted.has(t)) continue;
    const io = cum.findIndex((c) => c > P);
    const oldestDue = io < 0 ? null : day(loan.inst[io]!.due);
    const dpd =
      oldestDue !== null && oldestDue + s.graceDays < t
        ? t - oldestDue - (s.dpdConvention === 'grace_end' ? s.graceDays : 0)
        : 0;
    const status = t >= co ? 'charged_off' : io < 0 ? 'paid_off' : 'active';
    na = dpd >= rule.non_accrual_dpd || (na && dpd > 0);
    const off = na || status === 'charged_off';
    // settled or sold after its write-off: nothing is owed to the lender; the charges' history stays
    const gone = status === 'charged_off' && loan.closed != null && t >= day(loan.closed);
    const o = (x: number) => (gone ? 0 : x);
    const arrears = oi + owed('penalty_interest') + owed('compound_interest');
    const charges = acc.penalty_interest + acc.compound_interest;
    const paidCharges = paid.penalty_interest + paid.compound_interest + paid.fee;
    const c = (x: number) => x / 100;
    rows.push({
      loan_id: loan.loan_id,
      date: iso(t),
      status,
      dpd,
      accrual_status: gone
        ? 'closed'
        : status === 'charged_off'
          ? 'charged_off'
          : status === 'paid_off'
            ? 'paid_off'
            : na
              ? 'non_accrual'
              : 'accruing',
      penalty_interest: c(acc.penalty_interest),
      compound_interest: c(acc.compound_interest),
      fees: c(acc.fee),
      penalty_paid: c(paid.penalty_interest),
      compound_paid: c(paid.compound_interest),
      fees_paid: c(paid.fee),
      penalty_waived: c(waived.penalty_interest),
      compound_waived: c(waived.compound_interest),
      fees_waived: c(waived.fee),
      unapplied: c(unapplied),
      overdue_principal: c(o(op)),
      overdue_interest: c(o(oi)),
      interest_arrears_on_bs: c(o(off ? 0 : arrears)),
      interest_arrears_off_bs: c(o(off ? arrears : 0)),
      amount_to_cure: c(o(op + oi + owed('penalty_interest') + owed('compound_interest') + owed('fee'))),
      charges_accrued_in_month: c(charges - prevCharges),
      charges_paid_in_month: c(paidCharges - prevPaid),
    });
    prevCharges = charges;
    prevPaid = paidCharges;
  }
  return rows;
}
