/**
 * What is owed on a loan at one date beyond its schedule (docs/accrual.md): one row per loan and
 * month-end in `loan_month_accrual`, or per loan on any date (amountToCureAsOf). Money in the
 * loan's currency, cumulative from origination unless named `_in_month`.
 */
export interface AccrualRow {
  loan_id: string;
  /** the month-end, or the as-of date */
  date: string;
  /** the loan's status at the date under the accrual's allocation: active, paid_off, charged_off */
  status: string;
  /** DPD at the date under the accrual's allocation (equals loan_month's with `scheduled` first) */
  dpd: number;
  /** accruing, non_accrual (DPD reached the threshold, not yet back to 0), paid_off, charged_off (accrual stopped) */
  accrual_status: string;
  penalty_interest: number;
  compound_interest: number;
  fees: number;
  penalty_paid: number;
  compound_paid: number;
  fees_paid: number;
  penalty_waived: number;
  compound_waived: number;
  fees_waived: number;
  /** cash beyond everything the allocation could pay (an explicit penalty_paid above the charges owed) */
  unapplied: number;
  overdue_principal: number;
  overdue_interest: number;
  /** overdue scheduled interest + outstanding penalty and compound interest, while accruing (表内欠息) */
  interest_arrears_on_bs: number;
  /** the same while non-accrual or charged off (表外欠息) */
  interest_arrears_off_bs: number;
  /** overdue principal and interest + outstanding penalty, compound interest and fees */
  amount_to_cure: number;
  /** penalty and compound interest accrued since the previous row's date */
  charges_accrued_in_month: number;
  /** paid against penalty, compound interest and fees since the previous row's date */
  charges_paid_in_month: number;
}

/** The numeric columns, in table order (after loan_id, date, status, dpd, accrual_status). */
export const accrualMoneyColumns = [
  'penalty_interest',
  'compound_interest',
  'fees',
  'penalty_paid',
  'compound_paid',
  'fees_paid',
  'penalty_waived',
  'compound_waived',
  'fees_waived',
  'unapplied',
  'overdue_principal',
  'overdue_interest',
  'interest_arrears_on_bs',
  'interest_arrears_off_bs',
  'amount_to_cure',
  'charges_accrued_in_month',
  'charges_paid_in_month',
] as const satisfies readonly (keyof AccrualRow)[];
