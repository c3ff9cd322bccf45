import { promiseStatesRef } from './promises-reference.ts';

/**
 * Independent plain-TypeScript versions of the SPEC §5 metrics, computed from base rows
 * (DPD, status, balances, raw payments/events/actions) — never from the derived columns
 * (prev_bucket, ever bits, default_flag) the SQL uses. Money in integer cents.
 */
export interface LM {
  loan_id: string;
  month_end: string;
  cohort_month: string;
  mob: number;
  dpd: number;
  bucket: string;
  status: string;
  five_class: string;
  principal_balance: number;
  original_principal: number;
  product: string;
}
export interface Loan {
  loan_id: string;
  origination_date: string;
  principal: number;
  product: string;
}
export interface Cash {
  loan_id: string;
  date: string;
  amount: number;
}
export interface Action {
  action_id: string;
  loan_id: string;
  action_date: string;
  channel: string;
  outcome: string;
  promised_amount: number | null;
  promised_date: string | null;
}

const c = (x: number) => Math.round(x * 100);
const monthIdx = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
const monthEnd = (idx: number) =>
  new Date(Date.UTC(Math.floor(idx / 12), (idx % 12) + 1, 0)).toISOString().slice(0, 10);
const monthStart = (idx: number) => `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}-01`;
const days = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
const isoDay = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
const group = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) (m.get(key(x)) ?? m.set(key(x), []).get(key(x))!).push(x);
  return m;
};
const byLoan = (rows: LM[]) => {
  const g = group(rows, (r) => r.loan_id);
  for (const v of g.values()) v.sort((a, b) => a.month_end.localeCompare(b.month_end));
  return g;
};

export function overdueRef(rows: LM[], asOf: string) {
  const out = new Map<
    string,
    { outstanding: number; m1plus: number; m2plus: number; m3plus: number; m4plus: number; npl: number }
  >();
  for (const r of rows) {
    if (r.month_end > asOf) continue;
    const o = out.get(r.month_end) ?? { outstanding: 0, m1plus: 0, m2plus: 0, m3plus: 0, m4plus: 0, npl: 0 };
    if (r.status === 'active') {
      const b = c(r.principal_balance);
      o.outstanding += b;
      if (r.dpd > 0) o.m1plus += b;
      if (r.dpd > 30) o.m2plus += b;
      if (r.dpd > 60) o.m3plus += b;
      if (r.dpd > 90) o.m4plus += b;
      if (['substandard', 'doubtful', 'loss'].includes(r.five_class)) o.npl += b;
    }
    out.set(r.month_end, o);
  }
  return out;
}

export function vintageRef(loans: Loan[], rows: LM[], asOf: string, grain: 'month' | 'quarter' = 'month') {
  const cohortIdx = (d: string) => (grain === 'month' ? monthIdx(d) : Math.floor(monthIdx(d) / 3) * 3);
  const first = new Map<string, number[]>(); // loan → first MOB with DPD > 0/30/60/90 (Infinity when never)
  for (const [id, rs] of byLoan(rows.filter((r) => r.month_end <= asOf))) {
    first.set(
      id,
      [0, 30, 60, 90].map((x) => rs.find((r) => r.dpd > x)?.mob ?? Infinity),
    );
  }
  const over = new Map<string, number[]>(); // cohort|mob → active balance over X
  for (const r of rows) {
    if (r.month_end > asOf || r.status !== 'active') continue;
    const k = `${monthStart(cohortIdx(r.cohort_month))}|${r.mob}`;
    const v = over.get(k) ?? [0, 0, 0, 0];
    [0, 30, 60, 90].forEach((x, i) => {
      if (r.dpd > x) v[i]! += c(r.principal_balance);
    });
    over.set(k, v);
  }
  const out = new Map<string, { cohort_total: number; ever: number[]; coincident: number[] }>();
  for (const [cohort, ls] of group(
    loans.filter((l) => l.origination_date <= asOf),
    (l) => monthStart(cohortIdx(l.origination_date)),
  )) {
    const total = ls.reduce((s, l) => s + c(l.principal), 0);
    const maxMob = Math.max(0, monthIdx(asOf) - (monthIdx(cohort) + (grain === 'quarter' ? 2 : 0)));
    for (let mob = 0; mob <= maxMob; mob++) {
      const ever = [0, 1, 2, 3].map((i) =>
        ls.filter((l) => (first.get(l.loan_id)?.[i] ?? Infinity) <= mob).reduce((s, l) => s + c(l.principal), 0),
      );
      out.set(`${cohort}|${mob}`, {
        cohort_total: total,
        ever,
        coincident: over.get(`${cohort}|${mob}`) ?? [0, 0, 0, 0],
      });
    }
  }
  return out;
}

