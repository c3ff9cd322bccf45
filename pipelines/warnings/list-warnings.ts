import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { csvTable } from '../../warehouse/csv-cell.ts';
import { tableRef } from '../../warehouse/ddl.ts';

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
  const rows = await queryRows<Omit<StoredWarning, 'evidence' | 'as_of'> & { day: string; evidence: string }>(
    wh,
    `
    SELECT toString(as_of) AS day, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, toString(fired_at) AS fired_at
    FROM ${tableRef(wh, 'warnings')}
    WHERE as_of = {as_of:Date}
      AND (empty({rule:Array(String)}) OR has({rule:Array(String)}, rule_id))
      AND (empty({kind:Array(String)}) OR has({kind:Array(String)}, kind))
      AND (empty({severity:Array(String)}) OR has({severity:Array(String)}, severity))
      AND (empty({region:Array(String)}) OR has({region:Array(String)}, region))
      AND (empty({team:Array(String)}) OR has({team:Array(String)}, team))
      AND ({loan:String} = '' OR loan_id = {loan:String})
      AND (rule_id, loan_id, model) > ({after_rule:String}, {after_loan:String}, {after_model:String})
    ORDER BY rule_id, loan_id, model
    LIMIT {limit:UInt32}`,
    {
      as_of: o.asOf,
      rule: f.rule ?? [],
      kind: f.kind ?? [],
      severity: f.severity ?? [],
      region: f.region ?? [],
      team: f.team ?? [],
      loan: f.loanId ?? '',
      after_rule: o.after?.rule_id ?? '',
      after_loan: o.after?.loan_id ?? '',
      after_model: o.after?.model ?? '',
      limit: o.limit,
    },
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

/** The columns of warnings as CSV (evidence as a JSON cell), the same for the CLI and the API. */
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

export const warningsCsv = (ws: StoredWarning[]) => csvTable(warningCsvColumns, ws);

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
