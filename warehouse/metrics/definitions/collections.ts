import type { MetricDefinition } from '../definition.ts';

const actions = (sql = 'toUInt64(1)') => ({ weight: { balance: sql, count: sql } });

/**
 * Collection performance (SPEC §5) by action channel, team, agent and the loan's stage. Definitions
 * of stage, kept promise, collected cash and cure are those of the collection_actions source: the
 * stage is the loan's bucket on the action's day (from its DPD that day, SPEC §4 with the configured
 * grace), and a cure is an action on a loan past due then that is current or paid off at the first
 * month-end after the action's day. The cure
 * rate is over the actions on past-due loans only: for actions on current loans it is undefined.
 * The `channel` filter applies to the loan's origination channel; the `channel` dimension is the
 * collection channel (sms, phone, visit, letter, legal, agency).
 */
export const collections = {
  name: 'collections',
  title: 'Collection performance',
  description: 'Contact rate, promise-to-pay rate, promise kept rate, cash collected and cure rate.',
  source: 'collection_actions',
  dimensions: {
    channel: 'channel',
    team: 'team',
    agent: 'agent',
    stage: 'stage',
    action_month: 'action_month',
    product: 'product',
    region: 'region',
  },
  defaultDimensions: ['channel'],
  weight: { balance: 'toUInt64(1)', count: 'toUInt64(1)' },
  measures: {
    actions: {},
    contacts: { when: 'contacted' },
    promises: { when: 'promised' },
    matured_promises: { when: 'promise_matured' },
    kept_promises: { when: 'promise_kept' },
    collected: actions('ifNull(collected, toDecimal64(0, 2))'),
    past_due_actions: { when: 'past_due' },
    cures: { when: 'cured' },
  },
  ratios: {
    contact_rate: { numerator: 'contacts', denominator: 'actions', denominatorLabel: 'actions' },
    promise_to_pay_rate: {
      numerator: 'promises',
      denominator: 'contacts',
      denominatorLabel: 'actions that reached the borrower',
    },
    promise_kept_rate: {
      numerator: 'kept_promises',
      denominator: 'matured_promises',
      denominatorLabel: 'promises whose date + 3 days is on or before the as-of date',
    },
    cure_rate: {
      numerator: 'cures',
      denominator: 'past_due_actions',
      denominatorLabel:
        "actions on loans past due on the action's day (cured: current or paid off at the first month-end after it)",
    },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
