import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MetricRequestError } from '../../warehouse/metrics/compile.ts';
import { parseMetricRequest, runMetric } from '../../warehouse/metrics/run.ts';
import { metricCsvChunks } from '../../warehouse/metrics/csv.ts';
import {
  assertWithinData,
  normaliseMetricRequest,
  recentSnapshotMonthEnd,
} from '../../warehouse/metrics/request-bounds.ts';
import { checkKnownFilters } from './request-checks.ts';
import { metricJsonChunks, prepareMetric, streamOf, type PreparedMetric } from './metric-body.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requirePermission } from '../middleware.ts';
import { csvList, errorResponses, isoDay } from '../schemas.ts';

/** Route path → declared metric (and the grouping it defaults to). */
const routes = {
  overdue: { metric: 'overdue', groupBy: undefined },
  vintage: { metric: 'vintage', groupBy: undefined },
  'roll-rate': { metric: 'roll_rate', groupBy: undefined },
  recovery: { metric: 'recovery', groupBy: undefined },
  // five-category distribution by month-end; the migration rates are /v1/metrics/classification?view=migration
  classification: { metric: 'overdue', groupBy: ['month_end', 'five_class'] },
  collections: { metric: 'collections', groupBy: undefined },
} as const;

const name = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[\w .-]+$/u, 'letters, digits, space, _ . and -');
const month = z.string().regex(/^\d{4}-\d{2}$/, 'a month YYYY-MM');
const query = z
  .object({
    group_by: csvList(z.string().regex(/^[a-z_]{1,40}$/, 'a dimension name')).optional(),
    basis: z.enum(['balance', 'count']).optional(),
    cohort_grain: z.enum(['month', 'quarter']).optional(),
    product: csvList(name).optional(),
    region: csvList(name).optional(),
    branch: csvList(name).optional(),
    channel: csvList(name).optional(),
    cohort_from: month.optional(),
    cohort_to: month.optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
    as_of: isoDay.optional(),
    view: z.enum(['distribution', 'migration']).optional(),
  })
  .strict();

const result = z
  .object({
    metric: z.string(),
    title: z.string(),
    as_of: z.string(),
    basis: z.string(),
    request: z.record(z.string(), z.unknown()),
    columns: z.array(z.object({ name: z.string(), kind: z.string(), denominator: z.string().optional() })),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  })
  .openapi('MetricResult');

export const metricRoutes = new OpenAPIHono<AppEnv>();
for (const [path, spec] of Object.entries(routes)) {
  metricRoutes.openapi(
    createRoute({
      method: 'get',
      path: `/v1/metrics/${path}`,
      summary: `${path} metric (SPEC §5); JSON, or CSV with Accept: text/csv`,
      request: { query },
      responses: {
        200: {
          description: 'the metric, every ratio naming its denominator',
          content: { 'application/json': { schema: result }, 'text/csv': { schema: z.string() } },
        },
        304: { description: 'not modified (ETag)' },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      requirePermission(c, 'metrics:read');
      const { view, ...q } = c.req.valid('query');
      const metric = path === 'classification' && view === 'migration' ? 'migration' : spec.metric;
      const groupBy = q.group_by ?? (metric === spec.metric ? spec.groupBy : undefined);
      const { wh } = c.get('deps');
      let prepared: PreparedMetric;
      try {
        const parsed = parseMetricRequest(
          Object.fromEntries(Object.entries({ ...q, group_by: groupBy }).filter(([, v]) => v !== undefined)),
        );
        // refused before any metric query: dates far past the data, then values the data does not hold
        const last = await recentSnapshotMonthEnd(wh);
        assertWithinData(parsed, last);
        await checkKnownFilters(wh, {
          product: parsed.product,
          region: parsed.region,
          branch: parsed.branch,
          channel: parsed.channel,
        });
        // equivalent requests share one entry; results are cached for a minute (snapshots change monthly, dashboards poll)
        const request = normaliseMetricRequest(parsed, last);
        prepared = (await c
          .get('caches')
          .metrics.get(JSON.stringify([metric, request]), async () =>
            prepareMetric(await runMetric(wh, metric, request)),
          )) as PreparedMetric;
      } catch (e) {
        if (e instanceof MetricRequestError) throw new ApiError('bad_request', e.message, undefined, { cause: e });
        throw e;
      }
      const csv = (c.req.header('accept') ?? '').includes('text/csv');
      // one ETag per representation of the same result
      const etag = `"${prepared.etag}${csv ? '-csv' : ''}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', 'private, max-age=60');
      c.header('Vary', 'Accept, Authorization, X-API-Key');
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      // streamed a thousand rows at a time: a large result is never also held as one string per request
      return csv
        ? c.body(streamOf(metricCsvChunks(prepared.result)), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
        : c.body(streamOf(metricJsonChunks(prepared.result)), 200, { 'Content-Type': 'application/json' });
    },
  );
}
