import {
  attribute,
  contactsByLoan,
  placementsByLoan,
  type IncentiveContact,
  type IncentivePlacement,
} from './attribution.ts';
import type { IncentiveBreach } from './breaches.ts';
import {
  bucketOfDpd,
  commissionRate,
  cureBonusOf,
  deductionOf,
  multiplierOf,
  stageOfDpd,
  type IncentiveScheme,
  type IncentiveStage,
} from './scheme.ts';

/** Cash received on a loan in the month: a payment, or a recovery/settlement event. */
export interface IncentiveCash {
  cash_id: string;
  loan_id: string;
  date: string;
  amount: number;
  source: 'payment' | 'recovery' | 'settlement';
  /** the loan's DPD on the day before this cash is applied */
  dpd: number;
  /** charged off on or before the date: recovery, late stage */
  charged_off: boolean;
}

/** A loan current or paid off (C, PO) at the month-end that was delinquent at the month-end before. */
export interface IncentiveCure {
  loan_id: string;
  month_end: string;
  from_bucket: string;
  /** C, or PO when the loan was paid off */
  to_bucket?: string;
}

/** A promise to pay (by an agent, not an agency) whose deadline — promised date + grace — falls in the month. */
export interface IncentivePromise {
  action_id: string;
  loan_id: string;
  agent_id: string;
  team: string;
  action_date: string;
  deadline: string;
  promised_amount: number | null;
  /** paid on the loan from the promise's day to its deadline */
  paid: number;
  /** the promise lifecycle's state at the month-end (kept, partial, broken), when judged by it */
  status?: string;
}

export interface IncentiveInputs {
  /** YYYY-MM */
  month: string;
  month_end: string;
  contacts: IncentiveContact[];
  cash: IncentiveCash[];
  cures: IncentiveCure[];
  promises: IncentivePromise[];
  breaches: IncentiveBreach[];
  /** the loans' agency placements in force in the month (absent: none) */
  placements?: IncentivePlacement[];
}

export const evidenceKinds = ['commission', 'cure_bonus', 'multiplier', 'cap', 'deduction', 'floor'] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

/** One line of an award: the values of an agent's lines add up to the agent's award. */
export interface EvidenceRow {
  month: string;
  agent_id: string;
  team: string;
  kind: EvidenceKind;
  loan_id: string;
  /** payment or event id (commission), month-end (cure), breach id (deduction) */
  ref_id: string;
  /** the action the amount or cure is credited to, or the breaching action */
  action_id: string;
  date: string;
  stage: string;
  bucket: string;
  /** what the line applies to: the amount recovered, the gross award, the breach's rule as 1 */
  base: number;
  /** the share, the multiplier or the per-item amount applied */
  rate: number;
  value: number;
  note: string;
}

export interface AgentAward {
  month: string;
  agent_id: string;
  team: string;
  recovered: number;
  payments: number;
  commission: number;
  cures: number;
  cure_bonus: number;
  promises: number;
  kept_promises: number;
  kept_rate: number | null;
  multiplier: number;
  multiplier_effect: number;
  cap_reduction: number;
  breaches: number;
  deductions: number;
  /** added back when deductions exceed the capped award: an award is never negative */
  floor: number;
  award: number;
}

/** The amounts of an award: a team's are its agents' summed; CSV writes them to the cent. */
export const awardAmounts = [
  'recovered',
  'commission',
  'cure_bonus',
  'multiplier_effect',
  'cap_reduction',
  'deductions',
  'floor',
  'award',
] as const satisfies readonly (keyof AgentAward)[];

export interface TeamAward {
  month: string;
  team: string;
  agents: number;
  recovered: number;
  commission: number;
  cure_bonus: number;
  multiplier_effect: number;
  cap_reduction: number;
  deductions: number;
  floor: number;
  award: number;
  agents_capped: number;
}

/** Cash no agent earns: the agency's, with no agent on the contact, or with no contact in the window. */
export interface UnattributedCash {
  cash_id: string;
  loan_id: string;
  date: string;
  amount: number;
  source: string;
  stage: string;
  bucket: string;
  reason: 'agency' | 'no_agent' | 'no_contact';
  /** the agency's id for `agency` */
  by: string;
  action_id: string;
}

export interface IncentiveResult {
  month: string;
  month_end: string;
  attribution_days: number;
  agents: AgentAward[];
  teams: TeamAward[];
  evidence: EvidenceRow[];
  unattributed: UnattributedCash[];
  /** cash on loans current before it: instalments paid on time, no recovery */
  current_cash: number;
}

