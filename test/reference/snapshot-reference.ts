/**
 * An independent, deliberately plain implementation of SPEC §4 for the
 * schedule + payments path: per loan and date, loops over installments with an
 * explicit interest-then-principal waterfall. It shares no code with the SQL
 * snapshot except the schedule convention (buildSchedule), which is what a
 * loan without a schedule file means.
 */
import { buildSchedule, type RepaymentMethod } from '../../warehouse/schedule/build-schedule.ts';

export interface RefLoan {
  loan_id: string;
  customer_id: string;
  product: string;
  origination_date: string;
  principal: number;
  annual_rate: number;
  term_months: number;
  repayment_method: string;
}
export interface RefInstallment {
  loan_id: string;
  installment_no: number;
  due_date: string;
  principal_due: number;
  interest_due: number;
}
export interface RefPayment {
  loan_id: string;
  paid_date: string;
  amount: number;
  principal_paid: number | null;
  penalty_paid: number | null;
}
export interface RefEvent {
  loan_id: string;
  event_date: string;
  type: string;
  amount: number;
}
export interface RefOverride {
  loan_id: string;
  effective_date: string;
  five_class: string;
  set_at: string;
}
export interface RefSettings {
  graceDays: number;
  dpdConvention: 'due_date' | 'grace_end';
  restructureObservationMonths: number;
  contagionShare: number;
  bucketBounds: number[];
  creditCardProducts: string[];
  nonRetailProducts: string[];
  retail: number[];
  card: number[];
}

export interface RefRow {
  loan_id: string;
  month_end: string;
  mob: number;
  dpd: number;
  bucket: string;
  principal_balance: number;
  overdue_principal: number;
  overdue_interest: number;
  paid_in_month: number;
  status: string;
  five_class: string;
  five_class_rule: string;
  ifrs9_stage: number;
  default_flag: number;
  prev_bucket: string;
  prev_balance: number;
  ever_bits: number;
  new_ever_bits: number;
  next_month_end: string;
}

const cents = (x: number) => Math.round(x * 100);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const isoOf = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
function monthEnds(orig: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(orig.slice(0, 4));
  let m = Number(orig.slice(5, 7)) - 1;
  for (;;) {
    const me = new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
    if (me > last) return out;
    out.push(me);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
}
/** Due-date month arithmetic, the Date-object way (also the oracle of lib/dates' addMonthsClamped). */
export const addMonths = (iso: string, k: number) => {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + k;
  const d = Number(iso.slice(8, 10));
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(yy, mm, Math.min(d, lastDay))).toISOString().slice(0, 10);
};
const classNames = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];

export interface LoanState {
  dpd: number;
  balance: number;
  overduePrincipal: number;
  overdueInterest: number;
  cash: number;
  allPaid: boolean;
}

/** SPEC §4 at one date for one loan, by brute force. */
export function loanStateAt(
  d: string,
  inst: { due: string; pr: number; int: number }[],
  credits: { date: string; applied: number; cash: number; principal: number | null; restructure: boolean }[],
  s: RefSettings,
  explicit: boolean,
): LoanState {
  const upTo = credits.filter((c) => c.date <= d);
  const P = upTo.reduce((a, c) => a + c.applied, 0);
  let left = P;
  let principalAllocated = 0;
  let dpd = 0;
  let overduePrincipal = 0;
  let overdueInterest = 0;
  let cumDue = 0;
  let oldestFound = false;
  for (const i of inst) {
    cumDue += i.pr + i.int;
    const intPaid = Math.min(i.int, left);
    left -= intPaid;
    const prPaid = Math.min(i.pr, left);
    left -= prPaid;
    principalAllocated += prPaid;
    const pastDue = day(i.due) + s.graceDays < day(d);
    const fullyPaid = P >= cumDue;
    if (!fullyPaid && !oldestFound) {
      oldestFound = true;
      if (pastDue) dpd = day(d) - day(i.due) - (s.dpdConvention === 'grace_end' ? s.graceDays : 0);
    }
    if (pastDue) {
      overduePrincipal += i.pr - prPaid;
      overdueInterest += i.int - intPaid;
    }
  }
  const totalPrincipal = inst.reduce((a, i) => a + i.pr, 0);
  const pendingRestructure = credits.filter((c) => c.restructure && c.date > d).reduce((a, c) => a + c.applied, 0);
  const paidPrincipal = explicit
    ? upTo.filter((c) => !c.restructure).reduce((a, c) => a + (c.principal ?? 0), 0)
    : principalAllocated;
  return {
    dpd,
    overduePrincipal,
    overdueInterest,
    allPaid: !oldestFound,
    balance: Math.max(totalPrincipal - paidPrincipal - pendingRestructure, 0),
    cash: upTo.filter((c) => !c.restructure).reduce((a, c) => a + c.cash, 0),
  };
}

