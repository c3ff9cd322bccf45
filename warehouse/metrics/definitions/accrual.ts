import type { MetricDefinition } from '../definition.ts';
import { loanDims } from './common.ts';

const money = (col: string) => ({ weight: { balance: col, count: col } });
const arrearsLabel = 'interest arrears on and off balance sheet (total_arrears)';
const owedUnlessClosed = (owed: string) => `if(accrual_status = 'closed', toDecimal64(0, 2), ${owed})`;

/**
 * 表内欠息 / 表外欠息 (issue 23): interest arrears at each month-end — overdue scheduled interest plus
 * penalty and compound interest owed — on balance sheet while the loan accrues, off balance sheet
 * from the non-accrual DPD (and once charged off); with the charges owed and the amount to cure.
 * Amounts, whatever the basis; `loans` counts the loans with arrears.
 */
export const interestArrears = {
  name: 'interest_arrears',
  title: 'Interest arrears on and off balance sheet (表内欠息 / 表外欠息)',
  description:
    'At each month-end, over schedule loans still open or closing that month and written-off loans not yet settled or sold, and paid-off loans while they still owe charges (penalty, compound interest or fees, until paid or waived): interest arrears (overdue scheduled interest + penalty and compound interest owed) on balance sheet while accruing and off balance sheet from the non-accrual DPD (default 90) or charge-off, the penalty/compound interest and fees owed, and the amount to cure (overdue principal and interest + charges owed). Rules: docs/accrual.md.',
  source: 'accrual_arrears',
  stockAt: 'month_end',
  dimensions: { month_end: 'month_end', ...loanDims, bucket: 'bucket', accrual_status: 'accrual_status' },
  defaultDimensions: ['month_end'],
  weight: { balance: 'interest_arrears_on_bs', count: 'interest_arrears_on_bs' },
  measures: {
    on_balance_sheet: {},
    off_balance_sheet: money('interest_arrears_off_bs'),
    overdue_interest: money('overdue_interest'),
    // a written-off account settled or sold owes nothing (accrual_status closed; docs/accrual.md)
    penalty_owed: money(owedUnlessClosed('penalty_interest - penalty_paid - penalty_waived')),
    compound_owed: money(owedUnlessClosed('compound_interest - compound_paid - compound_waived')),
    fees_owed: money(owedUnlessClosed('fees - fees_paid - fees_waived')),
    amount_to_cure: money('amount_to_cure'),
    loans_in_arrears: {
      weight: {
        balance: 'toUInt64(interest_arrears_on_bs + interest_arrears_off_bs > 0)',
        count: 'toUInt64(interest_arrears_on_bs + interest_arrears_off_bs > 0)',
      },
    },
    non_accrual_loans: {
      weight: {
        balance: "toUInt64(accrual_status = 'non_accrual')",
        count: "toUInt64(accrual_status = 'non_accrual')",
      },
    },
  },
  ratios: {},
  formulas: {
    total_arrears: { sql: 'on_balance_sheet + off_balance_sheet', kind: 'measure' },
    off_balance_sheet_share: {
      sql: 'if(on_balance_sheet + off_balance_sheet = 0, NULL, toFloat64(off_balance_sheet) / toFloat64(on_balance_sheet + off_balance_sheet))',
      kind: 'ratio',
      label: arrearsLabel,
    },
  },
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/**
 * Penalty income (罚息收入) by month: penalty and compound interest accrued in the month (recognised
 * while the loan accrues; off balance sheet otherwise), and the charges collected — penalty and
 * compound interest and fees — in the month, with the cash of the month after default split into
 * charges and the rest (principal and interest): recovery counts the penalty collected apart.
 */
export const penaltyIncome = {
  name: 'penalty_income',
  title: 'Penalty income and charges collected (罚息收入)',
  description:
    'By month: penalty and compound interest accrued in the month, of it recognised in income (loan accruing at the month-end) and suspended (non-accrual or charged off), charges collected (penalty, compound interest and fees paid), and for loans past their default (DPD > 90 or charged off) the cash of the month split into charges collected and the rest. Cash after a charge-off is recovery and is not allocated to charges. Rules: docs/accrual.md.',
  source: 'accrual_months',
  dimensions: { month_end: 'month_end', ...loanDims, bucket: 'bucket' },
  defaultDimensions: ['month_end'],
  weight: { balance: 'charges_accrued_in_month', count: 'charges_accrued_in_month' },
  measures: {
    accrued: {},
    recognised: { when: "accrual_status NOT IN ('non_accrual', 'charged_off', 'closed')" },
    suspended: { when: "accrual_status IN ('non_accrual', 'charged_off', 'closed')" },
    collected: money('charges_paid_in_month'),
    defaulted_cash: { ...money('paid_in_month'), when: 'default_flag = 1' },
    defaulted_charges_collected: { ...money('charges_paid_in_month'), when: 'default_flag = 1' },
  },
  ratios: {},
  formulas: {
    defaulted_other_cash: {
      sql: 'defaulted_cash - defaulted_charges_collected',
      // the cash after default that went to principal and interest (SPEC §5's recovery cash, without the charges)
      kind: 'measure',
    },
  },
  bases: ['balance'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;
