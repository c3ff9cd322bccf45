import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { querySqlCompact } from '../../warehouse/compact-rows.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { accrualRulesOf, type AccrualRules } from './accrual-rules.ts';
import { accrualMoneyColumns, type AccrualRow } from './accrual-row.ts';
import { accrualSql } from './accrual-sql.ts';
import { owedFromMonthEndStateSql } from './accrual-from-state-sql.ts';
import { lastMonthEnd } from '../snapshot/build-snapshots.ts';
import { heldMonthEndState } from '../snapshot/month-end-state.ts';
import { noIngestSinceSnapshot } from '../snapshot/delinquency-as-of.ts';

export interface AccrualAsOfOptions {
  /** the day: charges accrue through it, payments on it count */
  asOf: string;
  /** the snapshot's settings (grace and DPD convention) */
  settings: SnapshotSettings;
  /** default: the settings' (accrualRulesOf) */
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
  const rules = o.rules ?? accrualRulesOf(o.settings);
  return sql`SELECT * FROM (${accrualSql(wh, { dates: { kind: 'as_of', date }, settings: o.settings, rules, loans: o.loans })})
    WHERE date = ${date}`;
}

/**
 * Whether the snapshot's loan_month_accrual holds the date under these rules: the date is a month-end
 * it evaluated, and every row of that month-end was built with the rules' label. Its rows are the
 * same accrual SQL's at the loans' month-ends, so for a loan active on that month-end they equal the
 * fold from history — while nothing was ingested since the snapshot; reading them spares the case list a fold over every case's whole history (60 s
 * for a month-end list on the 1M book, against seconds).
 */
async function snapshotHoldsDate(wh: Warehouse, asOf: string, label: string): Promise<boolean> {
  // one label when the least equals the greatest: a third of uniqExact's time over a month-end's rows
  const [r] = await querySql<{ n: string; least: string; greatest: string }>(
    wh,
    sql`SELECT toString(count()) AS n, toString(min(rules)) AS least, toString(max(rules)) AS greatest
      FROM ${trusted(tableRef(wh, 'loan_month_accrual'))} WHERE month_end = ${param(asOf, 'Date')}`,
  );
  // and nothing ingested since the snapshot: a late payment of the month-end otherwise showed its live DPD 0
  // beside the stored row's 136 days and an amount to cure of the arrears it paid
  return Number(r?.n ?? 0) > 0 && r?.least === label && r.greatest === label && (await noIngestSinceSnapshot(wh));
}

/**
 * When the snapshot holds the date (snapshotHoldsDate), its rows of that date as a fragment per part
 * of the book — loan_id, amount_to_cure, overdue_principal, overdue_interest — for a reader to join
 * (the case list at a month-end); null when it does not, and the fold from history is needed.
 */
export async function heldAccrualSql(
  wh: Warehouse,
  o: { asOf: string; rules: AccrualRules },
): Promise<((part: LoanPart) => Sql) | null> {
  if (!(await snapshotHoldsDate(wh, o.asOf, o.rules.label))) return null;
  return (part) =>
    sql`SELECT ${owedColumns} FROM ${trusted(tableRef(wh, 'loan_month_accrual'))}
      WHERE month_end = ${param(o.asOf, 'Date')} AND ${inLoanPart('loan_id', part)}`;
}

/** What a case list shows of a loan's accrual row: the amount to cure and its overdue part (the rest are charges). */
export type OwedToCure = Pick<AccrualRow, 'loan_id' | 'amount_to_cure' | 'overdue_principal' | 'overdue_interest'>;
const owedColumns = trusted('loan_id, amount_to_cure, overdue_principal, overdue_interest');

/** Every column of AccrualRow, the date read from `date` (the snapshot's month_end or the fold's date). */
const accrualRowColumns = (date: string) =>
  sql`loan_id, toString(${trusted(date)}) AS date, ${trusted(['status', 'dpd', 'accrual_status', ...accrualMoneyColumns].join(', '))}`;

/**
 * Columns of each loan's accrual row on a date, by loan_id: the snapshot's rows when it holds the
 * date, else folded from history. The snapshot has rows for the loans open at the month-end or
 * closing in its month, for the written-off ones not yet settled or sold and the paid-off ones still
 * owing charges; a loan closed before otherwise (paid off in May owing nothing, read at June's end) is folded, as it is on any other day — its charges
 * stand as they were left, or as later cash paid them — where it had no row at all on a month-end
 * and its row on the days around it.
 */
