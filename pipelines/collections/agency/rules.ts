import type { AgencyTerms } from '../../../warehouse/workout/agency-terms.ts';
import { addDays } from '../../../lib/dates.ts';
import { UnknownFilterValueError } from '../../../warehouse/metrics/known-values.ts';
import { isChannel } from '../contact-rules.ts';

/**
 * Placement and recall proposals for a date (docs/collections.md, "Agency placement and recall"):
 * pure rules over each loan's state on the date and its placement history, so every criterion is
 * tested at its boundary without a warehouse.
 */

/** One placement of a loan: the agency_placement event and the agency_recall that ended it (null: still placed). */
export interface PlacementRecord {
  placement_id: string;
  agency: string;
  placed_date: string;
  placed_amount: number;
  recalled_date: string | null;
}

export interface LoanPlacementState {
  loan_id: string;
  product: string;
  region: string;
  /** `active` with its DPD and balance on the date; `paid_off` / `charged_off` once closed */
  status: 'active' | 'paid_off' | 'charged_off';
  dpd: number;
  balance: number;
  /** earlier and current placements, oldest first */
  placements: PlacementRecord[];
  /** the do-not-contact reason in force on the date (a do_not_contact event not lifted by a contact_allowed that names no channel), else null */
  hold: string | null;
  /** a promise to pay open on the date (made, deadline not passed, not yet kept): the one falling due first, else null */
  open_promise: { action_id: string; promised_date: string } | null;
}

export type RecallReason = 'do_not_contact' | 'cure' | 'expiry';

export interface Proposal {
  loan_id: string;
  action: 'place' | 'recall';
  agency: string;
  /** place: `rules` (every criterion met); recall: why */
  reason: 'rules' | RecallReason;
  product: string;
  region: string;
  dpd: number;
  balance: number;
  /** place: the date; recall: the open placement's date */
  placed_date: string;
  /** the placement period's last day */
  expires: string;
  previous_placements: number;
}

export interface LoanEvent {
  event_id: string;
  event_date: string;
  type: string;
  note: string;
  amount: number;
}

const byteOrder = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);

/**
 * A loan's placements and do-not-contact hold from its events up to the date, in date order
 * (event id breaks ties, in byte order as the engine sorts: case-placements.ts decides the open
 * placement there by this rule): an agency_recall ends the open placement of the agency it names; a
 * do_not_contact sets the hold, a contact_allowed lifts it unless its note names a channel (that
 * restores one channel's consent: the contact rules read the hold the same way, doNotContactOn).
 */
export function placementHistory(events: readonly LoanEvent[]): { placements: PlacementRecord[]; hold: string | null } {
  const sorted = [...events].sort((a, b) =>
    a.event_date === b.event_date ? byteOrder(a.event_id, b.event_id) : a.event_date < b.event_date ? -1 : 1,
  );
  const placements: PlacementRecord[] = [];
  let hold: string | null = null;
  for (const e of sorted) {
    if (e.type === 'agency_placement')
      placements.push({
        placement_id: e.event_id,
        agency: e.note,
        placed_date: e.event_date,
        placed_amount: e.amount,
        recalled_date: null,
      });
    else if (e.type === 'agency_recall') {
      const open = placements.find((p) => p.recalled_date === null && p.agency === e.note);
      if (open) open.recalled_date = e.event_date;
    } else if (e.type === 'do_not_contact') hold = e.note || 'do_not_contact';
    else if (e.type === 'contact_allowed' && !isChannel(e.note)) hold = null;
  }
  return { placements, hold };
}

const openPlacement = (l: LoanPlacementState) => l.placements.find((p) => p.recalled_date === null);

/** Why an open placement should come back on the date, in this order, or null. */
export function recallReason(l: LoanPlacementState, asOf: string, t: AgencyTerms): RecallReason | null {
  const open = openPlacement(l);
  if (!open) return null;
  if (t.recall_on_do_not_contact && l.hold !== null) return 'do_not_contact';
  if (t.recall_on_cure && (l.status === 'paid_off' || (l.status === 'active' && l.dpd === 0))) return 'cure';
  if (asOf >= addDays(open.placed_date, t.placement_days)) return 'expiry';
  return null;
}

