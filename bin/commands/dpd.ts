import { z } from 'zod';
import { isoDate, list, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';
import { delinquencyAsOf, type DelinquencyAsOf } from '../../pipelines/snapshot/delinquency-as-of.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { UserError } from '../../lib/user-error.ts';
import { accrualRulesOf, loadAccrualRules } from '../../pipelines/accrual/accrual-rules.ts';
import { assertRuleProductsLoaded } from '../../pipelines/accrual/rule-products.ts';
import { amountToCureAsOf } from '../../pipelines/accrual/amount-to-cure.ts';
import type { AccrualRow } from '../../pipelines/accrual/accrual-row.ts';
import { param, sql } from '../../warehouse/sql.ts';

const dpdFlags = {
  'as-of': flag(isoDate, 'the day', 'YYYY-MM-DD'),
  loan: flag(
    list.pipe(z.array(z.string().max(128)).min(1, 'expected a loan id')).optional(),
    'these loans only (comma-separated)',
    'ID[,ID…]',
  ),
  'accrual-rules': flag(
    z.string().min(1).optional(),
    'the accrual rules as JSON (default: LOANWATCH_ACCRUAL_RULES, else pipelines/accrual/default-accrual.json)',
    'FILE',
  ),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 50 rows), or every row as csv/json',
    'table|csv|json',
  ),
};
export type DpdFlags = FlagValues<typeof dpdFlags>;

export const dpdCommand = defineCommand({
  name: 'dpd',
  summary: 'DPD and bucket of every loan on any date',
  description:
    "Days past due, bucket, balance and overdue amounts of every loan on a date, from the payment history (tape loans: their latest month-end on or before it), with what is owed beyond the schedule (penalty and compound interest, fees, waivers, accrual status, amount to cure and the DPD and overdue amounts it counts under the accrual rules; docs/accrual.md; empty for tape loans). The date must not be before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS): refused (exit 2), not answered empty.",
  flags: dpdFlags,
  examples: ['loanwatch dpd --as-of 2024-06-15 --format csv > dpd-2024-06-15.csv'],
  warehouse: true,
  run: ({ wh, config, out }, f) => runDpd(wh, config, out, f),
});

const dpdColumns = [
  'loan_id',
  'as_of',
  'source',
  'dpd',
  'bucket',
  'status',
  'principal_balance',
  'overdue_principal',
  'overdue_interest',
] as const satisfies readonly (keyof DelinquencyAsOf)[];
/**
 * The accrual's columns. Its own DPD and overdue amounts follow its allocation order: under the
 * default (scheduled first) they are the snapshot's, but for a written-off loan settled or sold
 * (closed: nothing is owed); where charges are paid first a payment pays them before the schedule,
 * so the loan is further behind than the snapshot (SPEC §4) says. Its amount to cure counts its own
 * overdue amounts: shown as the last columns (a loader reading by position keeps the earlier ones),
 * so every row adds up.
 */
const accrualColumns = [
  'accrual_status',
  'penalty_interest',
  'compound_interest',
  'fees',
  'penalty_paid',
  'compound_paid',
  'fees_paid',
  'penalty_waived',
  'compound_waived',
  'fees_waived',
  // cash the servicer marked as penalty beyond the charges owed: without it the charges paid do not tie to the cash
  'unapplied',
  'interest_arrears_on_bs',
  'interest_arrears_off_bs',
  'amount_to_cure',
  'accrual_dpd',
  'accrual_overdue_principal',
  'accrual_overdue_interest',
] as const satisfies readonly (keyof DpdAccrual)[];
const columns = [...dpdColumns, ...accrualColumns];
/** the rows the table prints (csv and json print every row) */
const tableRows = 50;

/** An accrual row under the names dpd gives its own DPD and overdue amounts (beside the snapshot's). */
type DpdAccrual = Omit<AccrualRow, 'dpd' | 'overdue_principal' | 'overdue_interest'> & {
  accrual_dpd: number;
  accrual_overdue_principal: number;
  accrual_overdue_interest: number;
};
const asDpdAccrual = ({ dpd, overdue_principal, overdue_interest, ...rest }: AccrualRow): DpdAccrual => ({
  ...rest,
  accrual_dpd: dpd,
  accrual_overdue_principal: overdue_principal,
  accrual_overdue_interest: overdue_interest,
});

/** A loan's DPD with its accrual on the date; a tape loan has no accrual (empty columns). */
export type DpdRow = DelinquencyAsOf & Partial<Pick<DpdAccrual, (typeof accrualColumns)[number]>>;

