import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MetricRequestError } from '../../warehouse/metrics/compile.ts';
import { assertRequestReachesData, parseMetricRequest, runMetric } from '../../warehouse/metrics/run.ts';
import { metricCsvChunks } from '../../warehouse/metrics/csv.ts';
import {
  assertWithinData,
  normaliseMetricRequest,
  recentSnapshotMonthEnd,
} from '../../warehouse/metrics/request-bounds.ts';
import { checkKnownFilters, metricRefusal } from './request-checks.ts';
import { metricJsonChunks, prepareMetric, streamOf, type PreparedMetric } from './metric-body.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { errorResponses } from '../schemas.ts';
import { defaultBasisOf, metricEntry, metricNames, metrics, type MetricName } from '../../warehouse/metrics/index.ts';
import { metricRequestFields, metricTextFields, type MetricRequestField } from '../../warehouse/metrics/request.ts';
import { metricParameters } from '../../warehouse/metrics/metric-parameters.ts';
import { fieldProblems } from '../validation-fields.ts';
import { wantsCsv } from '../wants-csv.ts';
import { jsonWithExample } from '../response-example.ts';
import { metricExample } from './metric-example.ts';

/**
 * One route per catalogue metric, its path the metric's name in kebab case (`/v1/metrics/roll-rate`);
 * a metric added to the catalogue is served without an edit here. `classification` is the SPEC's
 * five-category view: the distribution by month-end, or with view=migration the migration rates.
 */
const routes: Record<string, { metric: MetricName; groupBy?: string[]; summary: string }> = {
  ...Object.fromEntries(
    metricNames.map((name) => [name.replaceAll('_', '-'), { metric: name, summary: metrics[name].title }]),
  ),
  classification: {
    metric: 'overdue',
    groupBy: ['month_end', 'five_class'],
    summary: 'Five-category distribution by month-end (view=migration: migration rates)',
  },
};

/** a field's help as the API names fields (the CLI's `--cohort-grain` is the query's `cohort_grain`) */
const apiHelp = (field: MetricRequestField) =>
  metricRequestFields[field].help.replace(/--([a-z-]+)/gu, (_, flag: string) => flag.replaceAll('-', '_'));

/** what a request without the field gets, where its help does not say */
const leftOut: Partial<Record<MetricRequestField, string>> = {
  product: 'all',
  region: 'all',
  branch: 'all',
  channel: 'all',
  cohort_from: 'from the first cohort',
  cohort_to: 'up to the last cohort',
  dpd_over: 'every candidate',
};

const view = z.enum(['distribution', 'migration']).optional().openapi({
  description:
    'distribution (default): the five-category distribution by month-end; migration: the migration rates between categories',
});

/**
 * The query of one metric's route: the request fields its catalogue definition takes (as text:
 * lists comma-separated), each described by the request table's help, and nothing else, so a field
 * the metric would not apply is refused by name (400) as the document says.
 */
function queryOf(path: string, metric: MetricName) {
  const p = metricParameters(metrics[metric]);
  const described = (field: MetricRequestField): z.ZodType => {
    if (field === 'group_by')
      return metricTextFields.group_by.describe(
        `dimensions to group by, comma-separated, of: ${p.dimensions.join(', ')} (default: ${p.defaultDimensions.join(',') || 'none, one row'})`,
      );
    if (field === 'basis')
      return z
        .enum(p.bases as [string, ...string[]])
        .optional()
        .openapi({
          description:
            p.bases.length > 1
              ? 'ratios by balance (default) or by count of loans'
              : `${p.bases[0] ?? 'balance'}: the one basis this metric is on (the default)`,
        });
    const list = 'list' in metricRequestFields[field] ? ', comma-separated' : '';
    const absent = Object.hasOwn(leftOut, field) ? `; left out: ${leftOut[field]!}` : '';
    return metricTextFields[field].describe(`${apiHelp(field)}${list}${absent}`);
  };
  const fields = Object.fromEntries(p.fields.map((f) => [f, described(f)]));
  const shape = path === 'classification' ? { ...fields, view } : fields;
  return { query: z.object(shape).strict(), taken: Object.keys(shape) };
}