/** A loan's installments in cents: its schedule file's rows in installment order, else built from its terms. */
export function referenceInstallments(l: RefLoan, fileRows: readonly RefInstallment[]) {
  const file = [...fileRows].sort((a, b) => a.installment_no - b.installment_no);
  return file.length > 0
    ? file.map((i) => ({ due: i.due_date, pr: cents(i.principal_due), int: cents(i.interest_due) }))
    : buildSchedule({
        originationDate: l.origination_date,
        principalCents: cents(l.principal),
        annualRate: l.annual_rate,
        termMonths: l.term_months,
        method: l.repayment_method as RepaymentMethod,
      }).map((i) => ({ due: i.dueDate, pr: i.principalCents, int: i.interestCents }));
}

/** A loan's schedule (the file's, else built from its terms), charge-off date and credits, as SPEC §4 applies them. */
function loanInputs(
  l: RefLoan,
  sched: Map<string, RefInstallment[]>,
  pays: Map<string, RefPayment[]>,
  evs: Map<string, RefEvent[]>,
) {
  const inst = referenceInstallments(l, sched.get(l.loan_id) ?? []);
  const events = evs.get(l.loan_id) ?? [];
  const co =
    events
      .filter((e) => e.type === 'charge_off')
      .map((e) => e.event_date)
      .sort()[0] ?? null;
  const restructures = events.filter((e) => e.type === 'restructure');
  const lp = pays.get(l.loan_id) ?? [];
  const explicit = lp.length > 0 && lp.every((p) => p.principal_paid !== null);
  const credits = [
    ...lp
      .filter((p) => co === null || p.paid_date < co)
      .map((p) => ({
        date: p.paid_date,
        applied: cents(p.amount) - cents(p.penalty_paid ?? 0),
        cash: cents(p.amount),
        principal: p.principal_paid === null ? null : cents(p.principal_paid),
        restructure: false,
      })),
    ...restructures.map((e) => ({
      date: e.event_date,
      applied: cents(e.amount),
      cash: 0,
      principal: null,
      restructure: true,
    })),
  ];
  return { inst, co, restructures, explicit, credits };
}

/** The bucket of a DPD and status (C, M1…Mn, M{n+1}+, PO, WO). */
const bucketOf = (dpd: number, status: string, bounds: number[]) => {
  const i = bounds.findIndex((b) => dpd <= b);
  return status === 'paid_off'
    ? 'PO'
    : status === 'charged_off'
      ? 'WO'
      : dpd === 0
        ? 'C'
        : i < 0
          ? `M${bounds.length + 1}+`
          : `M${i + 1}`;
};

const byLoan = <T extends { loan_id: string }>(xs: T[]) => {
  const m = new Map<string, T[]>();
  for (const x of xs) (m.get(x.loan_id) ?? m.set(x.loan_id, []).get(x.loan_id)!).push(x);
  return m;
};

/**
 * Schedule loans' DPD and bucket on given days (any day, not only month-ends), keyed `loan|day`;
 * a day before the loan's origination, or a loan not among `input.loans` (a tape loan), has none.
 */
export function referenceDelinquencyOn(
  input: { loans: RefLoan[]; schedule: RefInstallment[]; payments: RefPayment[]; events: RefEvent[] },
  s: RefSettings,
  days: { loan_id: string; day: string }[],
): Map<string, { dpd: number; bucket: string }> {
  const loans = new Map(input.loans.map((l) => [l.loan_id, l]));
  const [sched, pays, evs] = [byLoan(input.schedule), byLoan(input.payments), byLoan(input.events)];
  const out = new Map<string, { dpd: number; bucket: string }>();
  for (const [id, ds] of byLoan(days)) {
    const l = loans.get(id);
    if (!l) continue;
    const { inst, co, explicit, credits } = loanInputs(l, sched, pays, evs);
    for (const { day: d } of ds) {
      if (d < l.origination_date) continue;
      const st = loanStateAt(d, inst, credits, s, explicit);
      const status = co !== null && d >= co ? 'charged_off' : st.allPaid ? 'paid_off' : 'active';
      out.set(`${id}|${d}`, { dpd: st.dpd, bucket: bucketOf(st.dpd, status, s.bucketBounds) });
    }
  }
  return out;
}