/** consecutive month-end pairs (t from a non-terminal bucket, t + 1 ≤ asOf), weighted by the balance at t */
export function transitionsRef(rows: LM[], asOf: string) {
  const pairs: { from: string; to: string; weight: number; fromMonth: string }[] = [];
  for (const rs of byLoan(rows.filter((r) => r.month_end <= asOf)).values()) {
    for (let i = 0; i + 1 < rs.length; i++) {
      const a = rs[i]!;
      const b = rs[i + 1]!;
      if (a.status !== 'active' || monthIdx(b.month_end) !== monthIdx(a.month_end) + 1) continue;
      pairs.push({ from: a.bucket, to: b.bucket, weight: c(a.principal_balance), fromMonth: a.month_end });
    }
  }
  return pairs;
}

export function flowRateRef(rows: LM[], asOf: string, order: string[]) {
  const bal = new Map<string, number>();
  for (const r of rows)
    if (r.month_end <= asOf && r.status !== 'paid_off')
      bal.set(
        `${r.month_end}|${r.bucket}|${r.status}`,
        (bal.get(`${r.month_end}|${r.bucket}|${r.status}`) ?? 0) + c(r.principal_balance),
      );
  const get = (me: string, b: string, active: boolean) =>
    [...bal]
      .filter(([k]) => k.startsWith(`${me}|${b}|`) && (!active || k.endsWith('|active')))
      .reduce((s, [, v]) => s + v, 0);
  const out = new Map<string, { from: number; to: number }>();
  const months = [...new Set(rows.map((r) => r.month_end))].filter((m) => m < asOf);
  for (const me of months)
    for (const b of order.slice(0, -1)) {
      const from = get(me, b, true);
      if (from === 0 && !rows.some((r) => r.month_end === me && r.bucket === b && r.status === 'active')) continue;
      const next = order[order.indexOf(b) + 1]!;
      const o = out.get(b) ?? { from: 0, to: 0 };
      o.from += from;
      o.to += get(monthEnd(monthIdx(me) + 1), next, false);
      out.set(b, o);
    }
  return out;
}

export function migrationRef(rows: LM[], pFrom: string, pTo: string) {
  const rank = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];
  const out = new Map<string, { start: number; reduced: number; migrated: number }>();
  for (const rs of byLoan(rows).values()) {
    const s = rs.find((r) => r.month_end === pFrom && r.status === 'active');
    if (!s) continue;
    const e = rs.filter((r) => r.month_end > pFrom && r.month_end <= pTo).pop();
    const o = out.get(s.five_class) ?? { start: 0, reduced: 0, migrated: 0 };
    o.start += c(s.principal_balance);
    o.reduced +=
      e?.status !== 'active' ? c(s.principal_balance) : Math.max(c(s.principal_balance) - c(e.principal_balance), 0);
    if (e?.status === 'active' && rank.indexOf(e.five_class) > rank.indexOf(s.five_class))
      o.migrated += c(e.principal_balance);
    out.set(s.five_class, o);
  }
  return out;
}

/** default = first month-end with DPD > 90 or charged off, from DPD and status only */
function defaultsRef(rows: LM[], asOf: string) {
  const out = new Map<string, { me: string; ead: number }>();
  for (const [id, rs] of byLoan(rows.filter((r) => r.month_end <= asOf))) {
    const d = rs.find((r) => r.dpd > 90 || r.status === 'charged_off');
    if (d) out.set(id, { me: d.month_end, ead: c(d.principal_balance) });
  }
  return out;
}

export function recoveryRef(rows: LM[], cash: Cash[], asOf: string) {
  const defs = defaultsRef(rows, asOf);
  const cashBy = group(
    cash.filter((x) => x.date <= asOf),
    (x) => x.loan_id,
  );
  const out = new Map<string, { ead: number; recovered: number; loans: number; over: number }>();
  for (const [id, d] of defs) {
    const flows = (cashBy.get(id) ?? []).filter((x) => x.date > d.me);
    const cohort = monthStart(monthIdx(d.me));
    for (let k = 0; k <= monthIdx(asOf) - monthIdx(d.me); k++) {
      const key = `${cohort}|${k}`;
      const o = out.get(key) ?? { ead: 0, recovered: 0, loans: 0, over: 0 };
      o.ead += d.ead;
      o.loans += 1;
      const byK = flows.filter((x) => monthIdx(x.date) - monthIdx(d.me) <= k).reduce((s, x) => s + c(x.amount), 0);
      o.recovered += byK;
      // the loans whose cash had exceeded the EAD by month k (cash after default is never negative here)
      if (byK > d.ead) o.over += 1;
      out.set(key, o);
    }
  }
  return out;
}

