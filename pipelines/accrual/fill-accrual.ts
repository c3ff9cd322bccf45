import { exec, execSql, querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { accrualTables, noNextMonthEnd } from '../../warehouse/tables.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { accrualRulesOf, type AccrualRules } from './accrual-rules.ts';
import { accrualSql } from './accrual-sql.ts';
import { wholeBook, type LoanPart } from '../../warehouse/loan-part.ts';
import { loanRangeParts } from '../../warehouse/loan-ranges.ts';

export interface FillAccrualOptions {
  /** the snapshot's settings (grace and DPD convention decide when an installment starts accruing) */
  settings: SnapshotSettings;
  /** default: the settings' (accrualRulesOf: LOANWATCH_ACCRUAL_RULES or pipelines/accrual/default-accrual.json) */
  rules?: AccrualRules | undefined;
  /**
   * a whole rebuild runs in this many passes over ranges of loan ids (the snapshot's count, default
   * 1): the accrual holds every event of the loans in a pass (one pass over the 1M book: 5.3 GB)
   */
  passes?: number | undefined;
  /** the snapshot's last month-end: a written-off loan has rows through it (until settled or sold) */
  through: string;
  /** a subquery of loan ids: only these loans' rows are recomputed, the table's other rows kept */
  loans?: Sql | undefined;
}

const columns = accrualTables.loan_month_accrual.columns.map(([n]) => n);

/**
 * Rebuilds loan_month_accrual from loan_month and the raw tables (run at the end of the snapshot),
 * into a new table swapped in atomically (EXCHANGE), as the snapshot does. An incremental refresh
 * runs it in its scope of the touched loans (refresh-scope.ts).
 */
export async function fillAccrual(wh: Warehouse, o: FillAccrualOptions): Promise<void> {
  const rules = o.rules ?? accrualRulesOf(o.settings);
  const label = param(rules.label, 'String');
  const through = param(o.through, 'Date');
  // in the table's order of columns (the INSERT names them so): the rules' label in its place
  const select = (only: { part?: LoanPart; loans?: Sql; afterPayoff?: 'from_payoff' | 'whole_history' }) => sql`
    SELECT ${trusted(columns.map((c) => (c === 'month_end' ? 'date AS month_end' : c === 'rules' ? 'lwq_rules AS rules' : c)).join(', '))}
    FROM (SELECT *, ${label} AS lwq_rules
      FROM (${accrualSql(wh, {
        dates: { kind: 'loan_month', through, afterPayoff: only.afterPayoff },
        settings: o.settings,
        rules,
        loans: only.loans ?? o.loans,
        ...(only.part ? { part: only.part } : {}),
      })}))`;
  const live = tableRef(wh, 'loan_month_accrual');
  const next = tableRef(wh, 'loan_month_accrual_next');
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  const passes = Math.max(1, o.passes ?? 1);
  // ranges of loan ids with about equal payments each: a pass reads only its own granules of the
  // inputs (hash passes each read all of them) and holds about a pass's share of the events
  const parts = passes === 1 ? [wholeBook] : await loanRangeParts(wh, passes, 'payments');
  for (const p of parts) {
    const part = parts.length === 1 ? {} : { part: p };
    await execSql(wh, sql`INSERT INTO ${trusted(next)} (${trusted(columns.join(', '))}) ${select(part)}`, {
      max_insert_threads: 2,
    });
  }
  // a loan the snapshot has paid off whose payoff row still owes charges keeps a row at every later
  // month-end while they are owed (its penalty stays 表内欠息 until paid or waived): the few such loans
  // evaluated again through the snapshot's last month-end, rather than every paid-off loan in the passes
  // — from the payoff row on where the accrual has it paid off too (DPD 0: always under scheduled-first
  // rules); from the start where a charges-first order left installments unpaid (they fall due later)
  const afterPayoff = (accrual: string) => sql`SELECT loan_id FROM ${trusted(next)}
    WHERE ${trusted(accrual)}
      AND (loan_id, month_end) IN (SELECT loan_id, month_end FROM ${trusted(tableRef(wh, 'loan_month'))}
        WHERE next_month_end = ${param(noNextMonthEnd, 'Date')} AND status = 'paid_off' AND source = 'schedule')`;
  const behind = afterPayoff("accrual_status != 'paid_off'");
  const [n] = await querySql<{ n: string }>(wh, sql`SELECT toString(count()) AS n FROM (${behind})`);
  const tails: [Sql, 'from_payoff' | 'whole_history'][] = [
    [afterPayoff("accrual_status = 'paid_off' AND amount_to_cure > 0"), 'from_payoff'],
  ];
  if (Number(n?.n ?? 0) > 0) tails.push([behind, 'whole_history']);
  for (const [loans, dates] of tails)
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(next)} (${trusted(columns.join(', '))}) ${select({ loans, afterPayoff: dates })}`,
      { max_insert_threads: 2 },
    );
  if (o.loans)
    await execSql(
      wh,
      sql`INSERT INTO ${trusted(next)} SELECT * FROM ${trusted(live)} WHERE loan_id NOT IN (${o.loans})`,
    );
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
}
