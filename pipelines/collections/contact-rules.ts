import type { Channel, ContactRules } from './contact-rules-config.ts';
import { weekdays } from './contact-rules-config.ts';
import { addDays, epochDay } from '../../lib/dates.ts';

/**
 * The contact-rule engine (issue 22, item 1): pure functions over one loan's recorded contacts and
 * contact events, so every rule is tested on hand-built loans. Two uses:
 * - `actionBreaches`: did a recorded action break a rule, judged on what was recorded before it
 *   (the compliance report, pipelines/collections/contact-compliance.ts);
 * - `nextAllowed`: the earliest moment on or after a time a channel may be used (the case list's
 *   recommended action, pipelines/cases/contact-filter.ts).
 *
 * Conventions (docs/collections.md): an hour window [from, to) — 08:00 is allowed, 21:00 is not (a
 * call begun at 21:00 runs past it); caps count every recorded action of the channel (attempts
 * too), a day by its date, a week as the date and the six before; a cooling-off of N days stops
 * contacts on the N days after the refusal or complaint (allowed again the day after); a
 * do-not-contact or a withdrawn consent holds from its event's date until a `contact_allowed` event
 * (note = the channel, for a consent; any other note lifts a do-not-contact) on or after that date.
 */
export const ruleIds = [
  'do_not_contact',
  'consent',
  'cooling_off_complaint',
  'cooling_off_refused',
  'daily_cap',
  'weekly_cap',
  'hours',
  'min_gap',
] as const;
export type RuleId = (typeof ruleIds)[number];

export interface ContactRecord {
  action_id: string;
  date: string;
  /** HH:MM, '' when not recorded */
  time: string;
  channel: string;
  outcome: string;
}
export interface ContactEvent {
  event_id: string;
  date: string;
  type: string;
  note: string;
}
export interface LoanContacts {
  loan_id: string;
  actions: readonly ContactRecord[];
  events: readonly ContactEvent[];
}
export interface Breach {
  rule: RuleId;
  detail: string;
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
// 1970-01-01 was a Thursday: day numbers from Monday
const weekdayOf = (d: string) => weekdays[(((epochDay(d) + 3) % 7) + 7) % 7]!;
/** minutes since the epoch of a date and time */
const at = (d: string, t: string) => epochDay(d) * 1440 + minutes(t);

/** recorded order: date, then time (an unknown time first: it cannot be shown to be later), then id */
export const contactOrder = (a: ContactRecord, b: ContactRecord) =>
  a.date !== b.date
    ? a.date < b.date
      ? -1
      : 1
    : a.time !== b.time
      ? a.time < b.time
        ? -1
        : 1
      : a.action_id < b.action_id
        ? -1
        : a.action_id > b.action_id
          ? 1
          : 0;

/** the do-not-contact reason holding on a date ('' when none): the latest of do_not_contact / lifting contact_allowed events on or before it, and the configured list */
export function doNotContactOn(rules: ContactRules, loan: LoanContacts, date: string): string {
  let state = '';
  const evs = loan.events
    .filter(
      (e) => e.date <= date && (e.type === 'do_not_contact' || (e.type === 'contact_allowed' && !isChannel(e.note))),
    )
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.event_id < b.event_id ? -1 : 1));
  for (const e of evs) state = e.type === 'do_not_contact' ? e.note || 'do_not_contact' : '';
  return state || listedDoNotContactOn(rules, loan.loan_id, date);
}

/** the configured do-not-contact list's reason holding for the loan on a date ('' when none) */
export function listedDoNotContactOn(rules: ContactRules, loanId: string, date: string): string {
  const listed = rules.do_not_contact.list.find(
    (l) => l.loan_id === loanId && l.from <= date && (l.until === undefined || date < l.until),
  );
  return listed ? `${listed.reason} (list)` : '';
}

const channelNames: readonly string[] = ['sms', 'phone', 'visit', 'letter', 'legal', 'agency'];
/** a contact_allowed naming a channel restores that channel's consent only, not a do-not-contact hold */
export const isChannel = (s: string) => channelNames.includes(s.trim().toLowerCase());

