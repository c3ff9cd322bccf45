import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { loanKeyOf } from '../../warehouse/derived-facts.ts';
import { sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { systemTables } from '../../warehouse/tables.ts';
import { classNameOf } from './classify-sql.ts';
import { scheduleLoanMonthsSql } from './schedule-path-sql.ts';
import { snapshotPass, type SnapshotParams, type SnapshotPass } from './snapshot-settings.ts';
import { tapeLoanMonthsSql } from './tape-path-sql.ts';
import { inLoanPart, wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';

/**
 * The statements a snapshot writes loan_month with, shared by the full rebuild (every loan, in hash
 * buckets) and the incremental refresh (the touched loans: a pass with `loans`), so both write the
 * same rows from the same SQL.
 */

/** Both input paths, as one stream of classified loan-months up to the month-end `lastMe`. */
export const loanMonthsSql = (wh: Pick<Warehouse, 'database'>, lastMe: Param, pass: SnapshotPass) => sql`
  SELECT *, 'schedule' AS source FROM (${scheduleLoanMonthsSql(wh, { kind: 'month_ends', through: lastMe }, pass)})
  UNION ALL
  SELECT *, 'performance' AS source FROM (${tapeLoanMonthsSql(wh, lastMe, pass)})`;

/**
 * The non-retail loans (loan_id, customer_id): those of a non-retail borrower and those of a
 * non-retail product — the only loans the contagion rule reads. `customers` (a subquery of customer
 * ids) narrows to those borrowers' loans.
 */
export const nonRetailLoansSql = (wh: Pick<Warehouse, 'database'>, settings: SnapshotParams, customers?: Sql) => {
  const ofCustomers = customers ? sql` WHERE customer_id IN (${customers})` : sql``;
  const loans = trusted(tableRef(wh, 'loans'));
  return sql`
  SELECT lwq_l.loan_id AS loan_id, lwq_l.customer_id AS customer_id FROM ${customers ? sql`(SELECT * FROM ${loans}${ofCustomers})` : loans} AS lwq_l
  LEFT JOIN (SELECT customer_id, any(borrower_type) AS borrower_type FROM ${trusted(tableRef(wh, 'customers'))}${ofCustomers} GROUP BY customer_id) AS lwq_c
    ON lwq_c.customer_id = lwq_l.customer_id
  WHERE lwq_c.borrower_type = 'non_retail' OR has(${settings.nonRetailProducts}, lwq_l.product)`;
};

/**
 * The table of contagious borrower-months, empty. Declared rather than created from the query
 * (CREATE … AS SELECT): that analyses the query twice, once for the columns, and the analysis of
 * the loan-month query is most of a small refresh's pre-pass (about 0.7 s of 1.7 s).
 */
export const createContagionTable = (contagion: string) =>
  `CREATE TABLE ${contagion} (customer_id String, month_end Date) ENGINE = Memory`;

/**
 * Into the contagion table: the contagious borrower-months (2023 rules, art. 13: a non-retail
 * borrower whose non-performing share of exposure exceeds the threshold has all its active loans at
 * least 次级), from the non-retail loans in `loans`, which must hold every non-retail loan of the
 * borrowers kept. A part of the borrowers (by hash of customer_id) keeps only its own
 * borrower-months, so a full rebuild can read the non-retail loans in passes of bounded size while
 * each share stays whole.
 */
export const insertContagionSql = (
  wh: Pick<Warehouse, 'database'>,
  contagion: string,
  lastMe: Param,
  settings: SnapshotParams,
  loans: Sql,
  customers: LoanPart = wholeBook,
) => sql`INSERT INTO ${trusted(contagion)} ${contagionSql(wh, lastMe, settings, loans, customers)}`;

function contagionSql(
  wh: Pick<Warehouse, 'database'>,
  lastMe: Param,
  settings: SnapshotParams,
  loans: Sql,
  customers: LoanPart,
) {
  const prePass = snapshotPass(settings, { buckets: 1, bucket: 0, nonRetailOnly: true, loans });
  const own = customers.count === 1 ? sql`` : sql` AND ${inLoanPart('customer_id', customers)}`;
  return sql`
    SELECT customer_id, month_end FROM (${loanMonthsSql(wh, lastMe, prePass)})
    WHERE non_retail = 1 AND status = 'active'${own}
    GROUP BY customer_id, month_end
    HAVING sumIf(principal_balance, class_ord >= 3) > ${settings.contagionShare} * sum(principal_balance)`;
}

/**
 * Writes the pass's final loan-month rows into `into`: contagion (from `contagion`) and manual
 * overrides joined in, each row numbered with its loan's key (the loan-keys Join table must exist).
 */
export function insertLoanMonthsSql(
  wh: Pick<Warehouse, 'database'>,
  o: { into: string; contagion: string; lastMe: Param; settings: SnapshotParams; pass: SnapshotPass },
): Sql {
  const columns = systemTables.loan_month.columns.map(([n]) => n);
  return sql`INSERT INTO ${trusted(o.into)} (${trusted(columns.join(', '))})
      SELECT lwq_b.loan_id, lwq_b.month_end, lwq_b.source, lwq_b.customer_id, lwq_b.product, lwq_b.region, lwq_b.branch, lwq_b.channel,
        lwq_b.cohort_month, lwq_b.original_principal, lwq_b.mob, lwq_b.dpd, lwq_b.bucket, lwq_b.principal_balance, lwq_b.overdue_principal,
        lwq_b.overdue_interest, lwq_b.paid_in_month, lwq_b.status,
        multiIf(lwq_o.loan_id != '', lwq_o.five_class, ${classNameOf('final_ord')}) AS five_class,
        multiIf(lwq_o.loan_id != '', 'manual_override', contagious AND lwq_b.class_ord < 3, 'contagion', lwq_b.class_rule) AS five_class_rule,
        lwq_b.ifrs9_stage, lwq_b.default_flag, ${o.settings.label},
        lwq_b.prev_bucket, lwq_b.prev_balance, lwq_b.ever_bits, lwq_b.new_ever_bits, lwq_b.next_month_end, ${trusted(loanKeyOf(wh, 'lwq_b.loan_id'))}
      FROM (
        SELECT *, (lwq_g.customer_id != '' AND non_retail = 1 AND status = 'active') AS contagious,
          if(contagious, greatest(class_ord, 3), class_ord) AS final_ord
        FROM (${loanMonthsSql(wh, o.lastMe, o.pass)}) AS lwq_m
        LEFT JOIN ${trusted(o.contagion)} AS lwq_g ON lwq_g.customer_id = lwq_m.customer_id AND lwq_g.month_end = lwq_m.month_end
      ) AS lwq_b
      ASOF LEFT JOIN (SELECT loan_id, effective_date, argMax(five_class, set_at) AS five_class FROM ${trusted(tableRef(wh, 'classification_overrides'))} GROUP BY loan_id, effective_date) AS lwq_o
        ON lwq_o.loan_id = lwq_b.loan_id AND lwq_b.month_end >= lwq_o.effective_date`;
}
