import type { Warehouse } from '../../../warehouse/connection.ts';
import { contactRuleBreaches } from '../contact-compliance.ts';
import type { ContactRules } from '../contact-rules-config.ts';
import type { IncentiveBreach } from './breaches.ts';
import type { BreachSource } from './issue.ts';

/**
 * The deductions' breaches from the contact-rule engine (issue 22, item 1): each recorded action in
 * the month that broke a rule, one per action and rule, against the action's agent. An agency's
 * actions are the agency's (no agent's award to deduct from).
 */
export const contactRuleBreachSource =
  (wh: Warehouse, rules?: ContactRules): BreachSource =>
  async (from, to): Promise<IncentiveBreach[]> =>
    (await contactRuleBreaches(wh, { from, to, rules }))
      .filter((b) => b.channel !== 'agency')
      .map((b) => ({
        breach_id: `${b.action_id}:${b.rule}`,
        action_id: b.action_id,
        loan_id: b.loan_id,
        agent_id: b.agent_id,
        team: b.team,
        date: b.action_date,
        rule: b.rule,
      }));
