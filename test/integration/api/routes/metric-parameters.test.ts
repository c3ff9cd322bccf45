import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import type { OpenApiDocument } from '../../../helpers/openapi-paths.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';
import { metricNames } from '../../../../warehouse/metrics/index.ts';
import { metricRequestFieldNames } from '../../../../warehouse/metrics/request.ts';

/**
 * A metric route takes the parameters its document lists and refuses any other by name (review 4
 * §3: every route offered all fifteen, and overdue took cohort_grain or months without a word, or
 * said view "applies to classification only" after offering it). The query is checked before any
 * data is read, so an empty warehouse (keys only) serves.
 */
interface Refusal {
  error: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } };
}

/** a value of the right shape for each metric request field */
const good: Record<string, string> = {
  as_of: '2024-06-30',
  group_by: 'month_end',
  basis: 'balance',
  cohort_grain: 'month',
  product: 'consumer',
  region: 'east',
  branch: 'east-01',
  channel: 'online',
  cohort_from: '2023-01',
  cohort_to: '2023-12',
  from: '2024-01-31',
  to: '2024-06-30',
  dpd_over: '90',
  months: '6',
  view: 'distribution',
};

describe('metric routes: the listed parameters and no others', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  let doc: OpenApiDocument;
  beforeAll(async () => {
    wh = await testWarehouse('metric_parameters');
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
    doc = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
  });
  afterAll(() => disposeIfOpened(wh));

  const get = async (url: string) => {
    const r = await app.request(url, { headers: { authorization: `Bearer ${admin}` } });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Refusal };
  };
  const listed = (path: string) => (doc.paths[path]!.get!.parameters ?? []).map((p) => p.name);

  it('a bad group_by and a from after to are 400s with details.fields, as every refusal of a named parameter', async () => {
    for (const [url, field, message] of [
      [
        '/v1/metrics/overdue?from=2024-05-01&to=2024-01-01',
        'from',
        /^from \(2024-05-01\) is after to \(2024-01-01\)$/u,
      ],
      [
        '/v1/contact-compliance?from=2024-06-30&to=2024-06-01',
        'from',
        /^from \(2024-06-30\) is after to \(2024-06-01\)$/u,
      ],
      ['/v1/metrics/overdue?as_of=2024-06-30&group_by=constructor', 'group_by', /cannot be grouped by constructor/u],
    ] as const) {
      const { status, body } = await get(url);
      expect(status, url).toBe(400);
      expect(
        body.error.details?.fields?.map((f) => f.field),
        `${url}: ${body.error.message}`,
      ).toEqual([field]);
      expect(body.error.details?.fields?.[0]?.message, url).toMatch(message);
    }
  });

  it('every field a route does not list is refused with a 400 naming it and the fields the metric takes', async () => {
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/metrics/'));
    // one route per catalogue metric, and classification
    expect(paths.length).toBe(metricNames.length + 1);
    let refused = 0;
    for (const path of paths) {
      const takes = listed(path);
      for (const field of [...metricRequestFieldNames, 'view'].filter((f) => !takes.includes(f))) {
        const { status, body } = await get(`${path}?${field}=${encodeURIComponent(good[field]!)}`);
        const what = `${path} ${field}`;
        expect(status, what).toBe(400);
        expect(body.error.details?.fields, what).toEqual([
          { field, message: `not a parameter of ${path}; it takes ${takes.join(', ')}` },
        ]);
        expect(body.error.message, what).toContain(`${field}: not a parameter of ${path}`);
        refused++;
      }
    }
    // the report's cases: overdue offered view and months, the forecast group_by
    expect(refused).toBeGreaterThan(paths.length * 3);
    expect((await get('/v1/metrics/overdue?view=migration')).body.error.details?.fields?.[0]?.field).toBe('view');
    expect((await get('/v1/metrics/overdue?months=3')).status).toBe(400);
    expect((await get('/v1/metrics/forecast?group_by=month_end')).status).toBe(400);
  });

  it('every field a route lists passes its validation (at the first, a middle and the last place in the query)', async () => {
    for (const path of Object.keys(doc.paths).filter((p) => p.startsWith('/v1/metrics/'))) {
      const takes = listed(path);
      const one = takes.map((f) => `${f}=${encodeURIComponent(good[f]!)}`);
      for (const at of [0, Math.floor(takes.length / 2), takes.length - 1]) {
        const field = takes[at]!;
        const { status, body } = await get(`${path}?${one[at]!}`);
        // an empty warehouse may refuse the request for its data, never the parameter as not the route's
        if (status === 400) expect(JSON.stringify(body.error), `${path} ${field}`).not.toMatch(/not a parameter of/u);
      }
      // an unknown parameter beside valid ones is still named alone
      const { body } = await get(`${path}?${one.slice(0, 2).join('&')}&nonsense=1`);
      expect(
        body.error.details?.fields?.map((f) => f.field),
        path,
      ).toEqual(['nonsense']);
    }
  });
});
