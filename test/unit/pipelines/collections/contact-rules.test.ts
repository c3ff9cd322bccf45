import { describe, expect, it } from 'vitest';
import {
  actionBreaches,
  nextAllowed,
  type ContactEvent,
  type ContactRecord,
  type LoanContacts,
} from '../../../../pipelines/collections/contact-rules.ts';
import { readFileSync } from 'node:fs';
import { defaultContactRules, parseContactRules } from '../../../../pipelines/collections/contact-rules-config.ts';

/** Hand-built loans: each rule at its boundary. 2024-06-03 is a Monday, 2024-06-08 a Saturday, 2024-06-09 a Sunday. */
const rules = defaultContactRules;
let n = 0;
const act = (date: string, time: string, channel = 'phone', outcome = 'no_contact'): ContactRecord => ({
  action_id: `A${String(++n).padStart(3, '0')}`,
  date,
  time,
  channel,
  outcome,
});
const ev = (date: string, type: string, note = ''): ContactEvent => ({
  event_id: `E${String(++n).padStart(3, '0')}`,
  date,
  type,
  note,
});
const loan = (actions: ContactRecord[], events: ContactEvent[] = []): LoanContacts => ({
  loan_id: 'L1',
  actions,
  events,
});
/** the rules the last action broke, judged on the ones before it */
const broken = (actions: ContactRecord[], events: ContactEvent[] = []) =>
  actionBreaches(rules, loan(actions, events), actions.at(-1)!).breaches.map((b) => b.rule);

describe('hours', () => {
  it('phone: 08:00 allowed, 07:59 not; 20:59 allowed, 21:00 not (the window is [08:00, 21:00))', () => {
    expect(broken([act('2024-06-03', '08:00')])).toEqual([]);
    expect(broken([act('2024-06-03', '07:59')])).toEqual(['hours']);
    expect(broken([act('2024-06-03', '20:59')])).toEqual([]);
    expect(broken([act('2024-06-03', '21:00')])).toEqual(['hours']);
  });
  it('visits only 09:00–18:00 (none at night); letters any time; legal steps not at the weekend', () => {
    expect(broken([act('2024-06-03', '08:59', 'visit')])).toEqual(['hours']);
    expect(broken([act('2024-06-03', '09:00', 'visit')])).toEqual([]);
    expect(broken([act('2024-06-03', '18:00', 'visit')])).toEqual(['hours']);
    expect(broken([act('2024-06-03', '23:59', 'letter')])).toEqual([]);
    expect(broken([act('2024-06-08', '10:00', 'legal')])).toEqual(['hours']);
    expect(broken([act('2024-06-07', '10:00', 'legal')])).toEqual([]);
  });
  it('an action without a time: hours not checked, not a breach', () => {
    const a = act('2024-06-03', '');
    expect(actionBreaches(rules, loan([a]), a)).toEqual({ breaches: [], hoursChecked: false });
  });
  it('a configured weekday window applies to that day only', () => {
    const r = parseContactRules({ hours: { phone: { sun: null, sat: { from: '10:00', to: '16:00' } } } });
    const at = (d: string, t: string) => {
      const a = act(d, t);
      return actionBreaches(r, loan([a]), a).breaches.map((b) => b.rule);
    };
    expect(at('2024-06-09', '12:00')).toEqual(['hours']);
    expect(at('2024-06-08', '09:59')).toEqual(['hours']);
    expect(at('2024-06-08', '10:00')).toEqual([]);
    expect(at('2024-06-03', '08:00')).toEqual([]);
  });
});

