import { bucketLabels, defaultBucketBounds } from '../classification.ts';
import { queryRows, type Warehouse } from '../connection.ts';
import { firstSnapshotMonthEnd, lastSnapshotMonthEnd } from '../data-horizon.ts';
import { issuesByField } from '../../lib/zod-wording.ts';
import { requestMemo } from '../request-memo.ts';
import { monthEndOf } from '../../lib/dates.ts';
import { assertFiltersApply, compileMetric, MetricRequestError } from './compile.ts';
import {
  filterKeys,
  type Basis,
  type CompiledMetric,
  type MetricColumn,
  type MetricDefinition,
  type MetricRow,
} from './definition.ts';
import { metricWindow } from './window.ts';
import { metricEntry, metricNames, type MetricEntry, type MetricName, type MetricRowOf } from './index.ts';
import { assertWithinData } from './request-bounds.ts';
import { metricRequestSchema, type MetricRequest, type MetricRequestInput } from './request.ts';

export interface MetricResult<Row = MetricRow> {
  metric: string;
  title: string;
  as_of: string;
  basis: Basis;
  request: MetricRequest;
  columns: MetricColumn[];
  rows: Row[];
}

/** Bucket order for flow rates (C, M1…, M7+, WO): the default bucket bounds; paid-off is not a flow step. */
export const bucketOrder = bucketLabels(defaultBucketBounds).filter((b) => b !== 'PO');

export function parseMetricRequest(raw: unknown): MetricRequest {
  const r = metricRequestSchema.safeParse(raw);
  if (!r.success)
    throw new MetricRequestError(
      issuesByField(r.error.issues)
        .map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.text}`)
        .join('; '),
      { cause: r.error },
    );
  return r.data;
}

function entryOf(name: string): MetricEntry {
  const entry = metricEntry(name);
  if (!entry) throw new MetricRequestError(`unknown metric ${name}; known: ${metricNames.join(', ')}`);
  return entry;
}

/** The request's as-of month-end (default: the snapshot's last), checked against the data's reach. */
async function resolveAsOf(wh: Warehouse, request: MetricRequest): Promise<string> {
  const last = await lastSnapshotMonthEnd(wh);
  // before any metric query: a date far past the data makes work without answers (CLI and API alike)
  assertWithinData(request, last);
  const asOf = request.as_of ? monthEndOf(request.as_of) : last;
  if (!asOf) throw new MetricRequestError('no snapshot yet: run `loanwatch snapshot --as-of …` first');
  return asOf;
}

/**
 * For a person's request (the metrics command and route), refused rather than answered empty: a
 * `to` after the as_of given, and an as_of or period that ends before the snapshot's first
 * month-end. Dates left out are never refused (a dashboard's "this year" may reach past the data). A pack's chart for such a
 * month draws its own "no data for this period" instead, so runMetric does not refuse it.
 */
export async function assertRequestReachesData(
  wh: Warehouse,
  raw: unknown,
  o: {
    /** a field as the caller's user names it (the CLI's `--as-of`; default the API's `as_of`) */
    name?: (field: string) => string;
    /** the metric asked: a balance read at one month-end (`to`) past the data's last is refused too */
    metric?: string;
  } = {},
): Promise<void> {
  const name = o.name ?? ((f: string) => f);
  const request = parseMetricRequest(raw);
  const last = await lastSnapshotMonthEnd(wh);
  // the reach past the data is checked again by runMetric; here first, in the caller's names
  assertWithinData(request, last, name);
  const entry = o.metric === undefined ? undefined : metricEntry(o.metric);
  const def = entry && !('kind' in entry) ? entry : undefined;
  // as the as_of typed is (below): left out, it is the data's last month-end, and the balance is read at `to`
  const atOneMonthEnd =
    def?.stockAt !== undefined &&
    (def.filters ?? filterKeys).includes('period') &&
    !groupedBy(def, request, def.stockAt);
  if (def && atOneMonthEnd && request.to && !request.as_of && last !== null)
    if (monthEndOf(request.to) > last)
      throw new MetricRequestError(
        `${name('to')} ${request.to} is after the data's last month-end ${last}: ${def.name} is a balance at one month-end here (${name('to')}); ask ${last} or earlier, or group by ${def.stockAt}`,
      );
  // the same balance asked by its as-of alone past the last month-end (`--as-of` today, mid-month), and a
  // metric without a period, read at the as-of month-end (ECL, disposal): that month-end is not built yet
  const atAsOfMonthEnd = def !== undefined && !(def.filters ?? filterKeys).includes('period');
  if (def && (atOneMonthEnd || atAsOfMonthEnd) && request.as_of && !request.to && last !== null)
    if (monthEndOf(request.as_of) > last)
      throw new MetricRequestError(
        `${name('as_of')} ${request.as_of} is after the data's last month-end ${last}: ${def.name} is read at one month-end (${monthEndOf(request.as_of)} here, not built yet); ask ${last} or earlier${atOneMonthEnd ? `, or group by ${def.stockAt}` : ''}`,
      );
  // the figures are computed at as_of: a period after it would be answered empty
  if (request.to && request.as_of && monthEndOf(request.to) > monthEndOf(request.as_of))
    throw new MetricRequestError(
      `${name('to')} ${request.to} is after ${name('as_of')} ${request.as_of}: the figures at ${monthEndOf(request.as_of)} have no later month-end`,
    );
  // a period wholly after the figures' date — the as-of typed, or the data's last month-end — has none
  // (its mirror before the data is refused below); an as-of typed past the last month-end keeps the
  // metrics that read actions and payments up to it (the running month's promises)
  const figuresAt = request.as_of ? monthEndOf(request.as_of) : last;
  if (request.from && figuresAt !== null && monthEndOf(request.from) > figuresAt)
    throw new MetricRequestError(
      request.as_of
        ? `${name('from')} ${request.from} is after ${name('as_of')} ${request.as_of}: there is nothing to measure`
        : `${name('from')} ${request.from} is after the data's last month-end ${figuresAt} (the default ${name('as_of')}): there is nothing to measure`,
    );
  const asked = [
    ['as_of', request.as_of],
    ['to', request.to],
  ].filter((x): x is [string, string] => x[1] !== undefined);
  if (asked.length === 0) return;
  const first = await firstSnapshotMonthEnd(wh);
  const early = asked.find(([, d]) => first !== null && monthEndOf(d) < first);
  if (early)
    throw new MetricRequestError(
      `${name(early[0])} ${early[1]} is before the data's first month-end ${first}: there is nothing to measure`,
    );
}

