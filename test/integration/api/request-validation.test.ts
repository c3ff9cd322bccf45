import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { UserError } from '../../../lib/user-error.ts';
import { buildCaseList } from '../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../pipelines/cases/strategy.ts';
import { MetricRequestError } from '../../../warehouse/metrics/compile.ts';
import { assertKnownFilterValues, UnknownFilterValueError } from '../../../warehouse/metrics/known-values.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import type { OpenApiDocument } from '../../helpers/openapi-paths.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';
import { PastTheDataError } from '../../../warehouse/data-horizon.ts';
import { encodeCursor, listQuery } from '../../../api/pagination.ts';

const inherited = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
];
const metricPaths = ['overdue', 'vintage', 'roll-rate', 'recovery', 'classification', 'collections'].map(
  (m) => `/v1/metrics/${m}`,
);
/** an audit cursor of the unfiltered log, with the sort key given */
const cursor = (key: unknown) => encodeCursor(key, listQuery('GET /v1/audit', {}));

/** Request validation found by fuzzing and review (issue 17 §2–3): each was a 5xx or a silent empty 200. */
describe('API request validation', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  let key = '';
  beforeAll(async () => {
    wh = await warehouseWithBook('reqval', { loans: 400, months: 14, seed: 5 });
    key = (await createApiKey(wh, { role: 'admin' })).key;
    app = createApp({
      wh,
      // the tests read the responses, not the request log
      log: () => undefined,
      rateLimitPerMinute: 1_000_000,
      maxBodyBytes: 16 * 1024,
      snapshotSettings: defaultSettings,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
  async function expect400(path: string, message: RegExp) {
    const r = await get(path);
    const body = await r.text();
    expect(r.status, `${path} → ${body.slice(0, 300)}`).toBe(400);
    expect((JSON.parse(body) as { error: { message: string } }).error.message).toMatch(message);
  }

  it('an empty optional query parameter on any route answers as leaving it out, or is a 400 — never another answer', async () => {
    const doc = (await (await get('/openapi.json')).json()) as OpenApiDocument;
    const [loan] = (
      (await (await get('/v1/cases?as_of=2024-06-28&limit=1')).json()) as { cases: { loan_id: string }[] }
    ).cases;
    const values: Record<string, string> = {
      as_of: '2024-06-28',
      month: '2024-06',
      period: '2024-06',
      loan_id: loan!.loan_id,
    };
    const tried: string[] = [];
    const differs: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const params = ops.get?.parameters ?? [];
      if (path.includes('{') || params.some((p) => p.in === 'query' && p.required && !(p.name in values))) continue;
      const base = params.filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=${values[p.name]}`);
      const url = (extra: string[]) => `${path}?${[...base, ...extra].join('&')}`;
      const without = await get(url([]));
      if (without.status !== 200) continue;
      const plain = await without.text();
      for (const p of params.filter((q) => q.in === 'query' && !q.required && q.name !== 'cursor')) {
        const r = await get(url([`${p.name}=`]));
        tried.push(`${path} ${p.name}`);
        if (r.status === 400) continue;
        const body = await r.text();
        if (r.status !== 200 || body !== plain) differs.push(`${path}?${p.name}= → ${r.status} ${body.slice(0, 120)}`);
      }
    }
    expect(differs).toEqual([]);
    // the list filters of the case, warning, promise, placement and disposal routes among them
    for (const t of ['/v1/cases stage', '/v1/cases region', '/v1/placements region', '/v1/promises status'])
      expect(tried).toContain(t);
    // a number is written as one: not an exponent, not hexadecimal, not padded
    for (const q of ['limit=1e2', 'limit=0x10', 'limit=%2012', 'limit=1.5'])
      await expect400(`/v1/cases?as_of=2024-06-28&${q}`, /expected a whole number/u);
    await expect400('/v1/promises?as_of=2024-06-28&grace_days=1e1', /expected a whole number/u);
  });

  it('a refused request names the fields as the client wrote them: an unknown parameter by name, a body of two shapes by the one it is closest to', async () => {
    const fieldsOf = async (r: Response) => {
      expect(r.status).toBe(400);
      return ((await r.json()) as { error: { details: { fields: { field: string; message: string }[] } } }).error
        .details.fields;
    };
    expect(await fieldsOf(await get('/v1/cases?as_of=2024-06-28&foo=bar&Limit=3'))).toEqual([
      { field: 'foo', message: 'not a parameter of this route' },
      { field: 'Limit', message: 'not a parameter of this route' },
    ]);
    const post = (body: unknown) =>
      app.request('/v1/scores', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ids = ['L000000001'];
    for (const [body, field] of [
      [{ loan_ids: ids, as_of: '2024-13-01' }, 'as_of'],
      [{ loan_ids: ids, target_grade: 'Z' }, 'target_grade'],
      [{ loan_ids: Array.from({ length: 1001 }, (_, i) => `L${i}`) }, 'loan_ids'],
      [{ loan_ids: ids, colour: 'red' }, 'colour'],
    ] as const) {
      const fields = await fieldsOf(await post(body));
      expect(
        fields.map((f) => f.field),
        JSON.stringify(body).slice(0, 80),
      ).toEqual([field]);
    }
    expect((await fieldsOf(await post(null)))[0]!.field).toBe('(body)');
    // the rows shape's fields with rows of the wrong kind: told of the rows, not that model and rows are unknown
    expect(await fieldsOf(await post({ model: 'german_scorecard@1', rows: [1, 2] }))).toEqual([
      { field: 'rows.0', message: expect.stringMatching(/^expected (record|object)/u) as string },
      { field: 'rows.1', message: expect.stringMatching(/^expected (record|object)/u) as string },
    ]);
    // a cell of none of its types: every type it may be, not the first one's
    expect(await fieldsOf(await post({ model: 'german_scorecard@1', rows: [{ duration: true }] }))).toEqual([
      { field: 'rows.0.duration', message: 'expected string, number or null' },
    ]);
  });

  it('a served path asked with another method is a 405 naming the methods it takes; an unknown path a 404', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/v1/models', 'GET, HEAD'],
      ['PUT', '/v1/cases', 'GET, HEAD'],
      ['GET', '/v1/models/m/1/promote', 'POST'],
      ['DELETE', '/v1/collection-actions', 'GET, HEAD, POST'],
    ] as const) {
      const r = await app.request(path, { method, headers: { authorization: `Bearer ${key}` } });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow')).toBe(allow);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    }
    expect((await app.request('/v1/no-such-route', { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    // a trailing slash is another path: a 404 naming the one served, not a 405 listing the method asked
    for (const method of ['GET', 'DELETE']) {
      const slash = await app.request('/v1/models/', { method, headers: { authorization: `Bearer ${key}` } });
      expect(slash.status, method).toBe(404);
      expect(((await slash.json()) as { error: { message: string } }).error.message).toBe(
        `no route ${method} /v1/models/ (without the trailing slash: /v1/models)`,
      );
    }
  });

  it('an audit window that ends before it starts, and two different keys in one request, are refused', async () => {
    await expect400('/v1/audit?from=2030-01-01&to=2020-01-01', /from: from is after to/u);
    expect((await get('/v1/audit?from=2020-01-01&to=2030-01-01')).status).toBe(200);
    // a misspelt action is refused with the nearest, not answered with an empty log ("nothing happened");
    // an action loanwatch writes is a filter though none is logged yet
    await expect400(
      '/v1/audit?action=cases.pul',
      /unknown action "cases.pul" \(did you mean "cases.pull"\?\) — known: .*cases\.pull/u,
    );
    await expect400('/v1/audit?action=cases.pull,model.promot', /unknown action "model.promot"/u);
    for (const action of ['cases.pull', 'model.promote', 'users.disable', 'cases.pull,keys.revoke'])
      expect((await get(`/v1/audit?action=${action}`)).status, action).toBe(200);
    const other = (await createApiKey(wh, { role: 'auditor' })).key;
    const two = await get('/v1/audit', { 'x-api-key': other });
    expect(two.status).toBe(401);
    expect(((await two.json()) as { error: { message: string } }).error.message).toBe(
      'two different API keys (Authorization and X-API-Key): send one',
    );
    // the same key twice is one key
    expect((await get('/v1/audit', { 'x-api-key': key })).status).toBe(200);
    // a gateway's Basic credential beside X-API-Key is no second key: the X-API-Key acts
    const basic = `Basic ${Buffer.from('gateway:secret').toString('base64')}`;
    expect((await get('/v1/audit', { authorization: basic, 'x-api-key': key })).status).toBe(200);
    expect((await get('/v1/audit', { authorization: basic, 'x-api-key': 'lw_nothing_here' })).status).toBe(401);
    // Basic alone is still the unsupported scheme
    const alone = await get('/v1/audit', { authorization: basic });
    expect(((await alone.json()) as { error: { message: string } }).error.message).toMatch(
      /^unsupported Authorization scheme "Basic"/u,
    );
  });

  it('CSV or JSON as the Accept header weighs them: q-values count, a q=0 is a refusal, anything else is JSON', async () => {
    const paths = ['/v1/metrics/overdue', '/v1/cases?as_of=2024-06-28&limit=3', '/v1/promises?as_of=2024-06-28'];
    const csv = [
      'text/csv',
      'text/csv;q=0.9, application/json;q=0.5',
      'TEXT/CSV',
      'text/*',
      'application/json;q=0.1, text/csv',
    ];
    const json = [
      'application/json',
      'text/csv;q=0',
      'application/json;q=1, text/csv;q=0.1',
      'application/xml',
      '*/*',
      'text/csv;q=0, */*',
      '',
    ];
    for (const path of paths)
      for (const [accept, type] of [
        ...csv.map((a) => [a, 'text/csv'] as const),
        ...json.map((a) => [a, 'application/json'] as const),
      ]) {
        const r = await get(path, accept ? { accept } : {});
        expect(r.status, `${path} ${accept}`).toBe(200);
        expect(r.headers.get('content-type'), `${path} Accept: ${accept}`).toMatch(new RegExp(`^${type}`, 'u'));
      }
  });

  it('a group_by naming an inherited object property is a 400 on every metric route (was a 500 for constructor)', async () => {
    for (const path of metricPaths) {
      for (const name of inherited)
        await expect400(`${path}?group_by=${encodeURIComponent(name)}`, /group_by|cannot be grouped by/);
      await expect400(
        `${path}?group_by=month_end,constructor`,
        /cannot be grouped by (month_end, )?constructor;|group_by/,
      );
    }
    await expect(runMetric(wh, 'constructor', {})).rejects.toThrow(/unknown metric constructor/);
    await expect(runMetric(wh, 'overdue', { group_by: ['constructor'] })).rejects.toThrow(MetricRequestError);
  });

  it('an audit cursor whose time is not a timestamp is a 400 (was a 500)', async () => {
    for (const at of [
      'nope',
      'constructor',
      '2024-13-45 00:00:00',
      '2024-02-30 10:00:00',
      '2024-06-30T00:00:00Z',
      '9999-12-31 23:59:59',
      '',
      17,
      null,
    ]) {
      await expect400(`/v1/audit?cursor=${cursor({ at, request_id: 'x' })}`, /invalid cursor/);
    }
    expect((await get(`/v1/audit?cursor=${cursor({ at: '2024-06-30 12:00:00.123', request_id: 'x' })}`)).status).toBe(
      200,
    );
  });

  it('an inverted period is an error in the request schema, for the API and the CLI alike', async () => {
    await expect400(
      '/v1/metrics/roll-rate?from=2024-05-01&to=2024-01-31',
      /from \(2024-05-01\) is after to \(2024-01-31\)/,
    );
    await expect400(
      '/v1/metrics/vintage?cohort_from=2024-03&cohort_to=2023-01',
      /cohort_from \(2024-03\) is after cohort_to/,
    );
    await expect(runMetric(wh, 'roll_rate', { from: '2024-05-01', to: '2024-01-31' })).rejects.toThrow(
      MetricRequestError,
    );
    await expect(runMetric(wh, 'overdue', { to: '2024-02-31' })).rejects.toThrow(/expected a calendar date/);
  });

  it('filter values the warehouse does not hold are a 400 listing the known values, not an empty 200', async () => {
    await expect400(
      '/v1/metrics/overdue?product=mortgag',
      /unknown product "mortgag" \(did you mean "mortgage"\?\) — known: .*consumer.*mortgage/,
    );
    await expect400(
      '/v1/metrics/roll-rate?region=eats',
      /unknown region "eats" \(did you mean "east"\?\) — known: central, east, /,
    );
    await expect400(
      '/v1/metrics/overdue?branch=nowhere-01&channel=pigeon',
      /unknown branch "nowhere-01".*; unknown channel "pigeon"/,
    );
    await expect400('/v1/metrics/overdue?region=constructor', /unknown region "constructor"/);
    await expect400('/v1/cases?as_of=2024-06-15&region=eats', /unknown region "eats"/);
    await expect400(
      '/v1/cases?as_of=2024-06-15&product=mortgag&team=nobody',
      /unknown product "mortgag".*unknown team "nobody"/,
    );
    await expect400('/v1/warnings?as_of=2024-06-30&team=toString', /unknown team "toString"/);
    await expect400('/v1/warnings?as_of=2024-06-30&region=hasOwnProperty', /unknown region "hasOwnProperty"/);
    expect((await get('/v1/metrics/overdue?region=east&product=mortgage,consumer')).status).toBe(200);
    expect((await get('/v1/cases?as_of=2024-06-15&region=east&stage=early,mid')).status).toBe(200);
    // the reusable check below the API (the CLI's), with its UserError
    await expect(assertKnownFilterValues(wh, { region: 'east', team: [] })).resolves.toBeUndefined();
    const e = await assertKnownFilterValues(wh, { region: 'eats', product: 'valueOf' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnknownFilterValueError);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(
      /^unknown product "valueOf" — known: .*; unknown region "eats" \(did you mean "east"\?\) — known: central, east, .*$/,
    );
  });

  it('dates far past the data are refused before any query (as_of=2149 built a 23 MB vintage)', async () => {
    const t0 = performance.now();
    await expect400(
      '/v1/metrics/vintage?as_of=2149-06-01',
      /as_of 2149-06-01: too far past the data, which ends 2024-06-30; dates may reach 12 months past it \(2025-06-30\)/,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect400('/v1/metrics/overdue?to=2030-01-31', /to 2030-01-31: too far past the data/);
    await expect400('/v1/metrics/vintage?cohort_from=2099-01', /cohort_from 2099-01: too far past the data/);
    expect((await get('/v1/metrics/vintage?as_of=2025-06-30')).status).toBe(200);
    await expect(runMetric(wh, 'vintage', { as_of: '2149-06-01' })).rejects.toThrow(/too far past the data/);
    // a case list names the data's own bound, the nearer one: naming the 12 months sent a user to a date refused next
    for (const day of ['2149-06-01', '2025-06-15'])
      await expect400(
        `/v1/cases?as_of=${day}`,
        new RegExp(`as_of ${day} is \\d+ days after the data's last day 2024-06-30 \\(at most 7\\)`, 'u'),
      );
    await expect400('/v1/cases?as_of=1970-01-01', /no month-end before it/);
    // a date before the data's first month-end: nothing to start from, not an empty list
    await expect400(
      '/v1/cases?as_of=1990-01-15',
      /as_of 1990-01-15: before the data's first month-end \d{4}-\d{2}-\d{2}/,
    );
    await expect(
      buildCaseList(wh, {
        asOf: '2149-06-01',
        settings: defaultSettings,
        strategy: defaultStrategyTable,
        champion: null,
      }),
    ).rejects.toThrow(PastTheDataError);
  });

  it('states on a date before the data are refused with the shared message, naming the field as_of (the CLI names --as-of)', async () => {
    // the book's 14 months start in 2023-05: a year typed 2019 is no empty list
    for (const path of [
      '/v1/placements?as_of=2019-06-10',
      '/v1/promises?as_of=2019-06-10',
      '/v1/disposal?as_of=2019-06-10',
      '/v1/warnings?as_of=2019-06-10',
    ])
      await expect400(
        path,
        /^as_of 2019-06-10 is before the data's first day \d{4}-\d{2}-\d{2}: there is nothing on it$/u,
      );
    await expect400('/v1/cases?as_of=2019-06-10', /^as_of 2019-06-10: before the data's first month-end/u);
    // a period ending before the data holds no action: not "0 actions"; one starting before it is "since the start"
    await expect400(
      '/v1/contact-compliance?from=2019-06-01&to=2019-06-30',
      /^to 2019-06-30 is before the data's first day \d{4}-\d{2}-\d{2}: there is nothing on it$/u,
    );
    expect((await get('/v1/contact-compliance?from=2019-06-01&to=2024-06-30')).status).toBe(200);
  });

  it('a field breaking a bound is told once, in plain words (not zod\'s "Too big: expected int to be <=9007199254740991")', async () => {
    for (const [months, said] of [
      ['999999999999999999999', /^months: at most 120$/u],
      ['100000', /^months: at most 120$/u],
      ['0', /^months: at least 1$/u],
    ] as const) {
      const r = await get(`/v1/metrics/forecast?months=${months}`);
      const body = (await r.json()) as { error: { message: string } };
      expect(r.status, months).toBe(400);
      const parts = body.error.message.replace(/^invalid request: /u, '').split('; ');
      expect(parts, body.error.message).toHaveLength(1);
      expect(parts[0], body.error.message).toMatch(said);
      expect(body.error.message).not.toMatch(/Too (big|small)|expected (int|number)/u);
    }
  });

  it('states on a date more than a week after the data ends are refused: every installment due since would count as unpaid', async () => {
    // the book's files end on 2024-06-30: a day more than a week past them lists loans that are not late
    const past =
      /as_of 2024-07-\d\d is \d+ days after the data's last day 2024-06-30 \(at most 7\): installments due since would count as unpaid/u;
    for (const path of [
      '/v1/cases?as_of=2024-07-08',
      '/v1/cases?as_of=2024-07-31',
      '/v1/placements?as_of=2024-07-10',
      '/v1/promises?as_of=2024-07-10',
      '/v1/disposal?as_of=2024-07-10',
      '/v1/warnings?as_of=2024-07-10',
    ])
      await expect400(path, past);
    await expect400(
      '/v1/contact-compliance?from=2024-07-08&to=2024-07-31',
      /^from 2024-07-08 is 8 days after the data's last day 2024-06-30 \(at most 7\)/u,
    );
    for (const path of [
      '/v1/cases?as_of=2024-06-30',
      '/v1/placements?as_of=2024-06-28',
      '/v1/promises?as_of=2024-06-30',
      '/v1/disposal?as_of=2024-06-30',
    ])
      expect((await get(path)).status, path).toBe(200);
    // inside the data but never fired on this book: not computed (404), not past the data (400)
    expect((await get('/v1/warnings?as_of=2024-06-30')).status).toBe(404);
    await expect(
      buildCaseList(wh, {
        asOf: '2024-07-09',
        settings: defaultSettings,
        strategy: defaultStrategyTable,
        champion: null,
      }),
    ).rejects.toThrow(PastTheDataError);
  });

  it('equivalent metric requests share one cache entry and one answer', async () => {
    const etagOf = async (q: string) => {
      const r = await get(`/v1/metrics/overdue?${q}`);
      expect(r.status, q).toBe(200);
      const body = (await r.json()) as { request: unknown };
      return { etag: r.headers.get('etag'), request: body.request };
    };
    const a = await etagOf('product=mortgage,consumer&region=east');
    const b = await etagOf('region=east&product=consumer,mortgage,mortgage&basis=balance&as_of=2024-06-30');
    const c = await etagOf('product=consumer,mortgage&region=east&as_of=2024-06-07&cohort_grain=month');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.request).toEqual({
      basis: 'balance',
      cohort_grain: 'month',
      product: ['consumer', 'mortgage'],
      region: ['east'],
      as_of: '2024-06-30',
    });
    expect((await etagOf('product=mortgage')).etag).not.toBe(a.etag);
  });

  it('a large metric export streams in pieces, and its CSV and JSON still agree', async () => {
    const q = '/v1/metrics/overdue?group_by=month_end,branch,product,channel,bucket';
    const json = (await (await get(q)).json()) as { rows: unknown[] };
    expect(json.rows.length).toBeGreaterThan(1000);
    const r = await get(q, { accept: 'text/csv' });
    const reader = r.body!.getReader();
    let pieces = 0;
    let text = '';
    for (let x = await reader.read(); !x.done; x = await reader.read()) {
      pieces++;
      text += new TextDecoder().decode(x.value);
    }
    expect(pieces).toBeGreaterThan(1);
    // a header and a line per row, each ended by a newline
    expect(text.split('\n').length - 2).toBe(json.rows.length);
    expect(text.endsWith('\n')).toBe(true);
    const first = await get(q);
    expect((await get(q, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    expect((await get(q, { accept: 'text/csv', 'if-none-match': first.headers.get('etag')! })).status).toBe(200);
    // the forms caches send back: weakened, in a list, any
    const tag = first.headers.get('etag')!;
    for (const h of [`W/${tag}`, `"other", ${tag}`, ` W/"x" ,W/${tag} `, '*'])
      expect((await get(q, { 'if-none-match': h })).status, h).toBe(304);
    for (const h of ['"other"', tag.slice(0, -2) + '"', '', 'W/"x", "y"'])
      expect((await get(q, { 'if-none-match': h })).status, h).toBe(200);
  });
});
