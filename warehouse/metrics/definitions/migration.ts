import type { MetricDefinition } from '../definition.ts';

/**
 * Regulatory five-category migration rate (正常类/关注类/次级类/可疑类贷款迁徙率), period from {p_start} (the month-end before `from`)
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
  description:
    'By class at the period start; from the month-end before `from` to `to` (default: M − 12 to the as-of month-end M, the 12 months ending at M).',
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

/**
 * 五级分类迁徙矩阵: the loans of each class at the period's opening month-end, by where they are at
 * its end: a class, or closed (paid off, or no later row) or written off in the period. Balance =
 * the balance at the start (so each row sums to the class's start total, the migration rate's
 * start_total); end_balance = the balance at the end of those still active. Same period as `migration`.
 */
export const classMigration = {
  name: 'class_migration',
  title: 'Five-category migration matrix (五级分类迁徙矩阵)',
  description:
    'Loans by class at the period start × class (or paid_off / charged_off) at its end: start balance and loans, the share of the start class, and the end balance of those still active.',
  source: 'migration_pairs',
  dimensions: {
    from_class: 'from_class',
    to_class: "multiIf(end_status = 'active', end_class, end_status = 'charged_off', 'charged_off', 'paid_off')",
    product: 'product',
    region: 'region',
    branch: 'branch',
    channel: 'channel',
  },
  defaultDimensions: ['from_class', 'to_class'],
  requiredDimensions: ['from_class', 'to_class'],
  weight: { balance: 'start_balance', count: 'toUInt64(1)' },
  measures: {
    start_balance: {},
    loans: { weight: { balance: 'toUInt64(1)', count: 'toUInt64(1)' } },
    end_balance: {
      weight: {
        balance: "if(end_status = 'active', end_balance, toDecimal64(0, 2))",
        count: "toUInt64(end_status = 'active')",
      },
    },
  },
  ratios: {},
  shape: {
    kind: 'share',
    of: 'to_class',
    shares: ['start_balance'],
    denominatorLabel: {
      balance: 'balance of the start class at the period start',
      count: 'loans of the start class at the period start',
    },
  },
} as const satisfies MetricDefinition;