/** a refused metric query, each parameter the metric does not take named with those it does */
const refusedQuery =
  (path: string, taken: string[]) =>
  (result: { success: boolean; error?: z.ZodError; target: string; data?: unknown }): undefined => {
    if (result.success || !result.error) return undefined;
    const fields = fieldProblems(result.error.issues, result.target, result.data).map((f) =>
      f.message === 'not a parameter of this route'
        ? { ...f, message: `not a parameter of /v1/metrics/${path}; it takes ${taken.join(', ')}` }
        : f,
    );
    throw new ApiError('bad_request', `invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
      fields,
    });
  };

const result = z
  .object({
    metric: z.string(),
    title: z.string(),
    as_of: z.string(),
    basis: z.enum(['balance', 'count']),
    request: z.record(z.string(), z.unknown()),
    columns: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['dimension', 'measure', 'count', 'ratio', 'number', 'text']),
        denominator: z.string().optional(),
      }),
    ),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  })
  .openapi('MetricResult');

export const metricRoutes = new OpenAPIHono<AppEnv>();
for (const [path, spec] of Object.entries(routes)) {
  const { query, taken } = queryOf(path, spec.metric);
  metricRoutes.openapi(
    createRoute({
      middleware: [permitted('metrics:read')] as const,
      method: 'get',
      path: `/v1/metrics/${path}`,
      summary: `${spec.summary}; JSON, or CSV with Accept: text/csv`,
      description: metricEntry(spec.metric)?.description,
      request: { query },
      responses: {
        200: {
          description: 'the metric, every ratio naming its denominator',
          content: {
            'application/json': jsonWithExample(result, metricExample(spec.metric, spec.groupBy)),
            'text/csv': { schema: z.string() },
          },
        },
        304: { description: 'not modified (ETag)' },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { view, ...q } = c.req.valid('query') as Record<string, unknown> & {
        view?: 'distribution' | 'migration';
        group_by?: string[];
      };
      const metric = path === 'classification' && view === 'migration' ? 'migration' : spec.metric;
      const groupBy = q.group_by ?? (view === 'migration' ? undefined : spec.groupBy);
      const { wh } = c.get('deps');
      let prepared: PreparedMetric;
      try {
        const parsed = parseMetricRequest(
          Object.fromEntries(Object.entries({ ...q, group_by: groupBy }).filter(([, v]) => v !== undefined)),
        );
        // refused before any metric query: dates far past the data, then values the data does not hold
        const last = await recentSnapshotMonthEnd(wh);
        assertWithinData(parsed, last);
        await assertRequestReachesData(wh, parsed, { metric });
        await checkKnownFilters(wh, {
          product: parsed.product,
          region: parsed.region,
          branch: parsed.branch,
          channel: parsed.channel,
        });
        // equivalent requests share one entry; results are cached for a minute (snapshots change monthly, dashboards poll)
        const request = normaliseMetricRequest(parsed, last, defaultBasisOf(metric));
        prepared = await c
          .get('caches')
          .metrics.get(JSON.stringify([metric, request]), async () =>
            prepareMetric(await runMetric(wh, metric, request)),
          );
      } catch (e) {
        if (e instanceof MetricRequestError) throw metricRefusal(e);
        throw e;
      }
      const csv = wantsCsv(c);
      // one ETag per representation of the same result
      const etag = `"${prepared.etag}${csv ? '-csv' : ''}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', 'private, max-age=60');
      c.header('Vary', 'Accept, Authorization, X-API-Key');
      if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      // streamed a thousand rows at a time: a large result is never also held as one string per request
      return csv
        ? c.body(streamOf(metricCsvChunks(prepared.result)), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
        : c.body(streamOf(metricJsonChunks(prepared.result)), 200, { 'Content-Type': 'application/json' });
    },
    refusedQuery(path, taken),
  );
}

/**
 * Whether If-None-Match names the representation (RFC 9110 §13.1.2): `*`, or any tag of its
 * comma-separated list equal to ours by the weak comparison (a `W/` prefix on either side ignored) —
 * what a cache or a proxy that weakened the tag sends back.
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//u, '');
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}
