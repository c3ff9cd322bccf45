import { firstSnapshotMonthEnd, requireSnapshotMonthEnd } from '../../warehouse/data-horizon.ts';
import { UserError } from '../../lib/user-error.ts';
import type { DelinquencySettings } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { checkedSubmissionSql, codeParams } from './bureau-sql.ts';
import type { CodeTable } from './codes.ts';

/** The submission file's columns, in order (docs/delinquency.md, "Credit-bureau status codes"). */
export const submissionColumns = [
  'account',
  'customer_hash',
  'status_code',
  'balance',
  'overdue_amount',
  'overdue_periods',
  'max_overdue',
  'last_payment_date',
  'last_payment_amount',
  'history_24m',
] as const;

export type SubmissionRow = Record<(typeof submissionColumns)[number], string>;

interface CheckedRow extends SubmissionRow {
  snap_dpd: number;
  snap_status: string;
  agrees: number | boolean;
}

/** `2024-06` → `2024-06-30`. */
export function monthEndOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The month's bureau submission, one row per account open at its month-end, in account order.
 * Refused (UserError): a month after the latest snapshot month-end, and a month whose codes
 * contradict the snapshot (the first loans named).
 */
export async function bureauSubmission(
  wh: Warehouse,
  month: string,
  table: CodeTable,
  settings: Pick<DelinquencySettings, 'graceDays' | 'dpdConvention'>,
): Promise<SubmissionRow[]> {
  const me = monthEndOfMonth(month);
  const latest = await requireSnapshotMonthEnd(wh);
  if (me > latest) {
    throw new UserError(`month ${month} is after the latest snapshot month-end ${latest}`, {
      hint: `use --month ${latest.slice(0, 7)} or earlier, or build the snapshot further first`,
    });
  }
  const first = await firstSnapshotMonthEnd(wh);
  if (first && me < first) {
    // an empty submission would read as "no accounts", which the bureau would take as every account closed
    throw new UserError(`month ${month} is before the first snapshot month-end ${first}: no account was open`, {
      hint: `use --month ${first.slice(0, 7)} or later`,
    });
  }
  const rows = await queryRows<CheckedRow>(wh, `${checkedSubmissionSql(wh)}\nORDER BY account`, {
    ...codeParams(table, settings),
    me,
  });
  const bad = rows.filter((r) => !r.agrees).slice(0, 3);
  if (bad.length) {
    const named = bad
      .map((r) => `${r.account} (${r.status_code} with ${r.snap_status || 'no row'}, DPD ${r.snap_dpd})`)
      .join(', ');
    throw new UserError(`${month}: codes contradict the snapshot: ${named}`, {
      hint: 'check the code table (--codes): each code must keep its meaning in the personal credit report',
    });
  }
  return rows.map((r) => Object.fromEntries(submissionColumns.map((c) => [c, r[c]])) as SubmissionRow);
}
