import { monthEndOf } from '../../lib/dates.ts';
import type { Basis, CompiledMetric, FilterKey, MetricDefinition, MetricRequest } from './definition.ts';
import { sources } from './sources.ts';
import { UserError } from '../../lib/user-error.ts';

export class MetricRequestError extends UserError {
  readonly code = 'METRIC_BAD_REQUEST';
}

const defaultColumns: Record<FilterKey, string> = {
  product: 'product',
  region: 'region',
  branch: 'branch',
  channel: 'channel',
  cohort: 'cohort_month',
  period: 'month_end',
};

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
  const dims = [...new Set([...(def.requiredDimensions ?? []), ...requested])];
  const params: Record<string, unknown> = { as_of: ctx.asOf, ...ctx.extraParams };
  const conditions: Record<FilterKey, ((col: string) => string) | null> = {
    product: req.product ? (c) => `${c} IN {f_product:Array(String)}` : null,
    region: req.region ? (c) => `${c} IN {f_region:Array(String)}` : null,
    branch: req.branch ? (c) => `${c} IN {f_branch:Array(String)}` : null,
    channel: req.channel ? (c) => `${c} IN {f_channel:Array(String)}` : null,
    cohort:
      req.cohort_from || req.cohort_to
        ? (c) =>
            [req.cohort_from ? `${c} >= {f_cohort_from:Date}` : '', req.cohort_to ? `${c} <= {f_cohort_to:Date}` : '']
              .filter(Boolean)
              .join(' AND ')
        : null,
    period:
      req.from || req.to
        ? (c) =>
            [req.from ? `${c} >= {f_from:Date}` : '', req.to ? `${c} <= {f_to:Date}` : ''].filter(Boolean).join(' AND ')
        : null,
  };
  if (req.product) params.f_product = req.product;
  if (req.region) params.f_region = req.region;
  if (req.branch) params.f_branch = req.branch;
  if (req.channel) params.f_channel = req.channel;
  if (req.cohort_from) params.f_cohort_from = `${req.cohort_from}-01`;
  if (req.cohort_to) params.f_cohort_to = `${req.cohort_to}-01`;
  if (req.from) params.f_from = monthEndOf(req.from);
  if (req.to) params.f_to = monthEndOf(req.to);
  const where = (columns: Partial<Record<FilterKey, string | null>> = {}) => {
    const parts = (Object.keys(conditions) as FilterKey[]).flatMap((k) => {
      const col = Object.hasOwn(columns, k) ? columns[k] : defaultColumns[k];
      const cond = conditions[k];
      return col && cond ? [`(${cond(col)})`] : [];
    });
    return parts.length > 0 ? parts.join(' AND ') : '1';
  };
  const source = sources[def.source]({ db: ctx.database, where, cohortGrain: req.cohort_grain });
  const basis: Basis = req.basis;
  const measureSql = Object.entries(def.measures).map(([name, m]) => {
    const weight = m.weight?.[basis] ?? def.weight[basis];
    return `${m.when ? `sumIf(${weight}, ${m.when})` : `sum(${weight})`} AS ${name}`;
  });
  const dimSql = dims.map((d) => `${def.dimensions[d]} AS ${d}`);
  const grouped = `SELECT ${[...dimSql, ...measureSql].join(', ')} FROM (${source}) ${dims.length ? `GROUP BY ${dims.join(', ')}` : ''}`;
  let shaped = grouped;
  const measureNames = Object.keys(def.measures);
  let outputs = [...measureNames];
  if (def.shape.kind === 'cumulative') {
    const { over, cumulative } = def.shape;
    if (!dims.includes(over)) throw new MetricRequestError(`${def.name} needs ${over} in group_by`);
    const partition = dims.filter((d) => d !== over);
    const win = `OVER (${partition.length ? `PARTITION BY ${partition.join(', ')} ` : ''}ORDER BY ${over} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    shaped = `SELECT ${[...dims, ...measureNames.map((m) => (cumulative.includes(m) ? `sum(${m}) ${win} AS ${m}` : m))].join(', ')} FROM (${grouped})`;
  } else if (def.shape.kind === 'share') {
    const { of, shares } = def.shape;
    if (!dims.includes(of)) throw new MetricRequestError(`${def.name} needs ${of} in group_by`);
    const partition = dims.filter((d) => d !== of);
    const win = `OVER (${partition.length ? `PARTITION BY ${partition.join(', ')}` : ''})`;
    shaped = `SELECT *, ${shares.map((m) => `toFloat64(${m}) / nullIf(toFloat64(sum(${m}) ${win}), 0) AS ${m}_share`).join(', ')} FROM (${grouped})`;
    outputs = [...outputs, ...shares.map((m) => `${m}_share`)];
  }
  // ratios in Float64: Decimal ÷ Decimal keeps the decimal scale and would truncate them
  const ratioSql = Object.entries(def.ratios).map(
    ([name, r]) => `toFloat64(${r.numerator}) / nullIf(toFloat64(${r.denominator}), 0) AS ${name}`,
  );
  const query = `SELECT ${[...dims, ...outputs, ...(ratioSql.length ? ratioSql : [])].join(', ')} FROM (${shaped})${dims.length ? ` ORDER BY ${dims.join(', ')}` : ''}`;
  return {
    query,
    query_params: params,
    columns: [
      ...dims.map((name) => ({ name, kind: 'dimension' as const })),
      ...outputs.map((name) => ({
        name,
        kind: 'measure' as const,
        ...(name.endsWith('_share') && def.shape.kind === 'share'
          ? { denominator: def.shape.denominatorLabel[basis] }
          : {}),
      })),
      ...Object.entries(def.ratios).map(([name, r]) => ({
        name,
        kind: 'ratio' as const,
        denominator: typeof r.denominatorLabel === 'string' ? r.denominatorLabel : r.denominatorLabel[basis],
      })),
    ],
  };
}