// money is summed in cents: a share of each payment rounded once, never a float sum of floats
const cents = (x: number) => Math.round(x * 100);
const units = (c: number) => c / 100;

interface Acc {
  agent_id: string;
  team: string;
  teamAt: string;
  recovered: number;
  payments: number;
  commission: number;
  cures: number;
  cure_bonus: number;
  promises: number;
  kept: number;
  breaches: number;
  deductions: number;
  lines: EvidenceRow[];
}

/**
 * Each agent's award for the month under the scheme, with its evidence:
 * commission = Σ share(stage, bucket at the payment) × amount over the payments credited to the
 * agent's contacts (attribution.ts); cure bonus per cure credited the same way at the month-end;
 * gross = (commission + cure bonus) × the kept-promise band's multiplier; capped at the monthly cap;
 * less deductions per contact-rule breach; never below zero. A team's award is its agents' sum.
 */
export function computeAwards(inputs: IncentiveInputs, scheme: IncentiveScheme): IncentiveResult {
  const month = inputs.month;
  const byLoan = contactsByLoan(inputs.contacts);
  const placed = placementsByLoan(inputs.placements ?? []);
  const accs = new Map<string, Acc>();
  const acc = (agent: string, team: string, at: string): Acc => {
    let a = accs.get(agent);
    if (!a) {
      a = {
        agent_id: agent,
        team,
        teamAt: at,
        recovered: 0,
        payments: 0,
        commission: 0,
        cures: 0,
        cure_bonus: 0,
        promises: 0,
        kept: 0,
        breaches: 0,
        deductions: 0,
        lines: [],
      };
      accs.set(agent, a);
    }
    // an agent's team is the one on his latest action seen (a move between teams mid-month goes to the new one)
    if (at > a.teamAt) {
      a.team = team;
      a.teamAt = at;
    }
    return a;
  };
  const line = (a: Acc, l: Omit<EvidenceRow, 'month' | 'agent_id' | 'team'>) =>
    a.lines.push({ month, agent_id: a.agent_id, team: '', ...l });

  const unattributed: UnattributedCash[] = [];
  let currentCash = 0;
  for (const p of [...inputs.cash].sort((x, y) => (x.date + x.cash_id < y.date + y.cash_id ? -1 : 1))) {
    const stage: IncentiveStage | undefined = stageOfDpd(p.dpd, p.charged_off);
    const bucket = bucketOfDpd(p.dpd, p.charged_off);
    if (!stage) {
      currentCash += cents(p.amount);
      continue;
    }
    const who = attribute(byLoan, p.loan_id, p.date, scheme.attribution_days, placed);
    if (who.to !== 'agent') {
      unattributed.push({
        cash_id: p.cash_id,
        loan_id: p.loan_id,
        date: p.date,
        amount: p.amount,
        source: p.source,
        stage,
        bucket,
        reason: who.to === 'agency' ? 'agency' : who.reason,
        by: who.to === 'agency' ? who.agency : '',
        action_id: who.contact?.action_id ?? '',
      });
      continue;
    }
    const a = acc(who.contact.agent_id, who.contact.team, who.contact.action_date);
    const rate = commissionRate(scheme, stage, bucket);
    const value = Math.round(cents(p.amount) * rate);
    a.recovered += cents(p.amount);
    a.payments += 1;
    a.commission += value;
    line(a, {
      kind: 'commission',
      loan_id: p.loan_id,
      ref_id: p.cash_id,
      action_id: who.contact.action_id,
      date: p.date,
      stage,
      bucket,
      base: p.amount,
      rate,
      value: units(value),
      note: `${p.source} ${daysBetweenText(who.contact.action_date, p.date)} after ${who.contact.channel} contact`,
    });
  }

  for (const c of inputs.cures) {
    const who = attribute(byLoan, c.loan_id, c.month_end, scheme.attribution_days, placed);
    if (who.to !== 'agent') continue;
    const a = acc(who.contact.agent_id, who.contact.team, who.contact.action_date);
    const bonus = cents(cureBonusOf(scheme, c.from_bucket));
    a.cures += 1;
    a.cure_bonus += bonus;
    line(a, {
      kind: 'cure_bonus',
      loan_id: c.loan_id,
      ref_id: c.month_end,
      action_id: who.contact.action_id,
      date: c.month_end,
      stage: '',
      bucket: c.from_bucket,
      base: 1,
      rate: units(bonus),
      value: units(bonus),
      note: `${c.from_bucket} → ${c.to_bucket ?? 'C'} at the month-end`,
    });
  }

  for (const p of inputs.promises) {
    if (p.agent_id === '') continue;
    const a = acc(p.agent_id, p.team, p.action_date);
    a.promises += 1;
    if (isKept(p)) a.kept += 1;
  }

  for (const b of inputs.breaches) {
    if (b.agent_id === '') continue;
    const a = acc(b.agent_id, b.team, b.date);
    const d = cents(deductionOf(scheme, b.rule));
    a.breaches += 1;
    a.deductions += d;
    line(a, {
      kind: 'deduction',
      loan_id: b.loan_id,
      ref_id: b.breach_id,
      action_id: b.action_id,
      date: b.date,
      stage: '',
      bucket: '',
      base: 1,
      rate: units(d),
      value: -units(d),
      note: `breach of ${b.rule}`,
    });
  }

  const agents: AgentAward[] = [];
  const evidence: EvidenceRow[] = [];
  const capCents = cents(scheme.cap_per_agent_month);
  for (const a of [...accs.values()].sort((x, y) => (x.agent_id < y.agent_id ? -1 : 1))) {
    const keptRate = a.promises > 0 ? a.kept / a.promises : null;
    const multiplier = multiplierOf(scheme, keptRate, a.promises);
    const base = a.commission + a.cure_bonus;
    const effect = Math.round(base * multiplier) - base;
    const gross = base + effect;
    const capReduction = Math.min(0, capCents - gross);
    const capped = gross + capReduction;
    const floor = Math.max(0, a.deductions - capped);
    const award = capped - a.deductions + floor;
    const extra = (kind: EvidenceKind, b: number, rate: number, value: number, note: string) =>
      line(a, {
        kind,
        loan_id: '',
        ref_id: '',
        action_id: '',
        date: inputs.month_end,
        stage: '',
        bucket: '',
        base: b,
        rate,
        value,
        note,
      });
    if (effect !== 0)
      extra(
        'multiplier',
        units(base),
        multiplier,
        units(effect),
        `kept ${a.kept} of ${a.promises} promises due in the month`,
      );
    if (capReduction !== 0) extra('cap', units(gross), units(capCents), units(capReduction), 'monthly cap');
    if (floor !== 0) extra('floor', units(capped - a.deductions), 0, units(floor), 'deductions beyond the award');
    for (const l of a.lines) evidence.push({ ...l, team: a.team });
    agents.push({
      month,
      agent_id: a.agent_id,
      team: a.team,
      recovered: units(a.recovered),
      payments: a.payments,
      commission: units(a.commission),
      cures: a.cures,
      cure_bonus: units(a.cure_bonus),
      promises: a.promises,
      kept_promises: a.kept,
      kept_rate: keptRate,
      multiplier,
      multiplier_effect: units(effect),
      cap_reduction: units(capReduction),
      breaches: a.breaches,
      deductions: -units(a.deductions),
      floor: units(floor),
      award: units(award),
    });
  }
  return {
    month,
    month_end: inputs.month_end,
    attribution_days: scheme.attribution_days,
    agents,
    teams: teamsOf(agents),
    evidence,
    unattributed,
    current_cash: units(currentCash),
  };
}

