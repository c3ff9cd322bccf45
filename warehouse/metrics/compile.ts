import { monthEndOf } from '../../lib/dates.ts';
import {
  allFilterKeys,
  filterKeys,
  type Basis,
  type CompiledMetric,
  type FilterKey,
  type MetricDefinition,
  type MetricColumn,
  type MetricRequest,
} from './definition.ts';
import { sources, type SourceContext } from './sources.ts';
import { joinSql, param, render, sql, trusted, type Param, type Sql } from '../sql.ts';
import { UserError } from '../../lib/user-error.ts';

export class MetricRequestError extends UserError {
  readonly code = 'METRIC_BAD_REQUEST';
}

/** where a filter applies when a source does not name its column (null: only where it does) */
const defaultColumns: Record<FilterKey, string | null> = {
  product: 'product',
  region: 'region',
  branch: 'branch',
  channel: 'channel',
  cohort: 'cohort_month',
  period: 'month_end',
  dpd: null,
};

/**
 * A measure's column kind: money (`measure`) or a count — counted on the count basis, or weighted by
 * an integer (`toUInt64(…)`: loans, workouts, warnings) on either — unless the definition says `number`.
 */
function measureKind(def: MetricDefinition, name: string, basis: Basis): MetricColumn['kind'] {
  const m = def.measures[name];
  if (m?.kind === 'number') return 'number';
  // a share of a total is a ratio-like column, whatever its measure counts
  if (!m) return 'measure';
  const weight = m.weight?.[basis] ?? def.weight[basis];
  return basis === 'count' || weight.startsWith('toUInt64(') ? 'count' : 'measure';
}

/** the request fields each filter is given by */
export const requestFilterKeys: Record<FilterKey, (keyof MetricRequest)[]> = {
  product: ['product'],
  region: ['region'],
  branch: ['branch'],
  channel: ['channel'],
  cohort: ['cohort_from', 'cohort_to'],
  period: ['from', 'to'],
  dpd: ['dpd_over'],
};

/**
 * A filter the metric (declared or derived) cannot apply is refused by name: silently dropped, it
 * would mislabel the answer.
 */
export function assertFiltersApply(
  metric: { name: string; filters?: readonly FilterKey[] },
  req: Partial<MetricRequest>,
): void {
  const allowed = metric.filters ?? filterKeys;
  const refused = allFilterKeys
    .filter((k) => !allowed.includes(k))
    .flatMap((k) => requestFilterKeys[k].filter((field) => req[field] !== undefined));
  if (refused.length > 0)
    throw new MetricRequestError(
      `${metric.name} cannot be filtered by ${refused.join(', ')}; it takes ${allowed.flatMap((k) => requestFilterKeys[k]).join(', ') || 'no filters'}`,
    );
}

/** …and so is a basis it is not on. */
function assertApplies(def: MetricDefinition, req: MetricRequest): void {
  assertFiltersApply(def, req);
  if (def.bases && req.basis && !def.bases.includes(req.basis))
    throw new MetricRequestError(`${def.name} is on the ${def.bases.join(' or ')} basis only, not ${req.basis}`);
  if (req.months !== undefined) throw new MetricRequestError(`months applies to the forecast only, not ${def.name}`);
}

/**
 * The one compiler: a definition and a validated request → { query, query_params }.
 * Identifiers come only from the definition; every request value is a bound parameter.
 */
