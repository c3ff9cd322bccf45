import { describe, expect, it } from 'vitest';
import { decideContact, stageActions } from '../../../../pipelines/cases/contact-filter.ts';
import { defaultStrategyTable, parseStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { defaultContactRules as rules } from '../../../../pipelines/collections/contact-rules-config.ts';
import type { ContactEvent, ContactRecord, LoanContacts } from '../../../../pipelines/collections/contact-rules.ts';

/** 2024-06-03 is a Monday. */
const loan = (actions: ContactRecord[] = [], events: ContactEvent[] = []): LoanContacts => ({
  loan_id: 'L',
  actions,
  events,
});
const act = (id: string, date: string, time: string, channel: string, outcome = 'no_contact'): ContactRecord => ({
  action_id: id,
  date,
  time,
  channel,
  outcome,
});
const ev = (id: string, date: string, type: string, note = ''): ContactEvent => ({ event_id: id, date, type, note });

describe('the recommended action through the contact rules', () => {
  it('the next-best candidates are the stage’s actions in the strategy table’s order', () => {
    expect(stageActions(defaultStrategyTable, 'mid')).toEqual(['call_collection_team', 'visit']);
    expect(stageActions(defaultStrategyTable, 'late')).toEqual(['restructuring_offer', 'visit', 'legal_action']);
  });
  it('allowed: not blocked, the first allowed moment of the day, the action itself', () => {
    expect(decideContact(rules, defaultStrategyTable, loan(), 'mid', 'call_collection_team', '2024-06-03')).toEqual({
      action_blocked_by: '',
      next_allowed_at: '2024-06-03 08:00',
      allowed_action: 'call_collection_team',
    });
  });
  it('a call blocked by a withdrawn phone consent: no next time, the stage’s visit instead', () => {
    const l = loan([], [ev('e1', '2024-06-01', 'consent_withdrawn', 'phone')]);
    expect(decideContact(rules, defaultStrategyTable, l, 'mid', 'call_collection_team', '2024-06-03')).toEqual({
      action_blocked_by: 'consent',
      next_allowed_at: '',
      allowed_action: 'visit',
    });
  });
  it('three calls today: the daily cap, tomorrow 08:00, a visit today instead', () => {
    const l = loan([
      act('a1', '2024-06-03', '08:00', 'phone'),
      act('a2', '2024-06-03', '09:00', 'phone'),
      act('a3', '2024-06-03', '', 'phone'),
    ]);
    expect(decideContact(rules, defaultStrategyTable, l, 'mid', 'call_collection_team', '2024-06-03')).toEqual({
      action_blocked_by: 'daily_cap',
      next_allowed_at: '2024-06-04 08:00',
      allowed_action: 'visit',
    });
  });
  it('a complaint stops every personal channel: nothing else allowed in the early stage; a letter (restructuring offer) in the late one', () => {
    const l = loan([], [ev('e1', '2024-06-01', 'complaint')]);
    expect(decideContact(rules, defaultStrategyTable, l, 'early', 'sms_reminder', '2024-06-03')).toEqual({
      action_blocked_by: 'cooling_off_complaint',
      next_allowed_at: '2024-06-09 08:00',
      allowed_action: '',
    });
    expect(decideContact(rules, defaultStrategyTable, l, 'late', 'visit', '2024-06-03')).toEqual({
      action_blocked_by: 'cooling_off_complaint',
      next_allowed_at: '2024-06-09 09:00',
      allowed_action: 'restructuring_offer',
    });
  });
  it('do-not-contact blocks every channel; a debt sale contacts nobody and is never blocked', () => {
    const l = loan([], [ev('e1', '2024-06-01', 'do_not_contact', 'deceased')]);
    // the default table sells no debt (a sale is the disposal analysis's call): nothing is allowed that day
    expect(decideContact(rules, defaultStrategyTable, l, 'late', 'legal_action', '2024-06-03')).toEqual({
      action_blocked_by: 'do_not_contact',
      next_allowed_at: '',
      allowed_action: '',
    });
    // a table that gives late × E a debt sale offers it in the call's place
    const selling = parseStrategyTable({
      rules: [
        ...defaultStrategyTable.rules.filter((r) => !(r.stage === 'late' && r.grades.includes('E'))),
        { stage: 'late', grades: ['D'], action: 'legal_action' },
        { stage: 'late', grades: ['E'], action: 'debt_sale' },
      ],
    });
    expect(decideContact(rules, selling, l, 'late', 'legal_action', '2024-06-03')).toEqual({
      action_blocked_by: 'do_not_contact',
      next_allowed_at: '',
      allowed_action: 'debt_sale',
    });
    expect(decideContact(rules, selling, l, 'late', 'debt_sale', '2024-06-03')).toEqual({
      action_blocked_by: '',
      next_allowed_at: '',
      allowed_action: 'debt_sale',
    });
  });
});