const daysBetweenText = (from: string, to: string) => {
  const d = Math.round((Date.parse(to) - Date.parse(from)) / 864e5);
  return d === 1 ? '1 day' : `${d} days`;
};

/**
 * Kept (SPEC §5): the lifecycle's state when given; else paid from the promise to its deadline at least
 * the promised amount (with no amount: anything paid).
 */
export const isKept = (p: IncentivePromise) =>
  p.status !== undefined
    ? p.status === 'kept'
    : p.promised_amount === null
      ? p.paid > 0
      : cents(p.paid) >= cents(p.promised_amount);

export function teamsOf(agents: readonly AgentAward[]): TeamAward[] {
  const m = new Map<string, TeamAward>();
  for (const a of agents) {
    const t = m.get(a.team) ?? {
      month: a.month,
      team: a.team,
      agents: 0,
      recovered: 0,
      commission: 0,
      cure_bonus: 0,
      multiplier_effect: 0,
      cap_reduction: 0,
      deductions: 0,
      floor: 0,
      award: 0,
      agents_capped: 0,
    };
    t.agents += 1;
    t.agents_capped += a.cap_reduction < 0 ? 1 : 0;
    for (const k of awardAmounts) t[k] = units(cents(t[k]) + cents(a[k]));
    m.set(a.team, t);
  }
  return [...m.values()].sort((x, y) => (x.team < y.team ? -1 : 1));
}
