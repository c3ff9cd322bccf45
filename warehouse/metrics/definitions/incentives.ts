import type { MetricDefinition } from '../definition.ts';

const money = (column: string) => ({ weight: { balance: column, count: column } });
const count = (sqlExpr: string) => ({ weight: { balance: `toUInt64(${sqlExpr})`, count: `toUInt64(${sqlExpr})` } });

/**
 * Collector incentive awards (清收奖励, issue 22 item 3) as issued by `loanwatch incentives` for a
 * month: the award and its parts — commission on amounts recovered, cure bonus, the kept-promise
 * multiplier's effect, the cut to the monthly cap and deductions for contact-rule breaches (both
 * negative), and the floor that keeps an award from going below zero; award = the sum of the parts.
 * The attribution rule and the scheme: docs/collections.md.
 */
export const incentive_awards = {
  name: 'incentive_awards',
  title: 'Collector incentive awards',
  description:
    'Monthly awards issued by `loanwatch incentives`, by team or agent: commission + cure bonus + multiplier effect + cap reduction + deductions + floor = award (money); agents, capped agents, payments credited, cures, promises and kept-promise rate.',
  source: 'incentive_awards',
  dimensions: { month_end: 'month_end', team: 'team', agent: 'agent_id' },
  defaultDimensions: ['team'],
  weight: { balance: 'a_award', count: 'a_award' },
  measures: {
    agents: count('1'),
    agents_capped: { when: 'a_cap_reduction < 0', ...count('1') },
    payments: count('a_payments'),
    cures: count('a_cures'),
    promises: count('a_promises'),
    kept_promises: count('a_kept_promises'),
    breaches: count('a_breaches'),
    recovered: money('a_recovered'),
    commission: money('a_commission'),
    cure_bonus: money('a_cure_bonus'),
    multiplier_effect: money('a_multiplier_effect'),
    cap_reduction: money('a_cap_reduction'),
    deductions: money('a_deductions'),
    floor: money('a_floor'),
    award: {},
  },
  ratios: {
    kept_rate: {
      numerator: 'kept_promises',
      denominator: 'promises',
      denominatorLabel: "agents' promises whose date + grace fell in the month",
    },
  },
  formulas: {
    multiplier: {
      sql: 'if(commission + cure_bonus = 0, 1, round(toFloat64(commission + cure_bonus + multiplier_effect) / toFloat64(commission + cure_bonus), 4))',
      // an agent's band; a team's effective one (its multiplied amount over its unmultiplied)
      kind: 'number',
    },
  },
  filters: ['period'],
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