/**
 * A request's period, defaults filled from the one window definition (window.ts): a metric that
 * takes a period and has no `from`/`to` covers the 12 months ending at the as-of month-end, unless
 * its definition keeps all history by default (`defaultPeriod: 'all'`: recovery cohorts, workouts).
 */
export function withDefaultPeriod(def: MetricDefinition, request: MetricRequest, asOf: string): MetricRequest {
  const takesPeriod = (def.filters ?? filterKeys).includes('period') && def.defaultPeriod !== 'all';
  if (!takesPeriod) return request;
  if (def.stockAt && !groupedBy(def, request, def.stockAt)) {
    const to = request.to ? monthEndOf(request.to) : asOf;
    const from = request.from ? monthEndOf(request.from) : to;
    if (from !== to)
      throw new MetricRequestError(
        `${def.name} is a balance at each month-end: from ${from} to ${to} it would add up the month-ends' balances; group by ${def.stockAt} to see each, or ask one month-end (from = to)`,
      );
    return { ...request, from: to, to };
  }
  const w = metricWindow(request.to ? monthEndOf(request.to) : asOf, request.from && monthEndOf(request.from));
  return { ...request, from: w.from, to: w.to };
}

/** Whether the request's groups (its own or the definition's default, and the required ones) include `dimension`. */
function groupedBy(def: MetricDefinition, request: MetricRequest, dimension: string): boolean {
  const groups = [...(def.requiredDimensions ?? []), ...(request.group_by ?? def.defaultDimensions)];
  return groups.includes(dimension);
}

