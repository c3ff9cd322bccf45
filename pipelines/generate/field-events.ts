import { addDays, daysBetween } from './dates.ts';
import type { Installment } from '../../warehouse/schedule/build-schedule.ts';
import type { Rng } from '../../lib/random.ts';
import type { ActionRow, EventRow, LoanHistory } from './simulate-loan.ts';

/**
 * What a collection department records besides payments and contacts: the time of day of each
 * contact, complaints, do-not-contact periods, withdrawn channel consent, waivers and placements
 * with external agencies. Drawn from the loan's own stream (its own Rng, after the loan is
 * simulated), so adding them leaves every loan's payments, defaults and model truth as they were.
 *
 * Contacts mostly keep the industry's hours; a few do not, and a few happen while a loan is under
 * do-not-contact or after consent was withdrawn — the breaches a compliance report must find.
 */
export interface FieldEventTerms {
  asOf: string;
  /** principal still owed at a date (for the balance placed with an agency) */
  balanceAt: (date: string) => number;
}

export const agencies = ['AG01', 'AG02', 'AG03', 'AG04'] as const;
/** how long a placement runs before the lender recalls it (days) */
const placementDays = 90;

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Minutes after midnight of a contact: inside the usual hours of its channel, outside them now and then. */
function contactMinute(rng: Rng, channel: string): number {
  const outside = channel === 'agency' ? 0.04 : channel === 'phone' ? 0.02 : channel === 'visit' ? 0.01 : 0;
  if (rng.chance(outside)) return rng.chance(0.5) ? rng.int(7 * 60, 7 * 60 + 59) : rng.int(21 * 60, 22 * 60 + 30);
  const [from, to] =
    channel === 'sms'
      ? [9 * 60, 20 * 60]
      : channel === 'visit'
        ? [9 * 60, 18 * 60]
        : channel === 'letter' || channel === 'legal'
          ? [9 * 60 + 30, 16 * 60]
          : [8 * 60 + 30, 20 * 60 + 30];
  return rng.int(from, to);
}

const reached = (a: ActionRow) =>
  a.outcome === 'contacted' || a.outcome === 'refused' || a.outcome === 'promise_to_pay';
const event = (date: string, type: string, note: string, amountCents = 0): EventRow => ({
  date,
  type,
  amountCents,
  note,
});

/** Complaints after contacts, a dispute hold after some of them, lifted later. */
function complaintsAndHolds(rng: Rng, h: LoanHistory, asOf: string): EventRow[] {
  const out: EventRow[] = [];
  for (const a of h.actions) {
    if (!reached(a) || (a.channel !== 'phone' && a.channel !== 'visit' && a.channel !== 'agency')) continue;
    if (!rng.chance(a.outcome === 'refused' ? 0.04 : 0.008)) continue;
    const on = addDays(a.date, rng.int(0, 2));
    if (on > asOf) continue;
    out.push(event(on, 'complaint', a.channel === 'agency' ? 'agency conduct' : 'collection conduct'));
    if (rng.chance(0.2)) out.push(event(on, 'waiver', 'complaint_resolution', rng.int(50, 300) * 100));
    if (rng.chance(0.25)) {
      out.push(event(on, 'do_not_contact', 'dispute'));
      const lifted = addDays(on, rng.int(14, 45));
      if (lifted <= asOf) out.push(event(lifted, 'contact_allowed', 'dispute resolved'));
    }
  }
  return out;
}

/** Holds that come from the workout: litigation, a bankruptcy, a death. */
function workoutHolds(rng: Rng, h: LoanHistory, asOf: string): EventRow[] {
  const out: EventRow[] = [];
  const legal = h.events.find((e) => e.type === 'legal_filed');
  if (legal && rng.chance(0.4)) out.push(event(legal.date, 'do_not_contact', 'legal_hold'));
  const chargeOff = h.events.find((e) => e.type === 'charge_off');
  if (chargeOff) {
    const u = rng.next();
    const on = addDays(chargeOff.date, rng.int(20, 180));
    if (on <= asOf && u < 0.02) out.push(event(on, 'do_not_contact', 'bankruptcy'));
    else if (on <= asOf && u < 0.023) out.push(event(on, 'do_not_contact', 'deceased'));
  }
  return out;
}

function consentWithdrawals(rng: Rng, h: LoanHistory, asOf: string): EventRow[] {
  const sms = h.actions.find((a) => a.channel === 'sms');
  if (!sms || !rng.chance(0.015)) return [];
  const on = addDays(sms.date, rng.int(0, 3));
  return on <= asOf ? [event(on, 'consent_withdrawn', 'sms')] : [];
}

/** Part of the late-payment penalty waived for hardship, and arrears interest waived on restructuring. */
function waivers(rng: Rng, h: LoanHistory): EventRow[] {
  const out: EventRow[] = [];
  for (const p of h.payments)
    if (p.penaltyCents > 0 && rng.chance(0.05))
      out.push(event(p.date, 'waiver', 'hardship', Math.max(1, Math.floor(p.penaltyCents * rng.uniform(0.3, 1)))));
  for (const r of h.events)
    if (r.type === 'restructure' && rng.chance(0.6))
      out.push(
        event(r.date, 'waiver', 'restructure', Math.max(1, Math.floor(r.amountCents * rng.uniform(0.01, 0.03)))),
      );
  return out;
}

