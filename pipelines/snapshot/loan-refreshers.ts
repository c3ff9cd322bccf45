import { exec, type Warehouse } from '../../warehouse/connection.ts';
import { derivedTables, insertStatement } from '../../warehouse/derived-facts.ts';
import { render, type Sql } from '../../warehouse/sql.ts';
import { fillAccrual } from '../accrual/fill-accrual.ts';
import { replaceLoanRows } from './replace-loan-rows.ts';
import type { SnapshotSettings } from './snapshot-settings.ts';

/** Recomputes one per-loan table for the touched loans (a subquery of loan ids) after loan_month is refreshed. */
export type LoanRefresher = (wh: Warehouse, touchedLoans: Sql) => Promise<void>;

/** derived-facts' statements are text: the touched-loans subquery binds nothing, so it goes in as text. */
function asText(loans: Sql): string {
  const r = render(loans);
  if (Object.keys(r.query_params).length > 0) throw new Error('a loan subset for the derived facts binds no values');
  return r.query;
}

/**
 * Every per-loan table the full snapshot rebuilds after loan_month, in the same order: an
 * incremental refresh runs each for the touched loans. A table derived per loan is registered here,
 * once. The accrual (issue 23) replaces its loans' rows itself (fillAccrual with `loans`).
 */
export const loanRefreshers = (settings: SnapshotSettings): { table: string; refresh: LoanRefresher }[] => [
  ...derivedTables.map((table) => ({
    table,
    refresh: (wh: Warehouse, loans: Sql) =>
      replaceLoanRows(wh, table, loans, (into) => exec(wh, insertStatement(wh, table, into, asText(loans)))),
  })),
  { table: 'loan_month_accrual', refresh: (wh, loans) => fillAccrual(wh, { settings, loans }) },
];