describe('caps and gap', () => {
  it('daily cap: the 3rd phone contact of a day is allowed, the 4th is not; another channel does not count', () => {
    const day = [act('2024-06-03', '09:00'), act('2024-06-03', '11:00'), act('2024-06-03', '13:00', 'sms')];
    expect(broken([...day, act('2024-06-03', '14:00')])).toEqual([]);
    expect(broken([...day, act('2024-06-03', '14:00'), act('2024-06-03', '16:00')])).toEqual(['daily_cap']);
  });
  it('daily cap counts actions without a time (by id order) and attempts that reached nobody', () => {
    expect(
      broken([act('2024-06-03', ''), act('2024-06-03', ''), act('2024-06-03', ''), act('2024-06-03', '')]),
    ).toEqual(['daily_cap']);
  });
  it('weekly cap: 10 phone contacts in the date and the 6 days before; the 11th breaks it, a day later it does not', () => {
    const ten = ['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07'].flatMap((d) => [
      act(d, '09:00'),
      act(d, '12:00'),
    ]);
    expect(broken([...ten, act('2024-06-09', '10:00')])).toEqual(['weekly_cap']);
    // 2024-06-10's week is 06-04 … 06-10: the two of 06-03 have left it
    expect(broken([...ten, act('2024-06-10', '10:00')])).toEqual([]);
  });
  it('minimum gap: 60 minutes between phone contacts (59 breaks it, 60 does not), across midnight too', () => {
    expect(broken([act('2024-06-03', '09:00'), act('2024-06-03', '09:59')])).toEqual(['min_gap']);
    expect(broken([act('2024-06-03', '09:00'), act('2024-06-03', '10:00')])).toEqual([]);
    expect(broken([act('2024-06-03', '20:30', 'sms'), act('2024-06-04', '08:00', 'sms')])).toEqual([]);
    expect(broken([act('2024-06-03', '20:30', 'sms'), act('2024-06-03', '20:31', 'phone')])).toEqual([]);
  });
});

describe('cooling-off', () => {
  it('after a refusal: no phone on the 2 days after (day 2 breaks it), allowed again on day 3; a letter is not stopped', () => {
    const refused = act('2024-06-03', '10:00', 'phone', 'refused');
    expect(broken([refused, act('2024-06-05', '10:00')])).toEqual(['cooling_off_refused']);
    expect(broken([refused, act('2024-06-06', '10:00')])).toEqual([]);
    expect(broken([refused, act('2024-06-05', '10:00', 'letter')])).toEqual([]);
  });
  it('after a complaint: 7 days (day 7 breaks it, day 8 does not); the day of the complaint is not in it', () => {
    const c = [ev('2024-06-03', 'complaint')];
    expect(broken([act('2024-06-03', '10:00')], c)).toEqual([]);
    expect(broken([act('2024-06-10', '10:00')], c)).toEqual(['cooling_off_complaint']);
    expect(broken([act('2024-06-11', '10:00')], c)).toEqual([]);
  });
});

describe('do-not-contact and consent', () => {
  it('a do_not_contact event holds from its date until a contact_allowed event', () => {
    const e = [ev('2024-06-05', 'do_not_contact', 'bankruptcy'), ev('2024-06-20', 'contact_allowed')];
    expect(broken([act('2024-06-04', '10:00')], e)).toEqual([]);
    expect(broken([act('2024-06-05', '10:00', 'letter')], e)).toEqual(['do_not_contact']);
    expect(broken([act('2024-06-19', '10:00')], e)).toEqual(['do_not_contact']);
    expect(broken([act('2024-06-20', '10:00')], e)).toEqual([]);
  });
  it('a do-not-contact list in the rules file, until its end date', () => {
    const r = parseContactRules({
      do_not_contact: { list: [{ loan_id: 'L1', reason: 'dispute', from: '2024-06-01', until: '2024-06-10' }] },
    });
    const at = (d: string) => {
      const a = act(d, '10:00');
      return actionBreaches(r, loan([a]), a).breaches.map((b) => b.rule);
    };
    expect(at('2024-05-31')).toEqual([]);
    expect(at('2024-06-09')).toEqual(['do_not_contact']);
    expect(at('2024-06-10')).toEqual([]);
  });
  it('consent withdrawn for one channel stops that channel only, until a contact_allowed naming it', () => {
    const e = [ev('2024-06-05', 'consent_withdrawn', 'phone'), ev('2024-06-12', 'contact_allowed', 'phone')];
    expect(broken([act('2024-06-06', '10:00')], e)).toEqual(['consent']);
    expect(broken([act('2024-06-06', '10:00', 'sms')], e)).toEqual([]);
    expect(broken([act('2024-06-12', '10:00')], e)).toEqual([]);
  });
});

