/** A collection action that reached the borrower (outcome contacted, promise_to_pay or paid). */
export interface IncentiveContact {
  action_id: string;
  loan_id: string;
  action_date: string;
  channel: string;
  /** '' when the action names no agent; the agency's id on an agency action */
  agent_id: string;
  team: string;
  /** HH:MM as recorded, '' when unknown (an unknown time cannot be shown to be later) */
  action_time: string;
}

/** Outcomes that count as a contact for attribution; no_contact, refused and wrong_party earn nothing. */
export const contactOutcomes = ['contacted', 'promise_to_pay', 'paid'] as const;

/** A loan's agency placement: the days from `from` to `to` (both in) are the agency's to collect. */
export interface IncentivePlacement {
  loan_id: string;
  agency: string;
  from: string;
  to: string;
}

/** Who an amount (or a cure) goes to: an agent, the agency the loan is placed with or whose contact was last, or nobody. */
export type Attribution =
  | { to: 'agent'; contact: IncentiveContact }
  | { to: 'agency'; agency: string; contact?: IncentiveContact }
  | { to: 'none'; reason: 'no_contact' | 'no_agent'; contact?: IncentiveContact };

const dayNumber = (d: string) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 864e5;

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export const daysBetween = (a: string, b: string) => dayNumber(b) - dayNumber(a);

/**
 * Contacts per loan, latest first — in the recorded order every other part of the product uses
 * (contact-rules.ts contactOrder: date, then time, an unknown time first, then action id) — for
 * repeated look-ups. By date and id alone, a 19:04 call won the credit from the 20:22 promise after it.
 */
export function contactsByLoan(contacts: readonly IncentiveContact[]): Map<string, IncentiveContact[]> {
  const m = new Map<string, IncentiveContact[]>();
  for (const c of contacts) {
    const list = m.get(c.loan_id) ?? [];
    list.push(c);
    m.set(c.loan_id, list);
  }
  const later = (x: IncentiveContact, y: IncentiveContact) =>
    x.action_date !== y.action_date
      ? x.action_date > y.action_date
      : x.action_time !== y.action_time
        ? x.action_time > y.action_time
        : x.action_id > y.action_id;
  for (const list of m.values()) list.sort((x, y) => (later(x, y) ? -1 : later(y, x) ? 1 : 0));
  return m;
}

/** Placements per loan, for repeated look-ups. */
export function placementsByLoan(placements: readonly IncentivePlacement[]): Map<string, IncentivePlacement[]> {
  const m = new Map<string, IncentivePlacement[]>();
  for (const p of placements) m.set(p.loan_id, [...(m.get(p.loan_id) ?? []), p]);
  return m;
}

/**
 * The attribution rule: an amount received on `date` (or a cure seen at a month-end) while the loan
 * is placed with an agency (a day of a placement's window) is the agency's — it collects it and is
 * paid commission on it (agency_performance), so no in-house agent is paid on it too. Otherwise it
 * goes to one action only — the loan's last contact on or before the date and at most `days` days
 * before it (day N in, day N + 1 out; several on the last day: the latest recorded, by time, then action id). That contact
 * is the agent's; when it is an agency's (channel `agency`) the amount is the agency's recovery, not
 * an agent's; with no agent on it, or no contact in the window, it is unattributed.
 */
export function attribute(
  byLoan: ReadonlyMap<string, readonly IncentiveContact[]>,
  loanId: string,
  date: string,
  days: number,
  placements: ReadonlyMap<string, readonly IncentivePlacement[]> = new Map(),
): Attribution {
  const placed = placements.get(loanId)?.find((p) => p.from <= date && date <= p.to);
  if (placed) return { to: 'agency', agency: placed.agency };
  for (const c of byLoan.get(loanId) ?? []) {
    if (c.action_date > date) continue;
    if (daysBetween(c.action_date, date) > days) break;
    if (c.channel === 'agency') return { to: 'agency', agency: c.agent_id, contact: c };
    if (c.agent_id === '') return { to: 'none', reason: 'no_agent', contact: c };
    return { to: 'agent', contact: c };
  }
  return { to: 'none', reason: 'no_contact' };
}
