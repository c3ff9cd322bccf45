import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { csvTable } from '../../warehouse/csv-cell.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { anyOf, param, sql, trusted } from '../../warehouse/sql.ts';
import { assertKnownNames } from '../../warehouse/metrics/known-values.ts';
import type { WarningRules } from './rules.ts';

export interface StoredWarning {
  as_of: string;
  rule_id: string;
  kind: string;
  severity: string;
  loan_id: string;
  model: string;
  value: number;
  threshold: number;
  evidence: Record<string, unknown>;
  region: string;
  product: string;
  branch: string;
  team: string;
  fired_at: string;
}
export interface WarningFilters {
  rule?: string[];
  kind?: string[];
  severity?: string[];
  region?: string[];
  team?: string[];
  loanId?: string;
}
export interface WarningKey {
  rule_id: string;
  loan_id: string;
  model: string;
}

/**
 * Stored warnings of one date, in (rule, loan, model) order, one page after a key: the key is
 * compared in ClickHouse so a page never needs the whole list in memory.
 */
export async function listWarnings(
  wh: Warehouse,
  o: { asOf: string; filters?: WarningFilters; limit: number; after?: WarningKey | null },
): Promise<StoredWarning[]> {
  const f = o.filters ?? {};
  // the date is selected as `day`: an alias named as_of would shadow the column in WHERE (ClickHouse resolves aliases first)
  const loan = param(f.loanId ?? '', 'String');
  const rows = await querySql<Omit<StoredWarning, 'evidence' | 'as_of'> & { day: string; evidence: string }>(
    wh,
    sql`
    SELECT toString(as_of) AS day, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, toString(fired_at) AS fired_at
    FROM ${trusted(tableRef(wh, 'warnings'))}
    WHERE as_of = ${param(o.asOf, 'Date')}
      AND ${anyOf(f.rule, 'rule_id')}
      AND ${anyOf(f.kind, 'kind')}
      AND ${anyOf(f.severity, 'severity')}
      AND ${anyOf(f.region, 'region')}
      AND ${anyOf(f.team, 'team')}
      AND (${loan} = '' OR loan_id = ${loan})
      AND (rule_id, loan_id, model) > (${param(o.after?.rule_id ?? '', 'String')}, ${param(o.after?.loan_id ?? '', 'String')}, ${param(o.after?.model ?? '', 'String')})
    ORDER BY rule_id, loan_id, model
    LIMIT ${param(o.limit, 'UInt32')}`,
  );
  return rows.map(({ day, ...r }) => ({
    as_of: day,
    ...r,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
  }));
}

export const warningKey = (w: StoredWarning): WarningKey => ({
  rule_id: w.rule_id,
  loan_id: w.loan_id,
  model: w.model,
});

/**
 * A warning's evidence as one text cell a spreadsheet user reads: `key=value` pairs joined by `; `,
 * a list's items by `, `, a nested object's keys as `key.sub` (`broken=1; action_id=L1-A20;
 * promised_date=2024-06-18; paid=56.77`). The JSON output keeps the object.
 */
export function evidenceText(evidence: Record<string, unknown>): string {
  const scalar = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
  const pairs: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) pairs.push(`${prefix}=${v.map(scalar).join(', ')}`);
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
    else pairs.push(`${prefix}=${scalar(v)}`);
  };
  for (const [k, v] of Object.entries(evidence)) walk(k, v);
  return pairs.join('; ');
}

/** The columns of warnings as CSV (evidence as text: evidenceText), the same for the CLI and the API. */
export const warningCsvColumns = [
  'as_of',
  'rule_id',
  'kind',
  'severity',
  'loan_id',
  'model',
  'value',
  'threshold',
  'region',
  'product',
  'branch',
  'team',
  'evidence',
  'fired_at',
] as const;

/** A warning as a CSV row: every cell one value (evidenceText), no JSON. */
export const warningCsvRow = (w: StoredWarning) => ({ ...w, evidence: evidenceText(w.evidence) });

export const warningsCsv = (ws: StoredWarning[]) => csvTable(warningCsvColumns, ws.map(warningCsvRow));

/** The rule ids that have fired on any day (sorted): a filter naming another matches nothing, ever. */
export async function storedRuleIds(wh: Warehouse): Promise<string[]> {
  const [r] = await querySql<{ ids: string[] }>(
    wh,
    sql`SELECT arraySort(groupUniqArray(rule_id)) AS ids FROM ${trusted(tableRef(wh, 'warnings'))}`,
  );
  return r?.ids ?? [];
}

/**
 * Refuses rule ids (an UnknownNameError naming the nearest known one) that neither the rules in use
 * name nor ever fired (an older rules file's): a filter by such a rule matches nothing, ever, and
 * its empty answer would read as a quiet day. A known rule with nothing on the date passes. The
 * CLI (`warnings --rule`) and the API (`GET /v1/warnings?rule=`) both check with it.
 */
export async function assertKnownRules(
  wh: Warehouse,
  ruleIds: readonly string[] | undefined,
  inUse: WarningRules,
): Promise<void> {
  if (!ruleIds || ruleIds.length === 0) return;
  assertKnownNames(
    'rule',
    ruleIds,
    [...new Set([...inUse.rules.map((r) => r.id), ...(await storedRuleIds(wh))])].sort(),
  );
}

/** Every stored warning of a date that passes the filters (at most `max`), a page at a time: a whole day's never sits in memory. */
export async function* iterateWarnings(
  wh: Warehouse,
  o: { asOf: string; filters?: WarningFilters; max?: number; pageSize?: number },
): AsyncGenerator<StoredWarning> {
  const pageSize = o.pageSize ?? 10_000;
  let after: WarningKey | null = null;
  let left = o.max ?? Number.MAX_SAFE_INTEGER;
  while (left > 0) {
    const page = await listWarnings(wh, { asOf: o.asOf, filters: o.filters, limit: Math.min(left, pageSize), after });
    yield* page;
    left -= page.length;
    if (page.length < Math.min(left + page.length, pageSize)) return;
    after = warningKey(page.at(-1)!);
  }
}
