import { exec, execSql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { derivedTables } from '../../warehouse/derived-facts.ts';
import { sql, trusted, type Sql } from '../../warehouse/sql.ts';

/**
 * What a snapshot writes per loan, in the order it derives them (sale_facts reads loan_defaults,
 * the accrual and the month-end state read loan_month): a refresh replaces the touched loans' rows
 * of each.
 */
export const perLoanTables = ['loan_month', ...derivedTables, 'loan_month_accrual', 'month_end_state'] as const;

/**
 * The per-loan tables a loan's rows of which change only with its loan-months: loan_month, what is
 * derived from it alone (warning_facts), and the accrual (which reads no row dated after the loan's
 * last month-end). A refresh replaces them for the loans it recomputes (touched-loans.ts); the other
 * derived facts read payments and actions of any date, so they are replaced for every touched loan.
 */
export const loanMonthTables: ReadonlySet<(typeof perLoanTables)[number]> = new Set([
  'loan_month',
  'warning_facts',
  'loan_month_accrual',
]);

/**
 * The raw tables the snapshot's statements read, and how a table's rows belong to a loan. A
 * customer's row goes with the loans of that customer (the borrower type and region of the loan),
 * so `customers` is copied after `loans`, from the scope's loans.
 */
const inputTables: Record<string, 'loan_id' | 'customer_id'> = {
  loans: 'loan_id',
  customers: 'customer_id',
  schedule: 'loan_id',
  payments: 'loan_id',
  performance: 'loan_id',
  loan_events: 'loan_id',
  collection_actions: 'loan_id',
  classification_overrides: 'loan_id',
};

/**
 * The columns of loan_month the refresh's statements read of a kept loan's month-ends: the derived
 * facts (loan_defaults: the default month-end, EAD, attributes, stages; collection_facts: buckets;
 * restructure_facts and sale_facts: balances, buckets, DPD, status) and the month-end state (the
 * loans active at the month-end). Only these are copied: the touched loans are spread over the
 * whole book, so the copy reads every granule of each column it takes (the 1M book's day: 0.55-0.6 s
 * for every column, 0.35 s for these). The kept rows are never written back (loanMonthTables), and
 * a statement reading another column of them would differ from the full rebuild, which
 * incremental-refresh-property.test.ts compares.
 */
export const keptLoanMonthColumns = [
  'loan_id',
  'month_end',
  'source',
  'status',
  'default_flag',
  'dpd',
  'bucket',
  'ifrs9_stage',
  'principal_balance',
  'product',
  'region',
  'branch',
  'channel',
  'cohort_month',
] as const;

/**
 * The database a refresh computes the touched loans' rows in: every raw table the snapshot reads,
 * copied once for those loans, and empty tables like the live ones for what it writes. The
 * snapshot's own statements then run there unchanged, each reading a few per cent of the book.
 * Run against the live tables, each of the refresh's dozen statements read almost all of every
 * input it joins: the touched loans are spread over the whole id range, so nearly every granule
 * (8,192 rows) of a table ordered by loan_id holds one and a filter by loan_id skips none.
 */
export const refreshScope = (wh: Warehouse): Warehouse => ({ ...wh, database: `${wh.database}_refresh` });

/**
 * Creates the scope (refreshScope) for the loans of `touched` (a table with a loan_id column). The
 * loan-months of the loans in `kept` (a subquery of loan ids) are copied too: the refresh keeps them,
 * and the derived facts it rebuilds for those loans read them (the columns they read, keptLoanMonthColumns).
 */
export async function createRefreshScope(wh: Warehouse, touched: string, kept?: Sql): Promise<Warehouse> {
  const scope = refreshScope(wh);
  await dropRefreshScope(wh);
  await exec(wh, `CREATE DATABASE ${scope.database}`);
  for (const table of [...Object.keys(inputTables), ...perLoanTables])
    await exec(wh, `CREATE TABLE ${tableRef(scope, table)} AS ${tableRef(wh, table)}`);
  const loansOf = `SELECT loan_id FROM ${touched}`;
  for (const [table, key] of Object.entries(inputTables)) {
    const rows =
      key === 'loan_id'
        ? `loan_id IN (${loansOf})`
        : `customer_id IN (SELECT customer_id FROM ${tableRef(scope, 'loans')})`;
    await exec(wh, `INSERT INTO ${tableRef(scope, table)} SELECT * FROM ${tableRef(wh, table)} WHERE ${rows}`);
  }
  if (kept) {
    const columns = trusted(keptLoanMonthColumns.join(', '));
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(tableRef(scope, 'loan_month'))} (${columns}) SELECT ${columns} FROM ${trusted(tableRef(wh, 'loan_month'))} WHERE loan_id IN (${kept})`,
    );
  }
  return scope;
}

/** Drops the scope with everything in it (also what a killed run left). */
export async function dropRefreshScope(wh: Warehouse): Promise<void> {
  await exec(wh, `DROP DATABASE IF EXISTS ${refreshScope(wh).database}`);
}
