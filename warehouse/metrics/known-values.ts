import { queryRows, querySql, type Warehouse } from '../connection.ts';
import { tableRef } from '../ddl.ts';
import { param, sql, trusted } from '../sql.ts';
import { UserError } from '../../lib/user-error.ts';

/** The filters a user names by value (CLI flags, API query parameters): each may be one value or a list. */
export interface FilterValues {
  product?: string | readonly string[];
  region?: string | readonly string[];
  branch?: string | readonly string[];
  channel?: string | readonly string[];
  team?: string | readonly string[];
}
export type FilterField = keyof FilterValues;

/** A filter value the warehouse does not hold: a typo would otherwise be an empty (and wrong-looking) answer. */
export class UnknownFilterValueError extends UserError {
  /** each field's unknown values and its choices (the API's details.fields[].known: no empty value, as the message) */
  readonly unknown: { field: FilterField; values: string[]; known: string[] }[];
  constructor(unknown: { field: FilterField; values: string[]; known: string[] }[]) {
    const choices = unknown.map((u) => ({ ...u, known: u.known.filter((k) => k !== '') }));
    super(choices.map(describe).join('; '));
    this.unknown = choices;
  }
}

const shownKnown = 30;
function describe(u: { field: string; values: string[]; known: string[] }): string {
  const values = u.values.map((v) => JSON.stringify(v)).join(', ');
  // a loan's empty value (a file's blank region) is no choice: a filter cannot name it (an empty
  // flag or query value is no filter), so it is neither listed (", central, …") nor suggested
  const choices = u.known.filter((k) => k !== '');
  const near = u.values.length === 1 ? nearest(u.values[0]!, choices) : undefined;
  const known =
    choices.length === 0
      ? `no ${u.field} values in the warehouse yet`
      : `known: ${choices.slice(0, shownKnown).join(', ')}${choices.length > shownKnown ? `, … (${choices.length - shownKnown} more)` : ''}`;
  return `unknown ${u.field} ${values}${near ? ` (did you mean "${near}"?)` : ''} — ${known}`;
}

