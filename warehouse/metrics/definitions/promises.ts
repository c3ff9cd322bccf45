import type { MetricDefinition } from '../definition.ts';

const amount = (col: string) => ({ weight: { balance: col, count: col } });

/**
 * Promise-to-pay KPIs (issue 22, item 2) by agent, team, channel and the loan's stage — the states
 * of the promises source (warehouse/metrics/promise-sources.ts: open, kept, partial, broken at
 * promised date + 3 days, payments attributed once across overlapping promises). The `channel`
 * filter is the loan's origination channel; the `channel` dimension is the promise's contact channel.
 */
export const promises = {
  name: 'promises',
  title: 'Promises to pay',
  description:
    'Promises by state (open, kept, partially kept, broken), kept rate by count and by amount, amount paid against them, average days late.',
  source: 'promises',
  dimensions: {
    channel: 'channel',
    team: 'team',
    agent: 'agent',
    stage: 'stage',
    status: 'status',
    action_month: 'action_month',
    due_month: 'due_month',
    product: 'product',
    region: 'region',
  },
  defaultDimensions: ['channel'],
  weight: { balance: 'toUInt64(1)', count: 'toUInt64(1)' },
  measures: {
    promises: {},
    open: { when: "status = 'open'" },
    kept: { when: "status = 'kept'" },
    partial: { when: "status = 'partial'" },
    broken: { when: "status = 'broken'" },
    matured: { when: "status != 'open'" },
    promised_amount: amount('promised'),
    paid_amount: amount('paid'),
    matured_amount: { when: "status != 'open'", ...amount('promised') },
    kept_amount: { when: "status = 'kept'", ...amount('promised') },
    paid_on_matured: { when: "status != 'open'", ...amount('paid') },
    days_late: {
      when: "status = 'kept'",
      weight: { balance: 'toUInt64(days_late)', count: 'toUInt64(days_late)' },
      internal: true,
    },
  },
  ratios: {
    kept_rate: {
      numerator: 'kept',
      denominator: 'matured',
      denominatorLabel: 'promises whose date + 3 days is on or before the as-of date',
    },
    kept_amount_rate: {
      numerator: 'kept_amount',
      denominator: 'matured_amount',
      denominatorLabel: 'amount promised by matured promises (numerator: amount of the kept ones)',
    },
    paid_rate: {
      numerator: 'paid_on_matured',
      denominator: 'matured_amount',
      denominatorLabel: 'amount promised by matured promises (numerator: paid against them, each at most its amount)',
    },
  },
  formulas: {
    avg_days_late: {
      sql: 'if(kept > 0, toFloat64(days_late) / kept, NULL)',
      kind: 'number',
      label: 'kept promises: days from the promised date to the day the amount was complete (0 when on time)',
    },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