export function lgdRef(
  rows: LM[],
  cash: Cash[],
  events: { loan_id: string; event_date: string; type: string }[],
  asOf: string,
) {
  const defs = defaultsRef(rows, asOf);
  let ead = 0;
  let recovered = 0;
  let closed = 0;
  let open = 0;
  for (const [id, d] of defs) {
    const byEvent = events.some(
      (e) =>
        e.loan_id === id && e.event_date <= asOf && ['settlement', 'debt_sale', 'collateral_sale'].includes(e.type),
    );
    const paidOff = rows.some(
      (r) => r.loan_id === id && r.status === 'paid_off' && r.month_end >= d.me && r.month_end <= asOf,
    );
    if (!(byEvent || paidOff)) {
      open++;
      continue;
    }
    closed++;
    ead += d.ead;
    recovered += cash
      .filter((x) => x.loan_id === id && x.date > d.me && x.date <= asOf)
      .reduce((s, x) => s + c(x.amount), 0);
  }
  return { ead, recovered, closed, open };
}

/**
 * Stage of an action: the loan's bucket on the action's day (C/PO current, M1 early, M2–M3 mid, later
 * late, no state that day unknown).
 */
const actionStage = (bucket: string | undefined) =>
  bucket === undefined
    ? 'unknown'
    : bucket === 'C' || bucket === 'PO'
      ? 'current'
      : bucket === 'M1'
        ? 'early'
        : bucket === 'M2' || bucket === 'M3'
          ? 'mid'
          : 'late';

/**
 * `dayBucket`: each action's loan's bucket on the action's day (`loan|day`, from the reference's own
 * DPD on any day: referenceDelinquencyOn, or a tape loan's latest month-end row by then);
 * `allActions`: every action up to the date, for the promises' payment attribution (promises before
 * the window take their share); `by`: the dimension the rows are keyed by. A cure: the loan was past
 * due on the action's day and is current or paid off at the first month-end after that day.
 */
export function collectionsRef(
  rows: LM[],
  actions: Action[],
  payments: Cash[],
  asOf: string,
  dayBucket: Map<string, string>,
  allActions = actions,
  by: 'channel' | 'stage' = 'channel',
) {
  const promiseStates = promiseStatesRef(allActions, payments, asOf);
  const bucketAt = new Map(rows.map((r) => [`${r.loan_id}|${r.month_end}`, r.bucket]));
  const actsBy = group(actions, (a) => a.loan_id);
  const collected = new Map<string, number>();
  for (const p of payments) {
    if (p.date > asOf) continue;
    const last = (actsBy.get(p.loan_id) ?? [])
      .filter((a) => a.action_date <= p.date)
      .sort((a, b) => a.action_date.localeCompare(b.action_date) || a.action_id.localeCompare(b.action_id))
      .pop();
    if (last && days(p.date) - days(last.action_date) <= 30)
      collected.set(last.action_id, (collected.get(last.action_id) ?? 0) + c(p.amount));
  }
  const out = new Map<
    string,
    {
      actions: number;
      contacts: number;
      promises: number;
      matured: number;
      kept: number;
      collected: number;
      past_due: number;
      cures: number;
    }
  >();
  for (const a of actions) {
    if (a.action_date > asOf) continue;
    const stage = actionStage(dayBucket.get(`${a.loan_id}|${a.action_date}`));
    const key = by === 'channel' ? a.channel : stage;
    const o = out.get(key) ?? {
      actions: 0,
      contacts: 0,
      promises: 0,
      matured: 0,
      kept: 0,
      collected: 0,
      past_due: 0,
      cures: 0,
    };
    o.actions++;
    if (['contacted', 'promise_to_pay', 'refused', 'paid'].includes(a.outcome)) o.contacts++;
    if (a.outcome === 'promise_to_pay') {
      o.promises++;
      const until = new Date((days(a.promised_date ?? a.action_date) + 3) * 86_400_000).toISOString().slice(0, 10);
      if (until <= asOf) {
        o.matured++;
        if (promiseStates.get(a.action_id)?.status === 'kept') o.kept++;
      }
    }
    o.collected += collected.get(a.action_id) ?? 0;
    const pastDue = stage === 'early' || stage === 'mid' || stage === 'late';
    if (pastDue) o.past_due++;
    // the first month-end after the action's day (the next month's for an action on a month-end)
    const curedAt = monthEnd(monthIdx(isoDay(days(a.action_date) + 1)));
    const atEnd = bucketAt.get(`${a.loan_id}|${curedAt}`);
    if (pastDue && (atEnd === 'C' || atEnd === 'PO') && curedAt <= asOf) o.cures++;
    out.set(key, o);
  }
  return out;
}