/** The known value closest to a typo (edit distance ≤ 2, case-insensitive), if any. */
/** the known value nearest a typo (a suggestion), if one is near enough */
export function nearest(value: string, known: string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(value.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

type DataField = FilterField;
export type KnownValues = Record<DataField, string[]>;

/**
 * Known values per warehouse, kept for a minute: a filter check costs no query on a dashboard's
 * repeated requests. A value not found in a copy older than `recheckMs` is looked up once more
 * (a region ingested a moment ago is not refused), at most that often (typos cannot force a scan each).
 */
const ttlMs = 60_000;
const recheckMs = 2_000;
const cache = new WeakMap<Warehouse, { at: number; values: Promise<KnownValues> }>();

async function loadKnown(wh: Warehouse): Promise<KnownValues> {
  // aliases differ from the columns: ClickHouse would resolve `team` in WHERE to the aggregate
  const [l] = await queryRows<{ products: string[]; regions: string[]; branches: string[]; channels: string[] }>(
    wh,
    `
    SELECT arraySort(groupUniqArray(product)) AS products, arraySort(groupUniqArray(region)) AS regions,
      arraySort(groupUniqArray(branch)) AS branches, arraySort(groupUniqArray(channel)) AS channels FROM ${tableRef(wh, 'loans')}`,
  );
  const [t] = await queryRows<{ teams: string[] }>(
    wh,
    `SELECT arraySort(groupUniqArray(team)) AS teams FROM ${tableRef(wh, 'collection_actions')} WHERE team != ''`,
  );
  return {
    product: l?.products ?? [],
    region: l?.regions ?? [],
    branch: l?.branches ?? [],
    channel: l?.channels ?? [],
    team: t?.teams ?? [],
  };
}

function knownValues(wh: Warehouse, fresh: boolean): Promise<KnownValues> {
  const hit = cache.get(wh);
  const now = Date.now();
  if (hit && now - hit.at < (fresh ? recheckMs : ttlMs)) return hit.values;
  const values = loadKnown(wh);
  cache.set(wh, { at: now, values });
  values.catch(() => {
    if (cache.get(wh)?.values === values) cache.delete(wh);
  });
  return values;
}

/** The values each filter field holds in the warehouse now (sorted), e.g. for a key's scope. */
export const knownFilterValues = (wh: Warehouse): Promise<KnownValues> => knownValues(wh, true);

const asList = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

function unknownIn(filters: FilterValues, known: KnownValues) {
  const out: { field: FilterField; values: string[]; known: string[] }[] = [];
  for (const field of ['product', 'region', 'branch', 'channel', 'team'] as const) {
    const list = known[field];
    const set = new Set(list);
    const values = [...new Set(asList(filters[field]))].filter((v) => !set.has(v));
    if (values.length > 0) out.push({ field, values, known: list });
  }
  return out;
}

/**
 * Throws an UnknownFilterValueError (a UserError: exit 2 on the CLI, 400 from the API) naming every
 * filter value the warehouse does not hold, with the known ones — e.g.
 * `unknown region "eats" (did you mean "east"?) — known: central, east, north, south, west`.
 * product, region, branch and channel are the loans' own values; team the collection teams that
 * acted (stages are a fixed list, checked by the request schemas). Matching is exact, as the filters are.
 */
export async function assertKnownFilterValues(wh: Warehouse, filters: FilterValues): Promise<void> {
  const named = Object.values(filters).some((v) => asList(v as FilterValues[FilterField]).length > 0);
  if (!named) return;
  let unknown = unknownIn(filters, await knownValues(wh, false));
  if (unknown.length > 0) unknown = unknownIn(filters, await knownValues(wh, true));
  if (unknown.length > 0) throw new UnknownFilterValueError(unknown);
}

/**
 * A name that picks rows (an agent, a loan, a warning rule) that does not exist at all. Filtered on
 * as is, it gave "(no rows)" and exit 0, which reads the same as a real name with nothing in the
 * period: a typo passed for an answer. A UserError (exit 2, a 400 from the API).
 */
export class UnknownNameError extends UserError {
  constructor(
    message: string,
    /** what the values name (rule, agent, loan) and the values that name nothing */
    readonly what: string,
    readonly values: string[],
  ) {
    super(message);
  }
}

/**
 * Throws an UnknownNameError naming the `values` not among `known`, with the nearest known name
 * and the known ones, e.g. `unknown rule "broken_promis" (did you mean "broken_promise"?) — known: …`.
 */
export function assertKnownNames(what: string, values: readonly string[] | undefined, known: readonly string[]): void {
  const set = new Set(known);
  const unknown = [...new Set(values ?? [])].filter((v) => !set.has(v));
  if (unknown.length > 0)
    throw new UnknownNameError(describe({ field: what, values: unknown, known: [...known] }), what, unknown);
}

/**
 * Refuses agents who never recorded a collection action: no promise, breach or award can name them.
 * Agents are a few hundred per book: their list is read whole and the message can suggest one.
 */
export async function assertKnownAgents(wh: Warehouse, agents: readonly string[] | undefined): Promise<void> {
  if (!agents || agents.length === 0) return;
  const [r] = await queryRows<{ agents: string[] }>(
    wh,
    `SELECT arraySort(groupUniqArray(agent_id)) AS agents FROM ${tableRef(wh, 'collection_actions')} WHERE agent_id != ''`,
  );
  assertKnownNames('agent', agents, r?.agents ?? []);
}

/**
 * Refuses loan ids the loans table does not hold. Loans are too many to list: the message names
 * the unknown ids, and for a single one the nearest id (edit distance ≤ 2, case-insensitive; one
 * scan of the ids, only on this error path). With a region (a collector's: the API), only that
 * region's loans are known — another region's id is as unknown to him as one that does not exist,
 * and the nearest id is never another region's.
 */
export async function assertKnownLoans(
  wh: Warehouse,
  loans: readonly string[] | undefined,
  scope: { region?: string } = {},
): Promise<void> {
  if (!loans || loans.length === 0) return;
  const wanted = [...new Set(loans)];
  const loansTable = trusted(tableRef(wh, 'loans'));
  const inScope = scope.region === undefined ? sql`1` : sql`region = ${param(scope.region, 'String')}`;
  const found = await querySql<{ loan_id: string }>(
    wh,
    sql`SELECT loan_id FROM ${loansTable} WHERE loan_id IN ${param(wanted, 'Array(String)')} AND ${inScope}`,
  );
  const have = new Set(found.map((r) => r.loan_id));
  const unknown = wanted.filter((id) => !have.has(id));
  if (unknown.length === 0) return;
  let near: string | undefined;
  if (unknown.length === 1) {
    const v = param(unknown[0]!.toLowerCase(), 'String');
    const [r] = await querySql<{ loan_id: string }>(
      wh,
      sql`SELECT loan_id FROM ${loansTable}
          WHERE ${inScope} AND abs(toInt64(length(loan_id)) - toInt64(length(${v}))) <= 2 AND editDistance(lower(loan_id), ${v}) <= 2
          ORDER BY editDistance(lower(loan_id), ${v}), loan_id LIMIT 1`,
    );
    near = r?.loan_id;
  }
  const where = scope.region === undefined ? 'in the loans loaded' : `among the loans of region "${scope.region}"`;
  throw new UnknownNameError(
    `unknown loan ${unknown.map((v) => JSON.stringify(v)).join(', ')}${near ? ` (did you mean "${near}"?)` : ''} — not ${where}`,
    'loan',
    unknown,
  );
}