function compileAt(wh: Warehouse, def: MetricDefinition, request: MetricRequest, asOf: string): CompiledMetric {
  const w = metricWindow(request.to ? monthEndOf(request.to) : asOf, request.from && monthEndOf(request.from));
  return compileMetric(def, withDefaultPeriod(def, request, asOf), {
    database: wh.database,
    asOf,
    extraParams: { bucket_order: bucketOrder, p_start: w.start, p_to: w.to },
  });
}

/** Compiles a request for a declared metric, resolving the as-of month-end and period parameters. */
export async function compileNamedMetric(
  wh: Warehouse,
  name: string,
  raw: unknown,
): Promise<{ compiled: CompiledMetric; request: MetricRequest; asOf: string }> {
  const entry = entryOf(name);
  if ('kind' in entry) throw new MetricRequestError(`${name} is derived from other metrics: it has no one query`);
  const request = parseMetricRequest(raw);
  const asOf = await resolveAsOf(wh, request);
  return { compiled: compileAt(wh, entry, request, asOf), request, asOf };
}

async function runEntry(wh: Warehouse, entry: MetricEntry, request: MetricRequest, asOf: string) {
  if ('kind' in entry) {
    // a derived metric reads the filters it takes from the request; any other would be dropped unseen
    assertFiltersApply(entry, request);
    const derived = await entry.derive(
      (name, input) => runParsed(wh, name, parseInnerRequest({ ...input, as_of: input.as_of ?? asOf })),
      request,
      asOf,
    );
    return { ...derived, basis: 'balance' as const };
  }
  const compiled = compileAt(wh, entry, request, asOf);
  return { columns: compiled.columns, rows: await metricRows(wh, compiled), basis: compiled.basis };
}

/** results of at most this many rows are kept for the request: a larger one is rarely asked twice, and copying it costs */
const keptRows = 10_000;

/**
 * A compiled metric's rows. Within a request scope (an HTTP request, a report pack: request-memo.ts)
 * the same query with the same parameters is run once — a pack's ECL by stage at the month-end is
 * asked by its chart and its walk — and each caller gets its own copy of the rows.
 */
async function metricRows(wh: Warehouse, compiled: CompiledMetric): Promise<MetricRow[]> {
  const read = () =>
    queryRows<MetricRow>(wh, compiled.query, compiled.query_params, {
      output_format_json_quote_decimals: 1,
      join_use_nulls: 0,
    });
  let large: MetricRow[] | undefined;
  const kept = await requestMemo(
    wh,
    `metric-rows\u0000${compiled.query}\u0000${JSON.stringify(compiled.query_params)}`,
    async () => {
      const rows = await read();
      if (rows.length <= keptRows) return rows;
      large = rows;
      return null;
    },
  );
  if (kept) return structuredClone(kept);
  return large ?? read();
}

/**
 * Runs a catalogue metric: a declared one through the compiler, a derived one from the metrics it
 * reads. Named by a literal, its rows are typed from the definition; by a user's string, checked.
 */
export async function runMetric<N extends MetricName>(
  wh: Warehouse,
  name: N,
  raw: MetricRequestInput,
): Promise<MetricResult<MetricRowOf<N>>>;
export async function runMetric(wh: Warehouse, name: string, raw: unknown): Promise<MetricResult>;
export async function runMetric(wh: Warehouse, name: string, raw: unknown): Promise<MetricResult> {
  return runParsed(wh, name, parseMetricRequest(raw));
}

/**
 * A derived metric's own reads: their dimensions come from its definition (the compiler checks each
 * against the metric's catalogue), not from a caller, so the public cap on group_by — six, to bound
 * a caller's request — does not apply (warning_effectiveness by two dimensions reads nine); every
 * other field is validated as any request's.
 */
function parseInnerRequest(input: MetricRequestInput): MetricRequest {
  const { group_by: groupBy, ...rest } = input;
  return { ...parseMetricRequest(rest), ...(groupBy ? { group_by: [...groupBy] } : {}) };
}

async function runParsed(wh: Warehouse, name: string, request: MetricRequest): Promise<MetricResult> {
  const entry = entryOf(name);
  const asOf = await resolveAsOf(wh, request);
  const { columns, rows, basis } = await runEntry(wh, entry, request, asOf);
  return { metric: name, title: entry.title, as_of: asOf, basis, request, columns, rows };
}