export function compileMetric(
  def: MetricDefinition,
  req: MetricRequest,
  ctx: { database: string; asOf: string; extraParams?: Record<string, unknown> },
): CompiledMetric {
  const requested = req.group_by ?? [...def.defaultDimensions];
  // own properties only: a request naming `constructor` or `toString` must not find Object.prototype's
  const unknown = requested.filter((d) => !Object.hasOwn(def.dimensions, d));
  if (unknown.length > 0) {
    throw new MetricRequestError(
      `${def.name} cannot be grouped by ${unknown.join(', ')}; allowed: ${Object.keys(def.dimensions).join(', ')}`,
    );
  }
  assertApplies(def, req);
  const dims = [...new Set([...(def.requiredDimensions ?? []), ...requested])];
  // every request value is one bound param, whichever of a source's subqueries its filter lands in
  const inList = (values: readonly string[] | undefined) => values && param(values, 'Array(String)');
  const bound = {
    product: inList(req.product),
    region: inList(req.region),
    branch: inList(req.branch),
    channel: inList(req.channel),
    cohortFrom: req.cohort_from ? param(`${req.cohort_from}-01`, 'Date') : undefined,
    cohortTo: req.cohort_to ? param(`${req.cohort_to}-01`, 'Date') : undefined,
    from: req.from ? param(monthEndOf(req.from), 'Date') : undefined,
    to: req.to ? param(monthEndOf(req.to), 'Date') : undefined,
    dpdOver: req.dpd_over === undefined ? undefined : param(req.dpd_over, 'UInt32'),
  };
  const range = (col: Sql, lo: Param | undefined, hi: Param | undefined) =>
    joinSql([...(lo ? [sql`${col} >= ${lo}`] : []), ...(hi ? [sql`${col} <= ${hi}`] : [])], ' AND ');
  const conditions: Record<FilterKey, ((col: Sql) => Sql) | null> = {
    product: bound.product ? (c) => sql`${c} IN ${bound.product!}` : null,
    region: bound.region ? (c) => sql`${c} IN ${bound.region!}` : null,
    branch: bound.branch ? (c) => sql`${c} IN ${bound.branch!}` : null,
    channel: bound.channel ? (c) => sql`${c} IN ${bound.channel!}` : null,
    cohort: bound.cohortFrom || bound.cohortTo ? (c) => range(c, bound.cohortFrom, bound.cohortTo) : null,
    period: bound.from || bound.to ? (c) => range(c, bound.from, bound.to) : null,
    dpd: bound.dpdOver ? (c) => sql`${c} > ${bound.dpdOver!}` : null,
  };
  const where = (columns: Partial<Record<FilterKey, string | null>> = {}): Sql => {
    const parts = (Object.keys(conditions) as FilterKey[]).flatMap((k) => {
      const col = Object.hasOwn(columns, k) ? columns[k] : defaultColumns[k];
      const cond = conditions[k];
      return col && cond ? [sql`(${cond(trusted(col))})`] : [];
    });
    return parts.length > 0 ? joinSql(parts, ' AND ') : trusted('1');
  };
  const base = {
    db: trusted(ctx.database),
    where,
    cohortGrain: req.cohort_grain,
    grouped: (d: string) => dims.includes(d),
    filtered: (k: FilterKey) => conditions[k] !== null,
  };
  const contextOf = (over: Partial<typeof base>): SourceContext => {
    const c: SourceContext = {
      ...base,
      ...over,
      source: (name, more) => sources[name](contextOf({ ...over, grouped: () => true, filtered: () => true, ...more })),
    };
    return c;
  };
  const source = sources[def.source](contextOf({}));
  const basis: Basis = req.basis ?? def.bases?.[0] ?? 'balance';
  const measureSql = Object.entries(def.measures).map(([name, m]) => {
    const weight = m.weight?.[basis] ?? def.weight[basis];
    const fn = m.aggregate ?? 'sum';
    return `${m.when ? `${fn}If(${weight}, ${m.when})` : `${fn}(${weight})`} AS ${name}`;
  });
  const dimSql = dims.map((d) => `${def.dimensions[d]} AS ${d}`);
  // the definition's own text (dimensions, measures, shape) around the source: trusted, from the catalogue
  const grouped = sql`SELECT ${trusted([...dimSql, ...measureSql].join(', '))} FROM (${source}) ${trusted(dims.length ? `GROUP BY ${dims.join(', ')}` : '')}`;
  let shaped = grouped;
  const measureNames = Object.keys(def.measures);
  let outputs = measureNames.filter((m) => !def.measures[m]?.internal);
  if (def.shape.kind === 'cumulative') {
    const { over, cumulative } = def.shape;
    if (!dims.includes(over)) throw new MetricRequestError(`${def.name} needs ${over} in group_by`);
    const partition = dims.filter((d) => d !== over);
    const win = `OVER (${partition.length ? `PARTITION BY ${partition.join(', ')} ` : ''}ORDER BY ${over} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    shaped = sql`SELECT ${trusted([...dims, ...measureNames.map((m) => (cumulative.includes(m) ? `sum(${m}) ${win} AS ${m}` : m))].join(', '))} FROM (${grouped})`;
  } else if (def.shape.kind === 'share') {
    const { of, shares } = def.shape;
    if (!dims.includes(of)) throw new MetricRequestError(`${def.name} needs ${of} in group_by`);
    const partition = dims.filter((d) => d !== of);
    const win = `OVER (${partition.length ? `PARTITION BY ${partition.join(', ')}` : ''})`;
    shaped = sql`SELECT *, ${trusted(shares.map((m) => `toFloat64(${m}) / nullIf(toFloat64(sum(${m}) ${win}), 0) AS ${m}_share`).join(', '))} FROM (${grouped})`;
    outputs = [...outputs, ...shares.map((m) => `${m}_share`)];
  }
  // ratios in Float64: Decimal ÷ Decimal keeps the decimal scale and would truncate them
  const ratioSql = Object.entries(def.ratios).map(
    ([name, r]) => `toFloat64(${r.numerator}) / nullIf(toFloat64(${r.denominator}), 0) AS ${name}`,
  );
  const formulas = Object.entries(def.formulas ?? {});
  const formulaSql = formulas.map(([name, f]) => `${f.sql} AS ${name}`);
  const statement = sql`SELECT ${trusted([...dims, ...outputs, ...ratioSql, ...formulaSql].join(', '))} FROM (${shaped})${trusted(dims.length ? ` ORDER BY ${dims.join(', ')}` : '')}`;
  const { query, query_params } = render(statement, { as_of: ctx.asOf, ...ctx.extraParams });
  return {
    query,
    query_params,
    basis,
    columns: [
      ...dims.map((name) => ({ name, kind: 'dimension' as const })),
      ...outputs.map((name) => ({
        name,
        kind: measureKind(def, name, basis),
        ...(name.endsWith('_share') && def.shape.kind === 'share'
          ? { denominator: def.shape.denominatorLabel[basis] }
          : {}),
      })),
      ...Object.entries(def.ratios).map(([name, r]) => ({
        name,
        kind: 'ratio' as const,
        denominator: typeof r.denominatorLabel === 'string' ? r.denominatorLabel : r.denominatorLabel[basis],
      })),
      ...formulas.map(([name, f]) => ({ name, kind: f.kind, ...(f.label ? { denominator: f.label } : {}) })),
    ],
  };
}