/** Whether a contact falls in a window in which the loan may not be contacted on its channel. */
function blocked(a: ActionRow, events: readonly EventRow[]): boolean {
  let hold = false;
  let smsRefused = false;
  for (const e of [...events].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))) {
    if (e.date > a.date) break;
    if (e.type === 'do_not_contact') hold = true;
    else if (e.type === 'contact_allowed') hold = false;
    else if (e.type === 'consent_withdrawn' && e.note === 'sms') smsRefused = true;
  }
  return hold || (smsRefused && a.channel === 'sms');
}

/**
 * Agency contacts grouped into placements: a placement a few days before the first agency contact,
 * with the balance then; a recall after the placement period or at the workout's closing sale,
 * whichever comes first; a later agency contact opens a new placement with the next agency.
 */
function placements(rng: Rng, h: LoanHistory, t: FieldEventTerms): EventRow[] {
  const out: EventRow[] = [];
  const closing = h.events.find(
    (e) => e.type === 'settlement' || e.type === 'debt_sale' || e.type === 'collateral_sale',
  );
  let agencyIdx = rng.int(0, agencies.length - 1);
  let open: { agency: string; until: string } | null = null;
  const extra: ActionRow[] = [];
  const agencyContacts = h.actions.filter((a) => a.channel === 'agency').sort((x, y) => (x.date < y.date ? -1 : 1));
  for (const a of agencyContacts) {
    if (open && a.date > open.until) {
      out.push(event(open.until, 'agency_recall', open.agency));
      open = null;
      agencyIdx = (agencyIdx + 1) % agencies.length;
    }
    if (!open) {
      const placedOn = addDays(a.date, -rng.int(1, 5));
      const agency = agencies[agencyIdx]!;
      out.push(event(placedOn, 'agency_placement', agency, t.balanceAt(placedOn)));
      const expiry = addDays(placedOn, placementDays);
      open = { agency, until: closing && closing.date < expiry ? closing.date : expiry };
      extra.push(...agencyFollowUps(rng, placedOn, open, t.asOf));
    }
    a.agentId = open.agency;
    a.team = 'agency';
  }
  if (open && open.until <= t.asOf) out.push(event(open.until, 'agency_recall', open.agency));
  h.actions.push(...extra);
  return out;
}

/** The agency's own calls during a placement (a lender sees them in the agency's monthly report). */
function agencyFollowUps(rng: Rng, placedOn: string, p: { agency: string; until: string }, asOf: string): ActionRow[] {
  const last = p.until < asOf ? p.until : asOf;
  const span = daysBetween(placedOn, last);
  if (span < 1) return [];
  return Array.from({ length: rng.int(1, 4) }, () => {
    const u = rng.next();
    return {
      date: addDays(placedOn, rng.int(1, span)),
      channel: 'agency',
      outcome: u < 0.55 ? 'no_contact' : u < 0.8 ? 'contacted' : u < 0.93 ? 'refused' : 'wrong_party',
      agentId: p.agency,
      team: 'agency',
      promisedCents: null,
      promisedDate: null,
      time: hhmm(contactMinute(rng, 'agency')),
    };
  });
}

/** Adds the field events to a simulated loan (in place): times on actions, new events, actions dropped under holds. */
export function addFieldEvents(rng: Rng, h: LoanHistory, t: FieldEventTerms): void {
  const added = [
    ...complaintsAndHolds(rng, h, t.asOf),
    ...workoutHolds(rng, h, t.asOf),
    ...consentWithdrawals(rng, h, t.asOf),
  ];
  // most contacts a hold forbids are never made; the rest stay as the breaches a compliance report finds
  h.actions = h.actions.filter((a) => !blocked(a, added) || rng.chance(0.1));
  for (const a of h.actions) a.time = hhmm(contactMinute(rng, a.channel));
  added.push(...waivers(rng, h), ...placements(rng, h, t));
  h.events.push(...added.filter((e) => e.date <= t.asOf));
}

/**
 * Principal still owed at a date: payments (less penalties) up to the date pay the installments
 * oldest first, interest before principal (SPEC §4).
 */
export function principalBalanceAt(schedule: readonly Installment[], payments: LoanHistory['payments'], date: string) {
  let paid = payments.reduce((s, p) => (p.date <= date ? s + p.amountCents - p.penaltyCents : s), 0);
  let balance = schedule.reduce((s, i) => s + i.principalCents, 0);
  for (const i of schedule) {
    if (paid <= 0) break;
    paid -= i.interestCents;
    const principal = Math.min(Math.max(0, paid), i.principalCents);
    balance -= principal;
    paid -= principal;
  }
  return balance;
}