/** Whether a loan with no open placement meets every placement criterion on the date (bounds inclusive). */
export function placeable(l: LoanPlacementState, t: AgencyTerms): boolean {
  return (
    l.status === 'active' &&
    openPlacement(l) === undefined &&
    l.hold === null &&
    (!t.skip_open_promise || l.open_promise === null) &&
    l.dpd >= t.dpd_min &&
    l.dpd <= t.dpd_max &&
    l.balance >= t.balance_min &&
    l.balance <= t.balance_max &&
    (t.products.length === 0 || t.products.includes(l.product)) &&
    l.placements.length <= t.max_previous_placements
  );
}

/**
 * The rules' products the book does not hold, as `--product` words it (nearest value, known ones),
 * else undefined: matched exactly, a wrong case (`Mortgage`) would place nothing without a word.
 */
export function unknownRuleProducts(t: AgencyTerms, knownProducts: string[]): string | undefined {
  const unknown = [...new Set(t.products)].filter((p) => !knownProducts.includes(p));
  if (unknown.length === 0) return undefined;
  return `products: ${new UnknownFilterValueError([{ field: 'product', values: unknown, known: knownProducts }]).message}`;
}

/**
 * Recalls first, then placements: loans meeting the rules, largest balance first (loan id breaks
 * ties), each to the agency with the fewest loans placed with it on the date (open placements not
 * recalled now, plus those proposed so far) among the agencies that have not had the loan before
 * (all of them, when every one has); ties go to the earlier agency of the terms' list. The same
 * book and date always give the same proposals.
 */
export function proposePlacements(loans: readonly LoanPlacementState[], asOf: string, t: AgencyTerms): Proposal[] {
  const out: Proposal[] = [];
  const load = new Map(t.agencies.map((a) => [a.id, 0]));
  const base = (l: LoanPlacementState) => ({
    loan_id: l.loan_id,
    product: l.product,
    region: l.region,
    dpd: l.dpd,
    balance: l.balance,
  });
  for (const l of [...loans].sort((a, b) => a.loan_id.localeCompare(b.loan_id))) {
    const open = openPlacement(l);
    if (!open) continue;
    const reason = recallReason(l, asOf, t);
    if (reason)
      out.push({
        ...base(l),
        action: 'recall',
        agency: open.agency,
        reason,
        placed_date: open.placed_date,
        expires: addDays(open.placed_date, t.placement_days - 1),
        previous_placements: l.placements.length - 1,
      });
    else if (load.has(open.agency)) load.set(open.agency, load.get(open.agency)! + 1);
  }
  const eligible = loans
    .filter((l) => placeable(l, t))
    .sort((a, b) => b.balance - a.balance || a.loan_id.localeCompare(b.loan_id));
  for (const l of eligible) {
    const used = new Set(l.placements.map((p) => p.agency));
    const fresh = t.agencies.filter((a) => !used.has(a.id));
    const pool = fresh.length > 0 ? fresh : t.agencies;
    let pick = pool[0]!;
    for (const a of pool) if (load.get(a.id)! < load.get(pick.id)!) pick = a;
    load.set(pick.id, load.get(pick.id)! + 1);
    out.push({
      ...base(l),
      action: 'place',
      agency: pick.id,
      reason: 'rules',
      placed_date: asOf,
      expires: addDays(asOf, t.placement_days - 1),
      previous_placements: l.placements.length,
    });
  }
  return out;
}

/**
 * The proposals of the loans in these regions (none given: every loan's). Made over the whole book,
 * then kept by region: the rotation's loads are the book's, so the agency proposed for a loan does not
 * depend on which region filter asked for it.
 */
export function proposalsInRegions(
  loans: readonly LoanPlacementState[],
  asOf: string,
  t: AgencyTerms,
  regions?: readonly string[],
): Proposal[] {
  const all = proposePlacements(loans, asOf, t);
  return regions ? all.filter((p) => regions.includes(p.region)) : all;
}