export function referenceSnapshot(
  input: {
    loans: RefLoan[];
    schedule: RefInstallment[];
    payments: RefPayment[];
    events: RefEvent[];
    nonRetailCustomers: Set<string>;
    overrides: RefOverride[];
    lastMonthEnd: string;
  },
  s: RefSettings,
): RefRow[] {
  const by = <T extends { loan_id: string }>(xs: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of xs) (m.get(x.loan_id) ?? m.set(x.loan_id, []).get(x.loan_id)!).push(x);
    return m;
  };
  const sched = by(input.schedule);
  const pays = by(input.payments);
  const evs = by(input.events);
  const ovs = by(input.overrides);
  const rows: (RefRow & { customer_id: string; nonRetail: boolean; ord: number })[] = [];
  for (const l of input.loans) {
    const { inst, co, restructures, explicit, credits } = loanInputs(l, sched, pays, evs);
    const isCard = s.creditCardProducts.includes(l.product);
    const nonRetail = input.nonRetailCustomers.has(l.customer_id) || s.nonRetailProducts.includes(l.product);
    let prevCash = 0;
    let everDefault = false;
    let prev: { bucket: string; balance: number; ever: number } | null = null;
    let maxDpd = -1;
    for (const me of monthEnds(l.origination_date, input.lastMonthEnd)) {
      const st = loanStateAt(me, inst, credits, s, explicit);
      const status = co !== null && me >= co ? 'charged_off' : st.allPaid ? 'paid_off' : 'active';
      everDefault ||= st.dpd > 90 || status === 'charged_off';
      const bounds = isCard ? s.card : s.retail;
      const dpdOrd =
        st.dpd === 0 ? 1 : st.dpd <= bounds[0]! ? 2 : st.dpd <= bounds[1]! ? 3 : st.dpd <= bounds[2]! ? 4 : 5;
      const restructureObs = restructures.some(
        (r) => r.event_date <= me && me < addMonths(r.event_date, s.restructureObservationMonths),
      );
      let ord = dpdOrd;
      let rule = isCard ? 'credit_card_dpd_floor' : 'dpd_floor';
      if (status === 'charged_off') {
        ord = 5;
        rule = 'charged_off';
      } else if (restructureObs && ord < 2) {
        ord = 2;
        rule = 'restructure_observation';
      }
      const bIdx = s.bucketBounds.findIndex((b) => st.dpd <= b);
      const bucket =
        status === 'paid_off'
          ? 'PO'
          : status === 'charged_off'
            ? 'WO'
            : st.dpd === 0
              ? 'C'
              : bIdx < 0
                ? `M${s.bucketBounds.length + 1}+`
                : `M${bIdx + 1}`;
      maxDpd = Math.max(maxDpd, st.dpd);
      const ever = (maxDpd > 0 ? 1 : 0) | (maxDpd > 30 ? 2 : 0) | (maxDpd > 60 ? 4 : 0) | (maxDpd > 90 ? 8 : 0);
      // the loan's previous row now knows its next one; the last row has none
      if (prev) rows[rows.length - 1]!.next_month_end = me;
      rows.push({
        loan_id: l.loan_id,
        customer_id: l.customer_id,
        nonRetail,
        ord,
        month_end: me,
        next_month_end: '2149-06-06',
        prev_bucket: prev?.bucket ?? '',
        prev_balance: prev?.balance ?? 0,
        ever_bits: ever,
        new_ever_bits: ever & ~(prev?.ever ?? 0),
        mob:
          (Number(me.slice(0, 4)) - Number(l.origination_date.slice(0, 4))) * 12 +
          Number(me.slice(5, 7)) -
          Number(l.origination_date.slice(5, 7)),
        dpd: st.dpd,
        bucket,
        principal_balance: st.balance / 100,
        overdue_principal: st.overduePrincipal / 100,
        overdue_interest: st.overdueInterest / 100,
        paid_in_month: (st.cash - prevCash) / 100,
        status,
        five_class: classNames[ord - 1]!,
        five_class_rule: rule,
        ifrs9_stage: status === 'charged_off' || st.dpd > 90 ? 3 : st.dpd > 30 ? 2 : 1,
        default_flag: everDefault ? 1 : 0,
      });
      prevCash = st.cash;
      prev = { bucket, balance: st.balance / 100, ever };
      if (status !== 'active') break;
    }
  }
  // contagion among non-retail borrowers' active loans, then manual overrides
  const exposure = new Map<string, { total: number; npl: number }>();
  for (const r of rows) {
    if (!r.nonRetail || r.status !== 'active') continue;
    const k = `${r.customer_id}|${r.month_end}`;
    const e = exposure.get(k) ?? { total: 0, npl: 0 };
    e.total += Math.round(r.principal_balance * 100);
    if (r.ord >= 3) e.npl += Math.round(r.principal_balance * 100);
    exposure.set(k, e);
  }
  return rows.map(({ customer_id, nonRetail, ord, ...r }) => {
    const e = exposure.get(`${customer_id}|${r.month_end}`);
    if (nonRetail && r.status === 'active' && e && e.npl > s.contagionShare * e.total && ord < 3) {
      r.five_class = 'substandard';
      r.five_class_rule = 'contagion';
    }
    const o = (ovs.get(r.loan_id) ?? [])
      .filter((x) => x.effective_date <= r.month_end)
      .sort((a, b) => a.effective_date.localeCompare(b.effective_date) || a.set_at.localeCompare(b.set_at))
      .pop();
    if (o) {
      r.five_class = o.five_class;
      r.five_class_rule = 'manual_override';
    }
    return r;
  });
}

export { isoOf };