describe('nextAllowed', () => {
  it('allowed at the window start on the date when nothing blocks', () => {
    expect(nextAllowed(rules, loan([]), 'phone', '2024-06-03')).toEqual({
      blockedBy: '',
      detail: '',
      at: '2024-06-03 08:00',
    });
  });
  it('after the day’s window, the next day’s start; legal on a Saturday: Monday 09:00', () => {
    expect(nextAllowed(rules, loan([]), 'phone', '2024-06-03', '21:00')).toMatchObject({
      blockedBy: 'hours',
      at: '2024-06-04 08:00',
    });
    expect(nextAllowed(rules, loan([]), 'legal', '2024-06-08')).toMatchObject({
      blockedBy: 'hours',
      at: '2024-06-10 09:00',
    });
  });
  it('the gap moves the time; the daily cap moves the day; a refusal moves it past the cooling-off', () => {
    const a = [act('2024-06-03', '09:30')];
    expect(nextAllowed(rules, loan(a), 'phone', '2024-06-03', '09:45')).toMatchObject({
      blockedBy: '',
      at: '2024-06-03 10:30',
    });
    const three = [act('2024-06-03', '08:00'), act('2024-06-03', '09:00'), act('2024-06-03', '10:00')];
    expect(nextAllowed(rules, loan(three), 'phone', '2024-06-03', '11:00')).toMatchObject({
      blockedBy: 'daily_cap',
      at: '2024-06-04 08:00',
    });
    const refused = [act('2024-06-03', '10:00', 'phone', 'refused')];
    expect(nextAllowed(rules, loan(refused), 'visit', '2024-06-04')).toMatchObject({
      blockedBy: 'cooling_off_refused',
      at: '2024-06-06 09:00',
    });
  });
  it('a do-not-contact or withdrawn consent has no next time (only an event lifts it)', () => {
    expect(
      nextAllowed(rules, loan([], [ev('2024-06-01', 'do_not_contact', 'deceased')]), 'letter', '2024-06-03'),
    ).toMatchObject({
      blockedBy: 'do_not_contact',
      at: '',
    });
    expect(
      nextAllowed(rules, loan([], [ev('2024-06-01', 'consent_withdrawn', 'sms')]), 'sms', '2024-06-03'),
    ).toMatchObject({
      blockedBy: 'consent',
      at: '',
    });
  });
});

describe('the rules file', () => {
  it('an empty file is the defaults, and default-contact-rules.json is the whole default file', () => {
    expect(parseContactRules({})).toEqual(defaultContactRules);
    const file: unknown = JSON.parse(
      readFileSync(new URL('../../../../pipelines/collections/default-contact-rules.json', import.meta.url), 'utf8'),
    );
    expect(file).toEqual(defaultContactRules);
    expect(parseContactRules(file)).toEqual(defaultContactRules);
  });
  it('a bad value is one line naming the field', () => {
    expect(() => parseContactRules({ limits: { phone: { per_day: 0 } } })).toThrow(
      /^contact rules: limits\.phone\.per_day: /,
    );
    expect(() => parseContactRules({ hours: { visit: { mon: { from: '25:00', to: '18:00' } } } })).toThrow(
      /hours\.visit\.mon\.from: a time HH:MM/,
    );
    // a spreadsheet's 9:00 is 09:00 (and then before 18:00, which as text it was not)
    expect(parseContactRules({ hours: { visit: { mon: { from: '9:00', to: '18:00' } } } }).hours.visit.mon).toEqual({
      from: '09:00',
      to: '18:00',
    });
    expect(() => parseContactRules({ hours: { visit: { mon: { from: '9:0', to: '18:00' } } } })).toThrow(
      /hours\.visit\.mon\.from: a time HH:MM/,
    );
    expect(() => parseContactRules({ hours: { visit: { mon: { from: '18:00', to: '09:00' } } } })).toThrow(
      /hours\.visit\.mon: from must be before to/,
    );
    expect(() => parseContactRules({ cooling_off: { complaint: { channels: ['fax'] } } })).toThrow(
      /cooling_off\.complaint\.channels\.0: /,
    );
    expect(() => parseContactRules({ curfew: true })).toThrow(/contact rules: \(file\): /);
  });
  it('a do-not-contact loan id is read without the spaces around it; an id of spaces only is refused', () => {
    const entry = { reason: 'dispute', from: '2024-06-01' };
    const r = parseContactRules({ do_not_contact: { list: [{ ...entry, loan_id: ' L000007738 \t' }] } });
    expect(r.do_not_contact.list.map((l) => l.loan_id)).toEqual(['L000007738']);
    expect(() => parseContactRules({ do_not_contact: { list: [{ ...entry, loan_id: '  ' }] } })).toThrow(
      /do_not_contact\.list\.0\.loan_id: /,
    );
  });
});
