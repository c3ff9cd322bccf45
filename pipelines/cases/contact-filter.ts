import { addDays } from '../../lib/dates.ts';
import { querySqlCompact } from '../../warehouse/compact-rows.ts';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import type { Channel, ContactRules } from '../collections/contact-rules-config.ts';
import {
  contactOrder,
  nextAllowed,
  type ContactEvent,
  type ContactRecord,
  type LoanContacts,
} from '../collections/contact-rules.ts';
import type { Action, Stage, StrategyTable } from './strategy.ts';

/**
 * The case list's recommended action passed through the contact rules (issue 22, item 1): on the
 * list's date, is the action's channel allowed at some moment of the day given what was recorded
 * up to the date? If not, the rule that blocks it and the next allowed moment, and the next-best
 * action of the strategy table that is allowed that day.
 */
/** The channel an action is carried out on; a debt sale contacts nobody, so the contact rules do not apply to it. */
export const actionChannel: Record<Action, Channel | null> = {
  sms_reminder: 'sms',
  call_account_manager: 'phone',
  call_collection_team: 'phone',
  visit: 'visit',
  legal_action: 'legal',
  restructuring_offer: 'letter',
  debt_sale: null,
};

export interface ContactDecision {
  /** the rule that forbids the recommended action on the date ('' when allowed) */
  action_blocked_by: string;
  /** the earliest moment the recommended action is allowed (`YYYY-MM-DD HH:MM`, on or after the date's 00:00); '' when only an event can lift the block, or no contact channel */
  next_allowed_at: string;
  /** what to do on the date: the recommended action when allowed, else the first allowed action the strategy table gives the stage (in its rules' order), '' when none is */
  allowed_action: string;
}

/** the actions the strategy table gives a stage, in the order of its rules: the next-best candidates */
export function stageActions(t: StrategyTable, stage: Stage): Action[] {
  return [...new Set(t.rules.filter((r) => r.stage === stage).map((r) => r.action))];
}

export function decideContact(
  rules: ContactRules,
  strategy: StrategyTable,
  loan: LoanContacts,
  stage: Stage,
  action: Action,
  date: string,
): ContactDecision {
  const allowedOn = (a: Action) => {
    const ch = actionChannel[a];
    // the list is pulled during the day: every action recorded on the date counts (caps, gap from the last one)
    return ch === null ? { blockedBy: '', at: '' } : nextAllowed(rules, loan, ch, date, '00:00', 'day');
  };
  const mine = allowedOn(action);
  const today = mine.at.startsWith(date) || actionChannel[action] === null;
  if (today) return { action_blocked_by: '', next_allowed_at: mine.at, allowed_action: action };
  const next = stageActions(strategy, stage).find((a) => {
    if (a === action) return false;
    const n = allowedOn(a);
    return actionChannel[a] === null || n.at.startsWith(date);
  });
  return { action_blocked_by: mine.blockedBy || 'hours', next_allowed_at: mine.at, allowed_action: next ?? '' };
}

/** days of actions before the date that can still block it: the week of the weekly cap, a refusal's cooling-off, the longest gap */
const lookback = (rules: ContactRules) =>
  Math.max(
    7,
    rules.cooling_off.refused.days + 1,
    ...Object.values(rules.limits).map((l) => Math.ceil((l.min_gap_minutes ?? 0) / 1440) + 1),
  );

/**
 * Every loan's recorded contacts and contact events up to the date (a case list looks up its cases'):
 * actions of the lookback window, every do-not-contact / consent event (they hold until lifted),
 * complaints of the cooling-off window. One scan of each table.
 */
export async function loadLoanContacts(
  wh: Warehouse,
  rules: ContactRules,
  date: string,
): Promise<Map<string, LoanContacts>> {
  const out = new Map<string, { actions: ContactRecord[]; events: ContactEvent[] }>();
  const asOf = param(date, 'Date');
  // both sent at once: the engine reads the events while Node parses the actions
  const [actions, events] = await Promise.all([
    querySqlCompact<ContactRecord & { loan_id: string }>(
      wh,
      sql`SELECT action_id, loan_id, toString(action_date) AS date, action_time AS time, toString(channel) AS channel, toString(outcome) AS outcome
      FROM ${trusted(tableRef(wh, 'collection_actions'))}
      WHERE action_date >= ${param(addDays(date, -lookback(rules)), 'Date')} AND action_date <= ${asOf}`,
    ),
    querySql<ContactEvent & { loan_id: string }>(
      wh,
      sql`SELECT event_id, loan_id, toString(event_date) AS date, toString(type) AS type, note
      FROM ${trusted(tableRef(wh, 'loan_events'))}
      WHERE event_date <= ${asOf} AND (type IN ('do_not_contact', 'contact_allowed', 'consent_withdrawn')
        OR (type = 'complaint' AND event_date >= ${param(addDays(date, -rules.cooling_off.complaint.days), 'Date')}))`,
    ),
  ]);
  const of = (id: string) => {
    let l = out.get(id);
    if (!l) out.set(id, (l = { actions: [], events: [] }));
    return l;
  };
  for (const a of actions) of(a.loan_id).actions.push(a);
  for (const e of events) of(e.loan_id).events.push(e);
  return new Map(
    [...out].map(([loan_id, l]) => [loan_id, { loan_id, actions: l.actions.sort(contactOrder), events: l.events }]),
  );
}

/**
 * The contact rules' decision for any action of a case under any strategy table, from every loan's
 * contacts up to the date (read once, by the case list that reads them for its own actions):
 * an experiment's challenger arms pass their actions through it.
 */
export function contactDecider(
  rules: ContactRules,
  date: string,
  contacts: Map<string, LoanContacts>,
): (c: { loan_id: string; stage: Stage }, action: Action, strategy: StrategyTable) => ContactDecision {
  return (c, action, strategy) =>
    decideContact(
      rules,
      strategy,
      contacts.get(c.loan_id) ?? { loan_id: c.loan_id, actions: [], events: [] },
      c.stage,
      action,
      date,
    );
}