/** the date consent for the channel was withdrawn, when withdrawn on the date ('' when the borrower consents) */
export function consentWithdrawnOn(loan: LoanContacts, channel: string, date: string): string {
  let since = '';
  const evs = loan.events
    .filter(
      (e) =>
        e.date <= date &&
        (e.type === 'consent_withdrawn' || e.type === 'contact_allowed') &&
        e.note.trim().toLowerCase() === channel,
    )
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.event_id < b.event_id ? -1 : 1));
  for (const e of evs) since = e.type === 'consent_withdrawn' ? e.date : '';
  return since;
}

/** day-level blocks on a date, in the order they are named: everything but the hours and the gap */
function dayBreaches(
  rules: ContactRules,
  loan: LoanContacts,
  channel: Channel,
  date: string,
  before: readonly ContactRecord[],
): Breach[] {
  const out: Breach[] = [];
  if (rules.do_not_contact.channels.includes(channel)) {
    const r = doNotContactOn(rules, loan, date);
    if (r) out.push({ rule: 'do_not_contact', detail: `do-not-contact (${r}) on ${date}` });
  }
  const withdrawn = consentWithdrawnOn(loan, channel, date);
  if (withdrawn) out.push({ rule: 'consent', detail: `consent to ${channel} withdrawn on ${withdrawn}` });
  const c = rules.cooling_off.complaint;
  if (c.days > 0 && c.channels.includes(channel)) {
    const e = loan.events
      .filter((x) => x.type === 'complaint' && x.date < date && date <= addDays(x.date, c.days))
      .at(-1);
    if (e)
      out.push({
        rule: 'cooling_off_complaint',
        detail: `complaint on ${e.date}: no ${channel} until ${addDays(e.date, c.days + 1)}`,
      });
  }
  const r = rules.cooling_off.refused;
  if (r.days > 0 && r.channels.includes(channel)) {
    const a = before.filter((x) => x.outcome === 'refused' && x.date < date && date <= addDays(x.date, r.days)).at(-1);
    if (a)
      out.push({
        rule: 'cooling_off_refused',
        detail: `refused on ${a.date} (${a.action_id}): no ${channel} until ${addDays(a.date, r.days + 1)}`,
      });
  }
  const lim = rules.limits[channel];
  const same = before.filter((x) => x.channel === channel);
  if (lim.per_day !== null) {
    const n = same.filter((x) => x.date === date).length;
    if (n >= lim.per_day)
      out.push({ rule: 'daily_cap', detail: `${n} ${channel} contacts on ${date} before (cap ${lim.per_day})` });
  }
  if (lim.per_week !== null) {
    const from = addDays(date, -6);
    const n = same.filter((x) => x.date >= from && x.date <= date).length;
    if (n >= lim.per_week)
      out.push({
        rule: 'weekly_cap',
        detail: `${n} ${channel} contacts ${from} to ${date} before (cap ${lim.per_week})`,
      });
  }
  return out;
}

const windowOf = (rules: ContactRules, channel: Channel, date: string) => rules.hours[channel][weekdayOf(date)];

/** the previous contact of the channel with a known time (the gap is measured from it), or null */
function lastTimed(before: readonly ContactRecord[], channel: string) {
  const timed = before.filter((x) => x.channel === channel && x.time !== '');
  return timed.at(-1) ?? null;
}

/**
 * The rules a recorded action broke, judged on the loan's actions recorded before it (contactOrder)
 * and its events. `hoursChecked` is false when the action has no time: the hour and gap rules
 * cannot be judged for it, which is not a breach.
 */
