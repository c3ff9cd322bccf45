import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { configuredAccrualRules, type AccrualRules } from './accrual-rules.ts';
import { accrualMoneyColumns, type AccrualRow } from './accrual-row.ts';
import { accrualSql } from './accrual-sql.ts';

export interface AccrualAsOfOptions {
  /** the day: charges accrue through it, payments on it count */
  asOf: string;
  /** the snapshot's settings (grace and DPD convention) */
  settings: SnapshotSettings;
  /** default: configuredAccrualRules() */
  rules?: AccrualRules | undefined;
  /** a subquery of loan_ids (e.g. a case list's); absent: every schedule loan originated by the date */
  loans?: Sql | undefined;
}

/**
 * What each schedule loan owes on a date beyond its schedule, as a fragment to compose (the case
 * list joins it on loan_id): the columns of AccrualRow, `date` = the as-of date. Evaluated from the
 * history with the snapshot's accrual SQL (the month-ends before the date decide non-accrual,
 * which holds until DPD is back to 0). Tape loans have no rows (a tape carries no payments).
 */
export function accrualAsOfSql(wh: Warehouse, o: AccrualAsOfOptions): Sql {
  const date = param(o.asOf, 'Date');
  const rules = o.rules ?? configuredAccrualRules();
  return sql`SELECT * FROM (${accrualSql(wh, { dates: { kind: 'as_of', date }, settings: o.settings, rules, loans: o.loans })})
    WHERE date = ${date}`;
}

/** The rows of accrualAsOfSql, by loan_id; money as numbers. */
export async function amountToCureAsOf(wh: Warehouse, o: AccrualAsOfOptions): Promise<AccrualRow[]> {
  const rest = trusted(['status', 'dpd', 'accrual_status', ...accrualMoneyColumns].join(', '));
  return querySql<AccrualRow>(
    wh,
    sql`SELECT loan_id, toString(lwq_a.date) AS date, ${rest} FROM (${accrualAsOfSql(wh, o)}) AS lwq_a ORDER BY loan_id`,
  );
}