export async function runDpd(wh: Warehouse, config: Config, out: Output, f: DpdFlags) {
  await assertWithinData(wh, f['as-of'], '--as-of');
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  const wanted = f.loan ? new Set(f.loan) : null;
  const dpd = (await delinquencyAsOf(wh, f['as-of'], settings)).filter((r) => !wanted || wanted.has(r.loan_id));
  if (wanted && dpd.length < wanted.size) {
    const found = new Set(dpd.map((r) => r.loan_id));
    const missing = [...wanted].filter((id) => !found.has(id));
    throw new UserError(`no loan ${missing.map((id) => JSON.stringify(id)).join(', ')} on ${f['as-of']}`);
  }
  const rules = f['accrual-rules'] ? loadAccrualRules(f['accrual-rules']) : accrualRulesOf(settings);
  // a lender's own rules file only: the default's card entry is for books that have cards
  const own = config.LOANWATCH_ACCRUAL_RULES;
  const source = f['accrual-rules'] ?? (own ? `LOANWATCH_ACCRUAL_RULES (${own.path})` : undefined);
  if (source) await assertRuleProductsLoaded(wh, rules, source);
  const accrual = await amountToCureAsOf(wh, {
    asOf: f['as-of'],
    settings,
    rules,
    loans: f.loan ? sql`SELECT arrayJoin(${param(f.loan, 'Array(String)')})` : undefined,
  });
  const byLoan = new Map(accrual.map((a) => [a.loan_id, asDpdAccrual(a)]));
  const rows: DpdRow[] = dpd.map((r) => {
    const a = byLoan.get(r.loan_id);
    if (!a) return r;
    return { ...r, ...Object.fromEntries(accrualColumns.map((c) => [c, a[c]])) };
  });
  // every amount a number, as the accrual's are: a script summing them met strings beside numbers
  if (f.format === 'json') await writeJson(out, rows.map(withNumericAmounts));
  else if (f.format === 'csv') await writeCsv<DpdRow>(out, columns, rows);
  else {
    printTable(
      out,
      rows,
      [
        { header: 'loan', value: (r) => r.loan_id },
        { header: 'source', value: (r) => r.source },
        { header: 'dpd', value: (r) => r.dpd, format: 'int' },
        { header: 'bucket', value: (r) => r.bucket },
        { header: 'status', value: (r) => r.status },
        { header: 'balance', value: (r) => r.principal_balance, format: 'money' },
        { header: 'overdue principal', value: (r) => r.overdue_principal, format: 'money' },
        { header: 'overdue interest', value: (r) => r.overdue_interest, format: 'money' },
        { header: 'accrual', value: (r) => r.accrual_status ?? '' },
        {
          header: 'penalty',
          value: (r) => owedOf(r, r.penalty_interest, r.penalty_paid, r.penalty_waived),
          format: 'money',
        },
        {
          header: 'compound',
          value: (r) => owedOf(r, r.compound_interest, r.compound_paid, r.compound_waived),
          format: 'money',
        },
        { header: 'fees', value: (r) => owedOf(r, r.fees, r.fees_paid, r.fees_waived), format: 'money' },
        { header: 'to cure', value: (r) => r.amount_to_cure ?? null, format: 'money' },
        { header: 'unapplied', value: (r) => r.unapplied ?? null, format: 'money' },
      ],
      { limit: tableRows },
    );
    // where the accrual's own overdue amounts are not the ones shown, the row's amount to cure does not add up from it
    const apart = (rs: readonly DpdRow[]) =>
      rs.filter(
        (r) =>
          r.accrual_overdue_principal !== undefined &&
          (Number(r.overdue_principal) !== r.accrual_overdue_principal ||
            Number(r.overdue_interest) !== r.accrual_overdue_interest),
      ).length;
    const all = apart(rows);
    if (all > 0) {
      const shown = apart(rows.slice(0, tableRows));
      const which =
        rows.length > tableRows ? `${shown} of the loans shown (${all} in all)` : `${all} loan${all === 1 ? '' : 's'}`;
      out.line(
        `the amount to cure of ${which} counts overdue amounts other than the snapshot's shown here ` +
          '(charges paid before the schedule put a loan further behind; a written-off loan settled or sold owes nothing): ' +
          'accrual_dpd and accrual_overdue_* in --format csv or json',
      );
    }
  }
  return rows;
}

/**
 * What is still owed of a charge (accrued less paid and waived); null for a loan without accrual, 0
 * for a written-off account settled or sold (closed: nothing is owed to the lender).
 */
const owedOf = (r: DpdRow, accrued?: number, paid?: number, waived?: number) =>
  accrued === undefined
    ? null
    : r.accrual_status === 'closed'
      ? 0
      : Math.round((accrued - (paid ?? 0) - (waived ?? 0)) * 100) / 100;

/** the snapshot's amounts (exact decimal text from the engine) as numbers, for JSON */
const withNumericAmounts = (r: DpdRow) => ({
  ...r,
  principal_balance: Number(r.principal_balance),
  overdue_principal: Number(r.overdue_principal),
  overdue_interest: Number(r.overdue_interest),
});
