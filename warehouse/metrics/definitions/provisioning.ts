import type { MetricDefinition } from '../definition.ts';
import { both } from './common.ts';

/** Basel II foundation-IRB LGD for senior unsecured exposures, used only when the book has no closed workouts yet. */
const fallbackLgd = 0.45;

/**
 * A simplified collective IFRS 9 expected credit loss at the as-of month-end, from the book's own
 * history: EAD = principal balance of active loans by stage (stage from DPD: > 30 → 2, > 90 or
 * charged off → 3); stage 1 PD = its observed 12-month PD; stage 2 lifetime PD = its PD12 for the
 * first year, then stage 1's PD12 for each further year of its balance-weighted remaining term
 * (survivors of a year mostly cure): 1 − (1 − PD12₂)(1 − PD12₁)^(years − 1); stage 3 PD = 1;
 * LGD = the book's EAD-weighted LGD of closed workouts (the lgd metric), 45 % without any.
 * No forward-looking overlay: it is the backward-looking base a finance team would adjust.
 */
export const ecl = {
  name: 'ecl',
  title: 'Expected credit loss by IFRS 9 stage',
  description:
    "ECL = EAD × PD × LGD per IFRS 9 stage at the as-of month-end: observed 12-month PDs (stage 1), lifetime PD over the remaining term (stage 2), 1 (stage 3); LGD of the book's closed workouts (45 % without any). Coverage = ECL ÷ EAD.",
  source: 'ecl_exposures',
  // loan_id: the ECL walk reads each loan's EAD and stage at two month-ends
  dimensions: {
    stage: 'stage',
    product: 'product',
    region: 'region',
    branch: 'branch',
    channel: 'channel',
    loan_id: 'loan_id',
  },
  defaultDimensions: ['stage'],
  requiredDimensions: ['stage'],
  weight: { balance: 'balance', count: 'balance' },
  measures: {
    loans: both('toUInt64(1)'),
    ead: {},
    balance_months: { ...both('balance_months'), internal: true },
    pd12: { ...both('pd12'), aggregate: 'max', internal: true },
    pd12_stage1: { ...both('pd12_stage1'), aggregate: 'max', internal: true },
    lgd_pooled: { ...both('lgd'), aggregate: 'max', internal: true },
    closed_workouts: { ...both('closed_workouts'), aggregate: 'max', internal: true },
  },
  ratios: {},
  formulas: {
    years: { sql: 'greatest(1, toFloat64(balance_months) / 12 / greatest(toFloat64(ead), 1e-9))', kind: 'number' },
    pd: {
      sql: 'multiIf(stage = 3, 1, stage = 2, 1 - (1 - pd12) * pow(1 - pd12_stage1, years - 1), pd12)',
      kind: 'ratio',
      label: 'balance of the stage (balance-weighted PD: 12-month in stage 1, lifetime in stage 2, 1 in stage 3)',
    },
    pd_basis: {
      sql: "multiIf(stage = 3, 'credit-impaired: 1', stage = 2, concat('lifetime over ', toDecimalString(years, 1), ' years: PD12 ', toDecimalString(pd12, 4), ', then stage 1''s'), '12-month, observed')",
      kind: 'text',
    },
    lgd: { sql: 'lgd_pooled', kind: 'ratio', label: "EAD of the book's closed workouts (LGD; 45 % without any)" },
    lgd_source: {
      sql: `if(closed_workouts > 0, concat('closed workouts (', toString(closed_workouts), ')'), 'no closed workouts: fallback ${fallbackLgd}')`,
      kind: 'text',
    },
    ecl: { sql: 'toFloat64(ead) * pd * lgd', kind: 'measure' },
    coverage: { sql: 'if(ead > 0, pd * lgd, NULL)', kind: 'ratio', label: 'EAD of the stage (ECL ÷ EAD)' },
  },
  filters: ['product', 'region', 'branch', 'channel', 'cohort'],
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/**
 * IFRS 9 stage transfers (阶段迁移) from the previous month-end to the as-of month-end: the loans and
 * their EAD at both ends by the stage they were in (0: not on the book then) and how they moved —
 * the reconciliation of exposure by stage that IFRS 7 disclosures show, and what the ECL walk
 * (ecl_walk) splits the change in ECL from. EAD at each end is the `ecl` metric's.
 */
export const eclStageMoves = {
  name: 'ecl_stage_moves',
  title: 'IFRS 9 stage transfers since the previous month-end',
  description:
    "Loans active at the previous month-end or at the as-of month-end, by IFRS 9 stage at each end (0: not active then) and move (continuing, new, repaid, written_off): loans, EAD at the previous month-end (ead_from) and at the as-of month-end (ead_to), both the ecl metric's EAD.",
  source: 'ecl_stage_moves',
  dimensions: {
    from_stage: 'from_stage',
    to_stage: 'to_stage',
    move: 'move',
    product: 'product',
    region: 'region',
    branch: 'branch',
    channel: 'channel',
  },
  defaultDimensions: ['from_stage', 'to_stage', 'move'],
  weight: { balance: 'ead_to', count: 'toUInt64(1)' },
  measures: {
    loans: both('toUInt64(1)'),
    ead_from: both('ead_from'),
    ead_to: both('ead_to'),
  },
  ratios: {},
  filters: ['product', 'region', 'branch', 'channel', 'cohort'],
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** 拨备覆盖率 = provisions ÷ NPL balance, 贷款拨备率 = provisions ÷ outstanding loans (month-ends with a loaded provision). */
export const provisionCoverage = {
  name: 'provision_coverage',
  title: 'Provision coverage and provision ratio',
  description:
    'At each month-end with a loaded provision (the latest load): 拨备覆盖率 = provision ÷ NPL balance (次级+可疑+损失), 贷款拨备率 = provision ÷ outstanding balance of active loans. Provisions are bank-wide: no segment filters.',
  source: 'provision_months',
  dimensions: { month_end: 'month_end' },
  defaultDimensions: ['month_end'],
  requiredDimensions: ['month_end'],
  weight: { balance: 'provision', count: 'provision' },
  measures: {
    provision: {},
    npl_balance: both('npl_balance'),
    outstanding: both('outstanding'),
  },
  ratios: {
    provision_coverage: {
      numerator: 'provision',
      denominator: 'npl_balance',
      denominatorLabel: 'NPL balance (次级+可疑+损失)',
    },
    provision_ratio: {
      numerator: 'provision',
      denominator: 'outstanding',
      denominatorLabel: 'outstanding balance of active loans',
    },
  },
  filters: ['period'],
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