export function actionBreaches(
  rules: ContactRules,
  loan: LoanContacts,
  action: ContactRecord,
): { breaches: Breach[]; hoursChecked: boolean } {
  if (!isChannel(action.channel)) return { breaches: [], hoursChecked: action.time !== '' };
  const channel = action.channel as Channel;
  const before = loan.actions.filter((x) => x.action_id !== action.action_id && contactOrder(x, action) < 0);
  const breaches = dayBreaches(rules, loan, channel, action.date, before);
  if (action.time === '') return { breaches, hoursChecked: false };
  const w = windowOf(rules, channel, action.date);
  const m = minutes(action.time);
  if (!w || m < minutes(w.from) || m >= minutes(w.to))
    breaches.push({
      rule: 'hours',
      detail: w
        ? `${channel} at ${action.time} on ${weekdayOf(action.date)}: allowed ${w.from}–${w.to}`
        : `${channel} at ${action.time}: no ${channel} on ${weekdayOf(action.date)}`,
    });
  const gap = rules.limits[channel].min_gap_minutes;
  const prev = lastTimed(before, channel);
  if (gap !== null && gap > 0 && prev) {
    const since = at(action.date, action.time) - at(prev.date, prev.time);
    if (since < gap)
      breaches.push({
        rule: 'min_gap',
        detail: `${since} min after ${prev.action_id} at ${prev.time} (minimum ${gap})`,
      });
  }
  return { breaches, hoursChecked: true };
}

export interface NextAllowed {
  /** the first rule blocking the channel at `from` ('' when it is allowed then) */
  blockedBy: RuleId | '';
  detail: string;
  /** `YYYY-MM-DD HH:MM`, the earliest allowed moment on or after `from`; '' when none within the horizon (a do-not-contact or consent that only an event lifts) */
  at: string;
}

/** days looked ahead for an allowed moment: past every cooling-off and week */
const horizonDays = 400;

/**
 * The earliest moment on or after `date time` when `channel` may be used for the loan, given what
 * was recorded up to then (planned contacts are not added). `blockedBy` names the rule that blocks
 * the channel at that first moment's day (day-level rules first, then the hours, then the gap) —
 * on the list's date, the rule a collector would break by acting that day.
 */
export function nextAllowed(
  rules: ContactRules,
  loan: LoanContacts,
  channel: Channel,
  date: string,
  time = '00:00',
  /** `day`: every action of the date counts as recorded (a list pulled during the day knows them all), not only those up to `time` */
  recorded: 'time' | 'day' = 'time',
): NextAllowed {
  // what was recorded up to the moment: earlier days, and that day's actions at or before the time (or without one)
  const before = loan.actions.filter(
    (x) => x.date < date || (x.date === date && (recorded === 'day' || x.time === '' || x.time <= time)),
  );
  let first: Breach | null = null;
  for (let k = 0; k <= horizonDays; k++) {
    const d = addDays(date, k);
    const dayBlocks = dayBreaches(rules, loan, channel, d, before);
    let start = k === 0 ? minutes(time) : 0;
    let blocked: Breach | undefined = dayBlocks[0];
    if (!blocked) {
      const w = windowOf(rules, channel, d);
      const gap = rules.limits[channel].min_gap_minutes;
      const prev = lastTimed(before, channel);
      if (!w || start >= minutes(w.to)) {
        blocked = {
          rule: 'hours',
          detail: w ? `${channel} allowed ${w.from}–${w.to} on ${weekdayOf(d)}` : `no ${channel} on ${weekdayOf(d)}`,
        };
      } else {
        start = Math.max(start, minutes(w.from));
        if (gap !== null && gap > 0 && prev) {
          const earliest = at(prev.date, prev.time) + gap - epochDay(d) * 1440;
          if (earliest > start) start = earliest;
        }
        if (start < minutes(w.to)) {
          const atText = `${d} ${hhmm(start)}`;
          return first
            ? { blockedBy: first.rule, detail: first.detail, at: atText }
            : { blockedBy: '', detail: '', at: atText };
        }
        blocked = { rule: 'min_gap', detail: `${gap ?? 0} min after ${prev?.action_id ?? ''} at ${prev?.time ?? ''}` };
      }
    }
    // only the first day's block is named; a block only a later event lifts (a do-not-contact event, a withdrawn
    // consent) has no next allowed time: none is recorded yet. A listed do-not-contact with an end runs to it.
    first ??= blocked;
    if (blocked.rule === 'consent' || (blocked.rule === 'do_not_contact' && !blocked.detail.includes('(list)')))
      return { blockedBy: first.rule, detail: first.detail, at: '' };
  }
  return { blockedBy: first?.rule ?? 'hours', detail: first?.detail ?? '', at: '' };
}
