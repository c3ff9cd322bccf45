import type { MetricDefinition } from '../definition.ts';
import { both } from './common.ts';

const one = both('toUInt64(1)');

/**
 * Agency performance (issue 22 item 4) by agency and placement cohort (month placed): recovery rate
 * = cash during the placement / balance placed; cure rate = placements whose loan was current or
 * paid off at a month-end during the placement / placements; net recovery after the agency's
 * commission (default terms' rates, warehouse/workout/agency-terms.ts). In-house comparison, on
 * the placements whose cell had in-house loans (`matched`): each placement's balance × the recovery
 * rate of loans not placed of the same product, DPD bucket and balance band at the month-end before
 * the placement, over the placement period after it (workout-sources.ts states the matching).
 */
export const agency_performance = {
  name: 'agency_performance',
  title: 'Agency performance and in-house comparison',
  description:
    'Per agency and placement cohort: placements, balance placed, cash collected during the placement, cures, commission and net recovery; and on matched placements the agency recovery and cure rates beside those of in-house loans of the same product × DPD bucket × balance band at the same month-end, not placed.',
  source: 'agency_placements',
  dimensions: {
    agency: 'agency',
    placement_cohort: 'placement_cohort',
    product: 'product',
    region: 'region',
  },
  defaultDimensions: ['agency', 'placement_cohort'],
  weight: { balance: 'placed_amount', count: 'toUInt64(1)' },
  measures: {
    placements: one,
    balance_placed: both('placed_amount'),
    collected: both('cash'),
    cures: both('cured'),
    commission: both('toDecimal64(round(toDecimal128(fee, 6), 2), 2)'),
    net_collected: both('cash - toDecimal64(round(toDecimal128(fee, 6), 2), 2)'),
    matched_placements: { ...one, when: 'matched' },
    matched_balance: { ...both('placed_amount'), when: 'matched' },
    matched_collected: { ...both('cash'), when: 'matched' },
    matched_net: { ...both('cash - toDecimal64(round(toDecimal128(fee, 6), 2), 2)'), when: 'matched' },
    matched_cures: { ...both('cured'), when: 'matched' },
    inhouse_expected: { ...both('toDecimal64(round(toDecimal128(inhouse_cash, 6), 2), 2)'), when: 'matched' },
    inhouse_expected_cures: { ...both('inhouse_cure'), when: 'matched', kind: 'number' },
  },
  ratios: {
    recovery_rate: { numerator: 'collected', denominator: 'balance_placed', denominatorLabel: 'balance placed' },
    net_recovery_rate: {
      numerator: 'net_collected',
      denominator: 'balance_placed',
      denominatorLabel: 'balance placed (net of commission)',
    },
    cure_rate: { numerator: 'cures', denominator: 'placements', denominatorLabel: 'placements' },
    matched_recovery_rate: {
      numerator: 'matched_collected',
      denominator: 'matched_balance',
      denominatorLabel: 'balance placed of matched placements',
    },
    matched_net_recovery_rate: {
      numerator: 'matched_net',
      denominator: 'matched_balance',
      denominatorLabel: 'balance placed of matched placements (net of commission)',
    },
    inhouse_recovery_rate: {
      numerator: 'inhouse_expected',
      denominator: 'matched_balance',
      denominatorLabel: 'balance placed of matched placements, at the in-house rate of their cells',
    },
    matched_cure_rate: {
      numerator: 'matched_cures',
      denominator: 'matched_placements',
      denominatorLabel: 'matched placements',
    },
    inhouse_cure_rate: {
      numerator: 'inhouse_expected_cures',
      denominator: 'matched_placements',
      denominatorLabel: 'matched placements, at the in-house cure rate of their cells',
    },
  },
  formulas: {
    net_uplift: {
      sql: 'toFloat64(matched_net) / nullIf(toFloat64(matched_balance), 0) - toFloat64(inhouse_expected) / nullIf(toFloat64(matched_balance), 0)',
      kind: 'number',
      label: 'matched net recovery rate less the in-house rate (in-house collection costs not deducted)',
    },
  },
  defaultPeriod: 'all',
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
