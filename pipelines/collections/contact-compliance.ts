import { addDays } from '../../lib/dates.ts';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { anyOf, param, sql, trusted } from '../../warehouse/sql.ts';
import { defaultContactRules, type ContactRules } from './contact-rules-config.ts';
import {
  actionBreaches,
  contactOrder,
  type ContactEvent,
  type ContactRecord,
  type LoanContacts,
  type RuleId,
} from './contact-rules.ts';

/** Whose recorded actions are judged (each list empty or absent: all): the loan's region, the action's team and agent. */
export interface ContactScope {
  region?: readonly string[];
  team?: readonly string[];
  agent?: readonly string[];
}

/** One broken rule of one recorded action (an action breaking two rules is two rows). */
export interface ContactRuleBreach {
  action_id: string;
  loan_id: string;
  agent_id: string;
  team: string;
  channel: string;
  action_date: string;
  rule: RuleId;
  detail: string;
}

interface JudgedAction extends ContactRecord {
  loan_id: string;
  agent_id: string;
  team: string;
  judged: number;
}

/** days of history before `from` that can decide a breach in the window: the week of the weekly cap, a cooling-off after a refusal, the gap */
const lookbackDays = (rules: ContactRules) =>
  Math.max(
    7,
    rules.cooling_off.refused.days + 1,
    ...Object.values(rules.limits).map((l) => Math.ceil((l.min_gap_minutes ?? 0) / 1440) + 1),
  );

/**
 * Every recorded action from `from` to `to` in the scope, with the loan's whole recorded context
 * it is judged on: the loan's actions by anyone from the lookback on (caps count every team's
 * contacts of the loan), and its contact events up to `to`.
 */
async function loadContacts(wh: Warehouse, o: { from: string; to: string; scope?: ContactScope; rules: ContactRules }) {
  const actions = trusted(tableRef(wh, 'collection_actions'));
  const loans = trusted(tableRef(wh, 'loans'));
  const from = param(o.from, 'Date');
  const to = param(o.to, 'Date');
  const since = param(addDays(o.from, -lookbackDays(o.rules)), 'Date');
  const inScope = sql`action_date >= ${from} AND action_date <= ${to}
    AND ${anyOf(o.scope?.team, 'team')} AND ${anyOf(o.scope?.agent, 'agent_id')}
    AND loan_id IN (SELECT loan_id FROM ${loans} WHERE ${anyOf(o.scope?.region, 'region')})`;
  const worked = sql`SELECT DISTINCT loan_id FROM ${actions} WHERE ${inScope}`;
  const rows = await querySql<JudgedAction>(
    wh,
    sql`SELECT action_id, loan_id, toString(action_date) AS date, action_time AS time, toString(channel) AS channel,
        toString(outcome) AS outcome, agent_id, toString(team) AS team,
        toUInt8(${inScope}) AS judged
      FROM ${actions} WHERE loan_id IN (${worked}) AND action_date >= ${since} AND action_date <= ${to}
      ORDER BY loan_id, action_date, action_time, action_id LIMIT 1 BY action_id`,
  );
  const events = await querySql<ContactEvent & { loan_id: string }>(
    wh,
    sql`SELECT event_id, loan_id, toString(event_date) AS date, toString(type) AS type, note
      FROM ${trusted(tableRef(wh, 'loan_events'))}
      WHERE loan_id IN (${worked}) AND event_date <= ${to}
        AND type IN ('complaint', 'do_not_contact', 'contact_allowed', 'consent_withdrawn')
      ORDER BY loan_id, event_date, event_id LIMIT 1 BY event_id`,
  );
  const byLoan = new Map<string, { actions: JudgedAction[]; events: ContactEvent[] }>();
  const of = (id: string) => {
    let l = byLoan.get(id);
    if (!l) byLoan.set(id, (l = { actions: [], events: [] }));
    return l;
  };
  for (const a of rows) of(a.loan_id).actions.push(a);
  for (const e of events) of(e.loan_id).events.push(e);
  return byLoan;
}

export interface ContactCompliance {
  breaches: ContactRuleBreach[];
  /** per team and agent: actions judged, actions with a breach, breaches, actions without a time (hours and gap not checked) */
  byAgent: {
    team: string;
    agent_id: string;
    actions: number;
    actions_in_breach: number;
    breaches: number;
    without_time: number;
  }[];
}

/** The compliance report: each recorded action in the window judged on what was recorded before it (contact-rules.ts). */
export async function contactCompliance(
  wh: Warehouse,
  o: { from: string; to: string; scope?: ContactScope; rules?: ContactRules },
): Promise<ContactCompliance> {
  const rules = o.rules ?? defaultContactRules;
  const byLoan = await loadContacts(wh, { ...o, rules });
  const breaches: ContactRuleBreach[] = [];
  const agents = new Map<string, ContactCompliance['byAgent'][number]>();
  for (const [loan_id, l] of byLoan) {
    const sorted = [...l.actions].sort(contactOrder);
    const loan: LoanContacts = { loan_id, actions: sorted, events: l.events };
    for (const a of sorted) {
      if (a.judged !== 1) continue;
      const r = actionBreaches(rules, loan, a);
      const k = `${a.team}\u001f${a.agent_id}`;
      let g = agents.get(k);
      if (!g)
        agents.set(
          k,
          (g = { team: a.team, agent_id: a.agent_id, actions: 0, actions_in_breach: 0, breaches: 0, without_time: 0 }),
        );
      g.actions++;
      g.breaches += r.breaches.length;
      if (r.breaches.length) g.actions_in_breach++;
      if (!r.hoursChecked) g.without_time++;
      for (const b of r.breaches)
        breaches.push({
          action_id: a.action_id,
          loan_id,
          agent_id: a.agent_id,
          team: a.team,
          channel: a.channel,
          action_date: a.date,
          rule: b.rule,
          detail: b.detail,
        });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  breaches.sort(
    (a, b) =>
      cmp(a.action_date, b.action_date) ||
      cmp(a.loan_id, b.loan_id) ||
      cmp(a.action_id, b.action_id) ||
      cmp(a.rule, b.rule),
  );
  const byAgent = [...agents.values()].sort((a, b) => cmp(a.team, b.team) || cmp(a.agent_id, b.agent_id));
  return { breaches, byAgent };
}

/**
 * Recorded actions from `from` to `to` (inclusive, action dates) that broke a contact rule, one row
 * per action and rule. The incentive scheme (issue 22, item 3) imports it for deductions: keep the
 * signature. `scope` limits whose actions are judged; the rules default to the defaults.
 */
export async function contactRuleBreaches(
  wh: Warehouse,
  o: { from: string; to: string; scope?: ContactScope; rules?: ContactRules },
): Promise<ContactRuleBreach[]> {
  return (await contactCompliance(wh, o)).breaches;
}