async function accrualAsOf<T extends { loan_id: string }>(
  wh: Warehouse,
  o: AccrualAsOfOptions,
  columns: (date: string) => Sql,
): Promise<T[]> {
  const rules = o.rules ?? accrualRulesOf(o.settings);
  if (!(await snapshotHoldsDate(wh, o.asOf, rules.label))) return foldedAsOf<T>(wh, { ...o, rules }, columns);
  const date = param(o.asOf, 'Date');
  const inLoans = o.loans ? sql`AND loan_id IN (${o.loans})` : trusted('');
  const heldLoans = sql`SELECT loan_id FROM ${trusted(tableRef(wh, 'loan_month_accrual'))} WHERE month_end = ${date} ${inLoans}`;
  // the loans the fold would give a row that the month-end does not hold (a tape loan has none either way)
  const closedBefore = sql`SELECT loan_id FROM ${trusted(tableRef(wh, 'loans'))}
    WHERE origination_date <= ${date} ${inLoans} AND loan_id NOT IN (${heldLoans})
      AND loan_id NOT IN (SELECT loan_id FROM ${trusted(tableRef(wh, 'performance'))})`;
  // the count first: the fold costs over a second to analyse whatever its loans
  const [[left], held] = await Promise.all([
    querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM (${closedBefore})`),
    querySql<T>(
      wh,
      sql`SELECT ${columns('month_end')} FROM ${trusted(tableRef(wh, 'loan_month_accrual'))}
        WHERE month_end = ${date} ${inLoans} ORDER BY loan_id`,
    ),
  ]);
  if (Number(left?.n ?? 0) === 0) return held;
  const folded = await foldedAsOf<T>(wh, { ...o, rules, loans: closedBefore }, columns);
  // in the engine's order of loan_id (bytes), as one ORDER BY over both would give
  return [...held, ...folded].sort((a, b) => Buffer.compare(Buffer.from(a.loan_id), Buffer.from(b.loan_id)));
}

const foldedAsOf = <T>(wh: Warehouse, o: AccrualAsOfOptions, columns: (date: string) => Sql) =>
  querySql<T>(wh, sql`SELECT ${columns('lwq_a.date')} FROM (${accrualAsOfSql(wh, o)}) AS lwq_a ORDER BY loan_id`);

/** The rows of accrualAsOfSql, by loan_id; money as numbers (from the snapshot's rows when it holds the date). */
export const amountToCureAsOf = (wh: Warehouse, o: AccrualAsOfOptions): Promise<AccrualRow[]> =>
  accrualAsOf<AccrualRow>(wh, o, accrualRowColumns);

/** accrualAsOfSql's rows, always folded from each loan's history (what the snapshot's rows must equal at a month-end). */
export const amountToCureFromHistory = (wh: Warehouse, o: AccrualAsOfOptions): Promise<AccrualRow[]> =>
  foldedAsOf<AccrualRow>(wh, o, accrualRowColumns);

/**
 * Where owedToCureAsOf carries a day after a month-end from: the month-end's kept state (its
 * keeping's id) when the snapshot's accrual rows of that month-end are the rules' and the rules pay
 * the schedule first; null when the day is folded from history (or read from the snapshot's rows of
 * the day itself). It depends on the date alone, so a caller can ask it before it knows the loans
 * (the case list asks beside its first statements, not after them).
 */
export async function owedToCureSource(
  wh: Warehouse,
  o: { asOf: string; rules: AccrualRules },
): Promise<string | null> {
  const { rules } = o;
  const me = lastMonthEnd(o.asOf);
  if (me === o.asOf || !scheduledFirst(rules)) return null;
  // both reads sent at once: the second does not wait for Node to take the first's answer
  const [holds, fillId] = await Promise.all([snapshotHoldsDate(wh, me, rules.label), heldMonthEndState(wh, me)]);
  return holds ? fillId : null;
}

/**
 * amountToCureAsOf's amounts to cure alone, by loan_id: the three columns a case list shows of each
 * case, not the accrual's twenty (on a mid-month list of 100,000 cases their transfer and parsing was
 * a fifth of the statement's time). Off a month-end, carried forward from the last month-end's
 * accrual rows over the loans' kept state when both are held and the rules pay the schedule first
 * (owedFromMonthEndStateSql; 0.5-0.6 s for a list's 79,000 delinquent cases on the 1M book, where
 * folding their histories took 2.8 s), the other loans folded from their history.
 */
export async function owedToCureAsOf(
  wh: Warehouse,
  o: AccrualAsOfOptions & {
    loans: Sql;
    /** owedToCureSource's answer for the date and rules, when the caller asked it already */
    source?: Promise<string | null> | undefined;
  },
): Promise<OwedToCure[]> {
  const rules = o.rules ?? accrualRulesOf(o.settings);
  const me = lastMonthEnd(o.asOf);
  const fillId = await (o.source ?? owedToCureSource(wh, { asOf: o.asOf, rules }));
  if (fillId === null) return accrualAsOf<OwedToCure>(wh, { ...o, rules }, () => owedColumns);
  const fromState = owedFromMonthEndStateSql(wh, {
    asOf: o.asOf,
    monthEnd: me,
    fillId,
    settings: o.settings,
    rules,
    loans: o.loans,
  });
  // the loans the state does not carry (a penalty part above its cash, a performance tape) from their history
  const others = sql`SELECT loan_id FROM (${o.loans}) WHERE loan_id NOT IN (
      SELECT loan_id FROM ${trusted(tableRef(wh, 'month_end_state'))}
      WHERE month_end = ${param(me, 'Date')} AND fill_id = ${param(fillId, 'String')} AND penalty_above_cash = 0 AND loan_id IN (${o.loans}))`;
  // sent together, not one after the other: the carried rows do not wait for the count of the others.
  // The fold costs over a second to analyse whatever its loans, so it runs only when some are left to it
  // (the count first: the last answer to arrive is the one Node waits for)
  const [[left], carried] = await Promise.all([
    querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM (${others})`),
    querySqlCompact<OwedToCure>(wh, sql`SELECT ${owedColumns} FROM (${fromState}) ORDER BY loan_id`),
  ]);
  if (Number(left?.n ?? 0) === 0) return carried;
  const folded = await querySqlCompact<OwedToCure>(
    wh,
    sql`SELECT ${owedColumns} FROM (${accrualAsOfSql(wh, { ...o, rules, loans: others })}) ORDER BY loan_id`,
  );
  // in the engine's order of loan_id (bytes), as one ORDER BY over both would give
  return [...carried, ...folded].sort((a, b) => Buffer.compare(Buffer.from(a.loan_id), Buffer.from(b.loan_id)));
}

/** Whether every product's rules pay the schedule before any charge (the closed forms' order). */
const scheduledFirst = (rules: AccrualRules) =>
  [rules.default, ...Object.values(rules.products)].every((r) => r.allocation_order[0] === 'scheduled');
