/**
 * A recorded action that broke a contact rule, as the incentive scheme deducts it: one per breach,
 * against the agent who made the action. The contact-rule engine (issue 22, item 1) reports
 * breaches; `run-incentives.ts` takes them as this list so the scheme's arithmetic does not depend
 * on how they are found.
 */
export interface IncentiveBreach {
  breach_id: string;
  action_id: string;
  loan_id: string;
  agent_id: string;
  team: string;
  /** YYYY-MM-DD: the action's day */
  date: string;
  /** the rule's id (hours, daily_cap, cooling_off, do_not_contact, …) */
  rule: string;
}
