import type { MetricDefinition } from '../definition.ts';

/**
 * Regulatory five-category migration rate (正常类/关注类/次级类/可疑类贷款迁徙率), period from {p_from}
 * to {p_to}: of the loans in class X at the start, the end-of-period balance of those classified
 * worse at the end (向下迁徙金额), over the class-X balance at the start less the amounts of those
 * loans repaid, disposed of or written off during the period (期初余额 − 期间减少金额). Loans paid off
 * or charged off in the period count wholly as reductions; on the others the principal repaid
 * (start − end balance, when positive) does. Charged-off loans are reductions, not migrations,
 * as in the regulator's definition.
 */
export const migration = {
  name: 'migration',
  title: 'Five-category migration rates (迁徙率)',
  description: 'By class at the period start; period defaults to the 12 months ending at the as-of month-end.',
  source: 'migration_pairs',
  dimensions: { from_class: 'from_class', product: 'product', region: 'region', branch: 'branch', channel: 'channel' },
  defaultDimensions: ['from_class'],
  requiredDimensions: ['from_class'],
  weight: { balance: 'start_balance', count: 'toUInt64(1)' },
  measures: {
    start_total: {},
    reduced: {
      weight: {
        balance:
          "if(end_status IN ('paid_off', 'charged_off', ''), start_balance, greatest(start_balance - end_balance, toDecimal64(0, 2)))",
        count: "toUInt64(end_status IN ('paid_off', 'charged_off', ''))",
      },
    },
    migrated: { when: "end_status = 'active' AND worse", weight: { balance: 'end_balance', count: 'toUInt64(1)' } },
  },
  ratios: {
    migration_rate: {
      numerator: 'migrated',
      denominator: 'start_total - reduced',
      denominatorLabel: {
        balance: 'class balance at the period start less amounts repaid, disposed of or written off in the period',
        count: 'loans in the class at the start less those closed in the period',
      },
    },
  },
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
