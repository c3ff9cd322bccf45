import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import {
  filledPath,
  requiredQuery,
  requiredQueryValues,
  type OpenApiDocument,
} from '../../../helpers/openapi-paths.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * A refused query parameter is named as it stands in the URL (review 2026-12-06 §9): a parameter
 * given twice is told so, not "expected string"; a bad item of a comma-separated list is named by
 * its parameter with the item quoted, not `region.0`. On every route: these are refused before any
 * data is read, so an empty warehouse (keys only) serves.
 */
interface Refusal {
  error: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } };
}
/** the comma-separated list filters, each with a good item and one its item schema refuses */
/** a value as an error message quotes it: JSON escapes, and a format character's escape too */
const shown = (v: string) =>
  JSON.stringify(v).replace(/\p{Cf}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const lists: { path: string; param: string; good: string; bad: string }[] = [
  { path: '/v1/cases?as_of=2024-06-28', param: 'region', good: 'east', bad: 'a\u0000b' },
  { path: '/v1/cases?as_of=2024-06-28', param: 'team', good: 'east-early', bad: '东部\u200b' },
  { path: '/v1/cases?as_of=2024-06-28', param: 'product', good: 'consumer', bad: '\u202ep' },
  { path: '/v1/cases?as_of=2024-06-28', param: 'stage', good: 'early', bad: 'earli' },
  { path: '/v1/warnings?as_of=2024-06-28', param: 'rule', good: 'broken_promise', bad: 'x\u0085y' },
  { path: '/v1/warnings?as_of=2024-06-28', param: 'kind', good: 'broken_promise', bad: 'nope' },
  { path: '/v1/warnings?as_of=2024-06-28', param: 'severity', good: 'critical', bad: 'high' },
  { path: '/v1/warnings?as_of=2024-06-28', param: 'region', good: '华东', bad: '华东\u0007' },
  { path: '/v1/promises?as_of=2024-06-28', param: 'status', good: 'open', bad: 'closed' },
  { path: '/v1/promises?as_of=2024-06-28', param: 'team', good: 'east-early', bad: 'a\u001bb' },
  { path: '/v1/disposal?as_of=2024-06-28', param: 'recommended', good: 'debt_sale', bad: 'sell-it' },
  { path: '/v1/disposal?as_of=2024-06-28', param: 'region', good: 'east', bad: 'a\ufeffb' },
  { path: '/v1/placements?as_of=2024-06-28', param: 'loan_id', good: 'L000000001', bad: 'L1\u2066' },
  { path: '/v1/contact-compliance?from=2024-01-01&to=2024-06-30', param: 'agent', good: 'ag-1', bad: 'a\u007fb' },
  { path: '/v1/audit?from=2024-01-01', param: 'action', good: 'cases.pull', bad: 'DROP TABLE' },
];

describe('refused query parameters named as the client wrote them', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  beforeAll(async () => {
    wh = await testWarehouse('query_wording');
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  const refusal = async (path: string) => {
    const r = await app.request(path, { headers: { authorization: `Bearer ${admin}` } });
    const body = (await r.json()) as Refusal;
    expect(r.status, `${path}: ${JSON.stringify(body)}`).toBe(400);
    return body.error;
  };

  it('every query parameter of every GET route, given twice or three times, is told so by its name', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
    let tried = 0;
    for (const [template, ops] of Object.entries(doc.paths)) {
      const params = ops.get?.parameters ?? [];
      const path = filledPath(template);
      for (const p of params.filter((x) => x.in === 'query')) {
        const others = requiredQuery(ops.get, [p.name]);
        const value = requiredQueryValues[p.name] ?? 'x';
        for (const [n, words] of [
          [2, 'given twice'],
          [3, 'given 3 times'],
        ] as const) {
          const url = `${path}?${[...others, ...Array.from({ length: n }, () => `${p.name}=${value}`)].join('&')}`;
          const e = await refusal(url);
          expect(e.details?.fields, url).toContainEqual({
            field: p.name,
            message: `${words}; give it once (lists: comma-separated)`,
          });
          expect(e.message, url).toContain(`${p.name}: ${words}; give it once (lists: comma-separated)`);
          expect(e.message, url).not.toMatch(/expected string|expected array/u);
          tried++;
        }
      }
    }
    // cases, warnings, metrics, reports, audit, … : every query parameter of the document
    expect(tried).toBeGreaterThan(100);
    // the reviewer's two
    expect((await refusal('/v1/cases?as_of=2024-06-28&as_of=2024-06-27')).message).toBe(
      'invalid request: as_of: given twice; give it once (lists: comma-separated)',
    );
    expect((await refusal('/v1/metrics/overdue?product=mortgage&product=consumer')).message).toBe(
      'invalid request: product: given twice; give it once (lists: comma-separated)',
    );
  });

  it('a bad item of a list is named by its parameter with the item quoted, wherever it stands in the list', async () => {
    for (const l of lists)
      for (const items of [
        [l.bad],
        [l.bad, l.good],
        [l.good, l.bad],
        [l.good, l.good, l.bad],
        [l.good, ` ${l.bad} `, l.good],
      ]) {
        const url = `${l.path}&${l.param}=${encodeURIComponent(items.join(','))}`;
        const e = await refusal(url);
        const fields = e.details?.fields ?? [];
        expect(
          fields.map((f) => f.field),
          url,
        ).toEqual([l.param]);
        expect(fields[0]!.message, url).toMatch(new RegExp(`^${escape(shown(l.bad))}: \\S`, 'u'));
        expect(e.message, url).not.toMatch(new RegExp(`${l.param}\\.\\d`, 'u'));
      }
  });

  it('several bad items of one list make one field naming each', async () => {
    const e = await refusal(
      `/v1/cases?as_of=2024-06-28&region=${encodeURIComponent('east,a\u200bb,c\u0007d')}&stage=early,earli`,
    );
    const fields = e.details?.fields ?? [];
    expect(fields.map((f) => f.field)).toEqual(['region', 'stage']);
    expect(fields[0]!.message).toMatch(/^"a\\u200bb": no control or format .*; "c\\u0007d": no control or format /u);
    expect(fields[1]!.message).toBe('"earli": one of watch, early, mid, late');
    // a control character is shown escaped, not sent to the client's terminal
    const ctl = await refusal(`/v1/cases?as_of=2024-06-28&region=${encodeURIComponent('east\u001b[2J')}`);
    expect(ctl.message).toContain('"east\\u001b[2J"');
    // a long item is cut in the message
    const long = await refusal(`/v1/cases?as_of=2024-06-28&region=${'y'.repeat(1001)}`);
    expect(long.message).toContain(`"${'y'.repeat(40)}…": at most 1000 characters`);
  });

  it('what was worded already stays: unknown parameters by name, single fields by name, bodies by their path', async () => {
    const e = await refusal('/v1/cases?as_of=2024-13-01&foo=1&limit=0');
    expect(e.details?.fields?.map((f) => f.field).sort()).toEqual(['as_of', 'foo', 'limit']);
    expect(e.details?.fields).toContainEqual({ field: 'foo', message: 'not a parameter of this route' });
    expect(e.details?.fields).toContainEqual({ field: 'limit', message: 'expected at least 1' });
    const post = await app.request('/v1/scores', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ loan_ids: ['L1', 'bad\u0000id'] }),
    });
    const fields = ((await post.json()) as Refusal).error.details?.fields ?? [];
    expect(fields.map((f) => f.field)).toEqual(['loan_ids.1']);
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
