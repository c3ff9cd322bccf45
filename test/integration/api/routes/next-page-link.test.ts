import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { withCursor } from '../../../../api/pagination.ts';
import { csvRecords } from '../../../../lib/csv-records.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { buildCaseList } from '../../../../pipelines/cases/case-list.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * A CSV page says how to reach the next one (review 2026-12-06 §3: a CSV client without `limit` got
 * 100 of 1,806 cases and could not tell): every page but the last carries `Link: <…>; rel="next"`
 * and `X-Next-Cursor`, on every paged route, JSON and CSV alike.
 */
const asOf = '2024-06-30';

async function records(text: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords([text])) if (r.fields.some((f) => f !== '')) out.push(r.fields);
  return out;
}

/** `<…>; rel="next"` → the target, or null */
const nextOf = (link: string | null) => (link === null ? null : /^<([^>]+)>; rel="next"$/u.exec(link)![1]!);

describe('paged routes link to their next page', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  beforeAll(async () => {
    wh = await warehouseWithBook('next_link', { loans: 1200, months: 14, seed: 8 });
    await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: defaultWarningRules });
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  const get = (path: string, csv = false) =>
    app.request(path, { headers: { authorization: `Bearer ${admin}`, ...(csv ? { accept: 'text/csv' } : {}) } });

  /** Follows Link from `path` to the last page: each page's response, in order. */
  async function follow(path: string, csv: boolean) {
    const pages: { body: string; link: string | null; cursor: string | null; url: string }[] = [];
    for (let url: string | null = path; url !== null;) {
      const r = await get(url, csv);
      const body = await r.text();
      expect(r.status, `${url}: ${body.slice(0, 200)}`).toBe(200);
      const link = r.headers.get('link');
      pages.push({ body, link, cursor: r.headers.get('x-next-cursor'), url });
      url = nextOf(link);
      expect(pages.length).toBeLessThan(500);
    }
    return pages;
  }

  const csvRoutes = [
    { path: `/v1/cases?as_of=${asOf}`, key: 'cases' },
    { path: `/v1/cases?as_of=${asOf}&stage=early,mid,late&region=east,south`, key: 'cases' },
    { path: `/v1/warnings?as_of=${asOf}`, key: 'warnings' },
    { path: `/v1/warnings?severity=warning,critical&as_of=${asOf}`, key: 'warnings' },
  ];

  it('following Link from the first CSV page to the last gives exactly the rows of one page, in order, no duplicates or gaps', async () => {
    for (const route of csvRoutes) {
      const whole = await records(await (await get(`${route.path}&limit=1000`, true)).text());
      expect(whole.length, route.path).toBeGreaterThan(10);
      const [header, ...all] = whole;
      for (const limit of [1, 7, 19, all.length - 1, all.length, all.length + 1]) {
        if (limit < 1 || (limit === 1 && all.length > 60)) continue;
        const pages = await follow(`${route.path}&limit=${limit}`, true);
        const rows: string[][] = [];
        for (const p of pages) {
          const [h, ...rest] = await records(p.body);
          expect(h, route.path).toEqual(header);
          expect(rest.length).toBeLessThanOrEqual(limit);
          rows.push(...rest);
        }
        expect(rows, `${route.path} limit ${limit}`).toEqual(all);
        expect(pages.length, `${route.path} limit ${limit}`).toBe(Math.max(1, Math.ceil(all.length / limit)));
        // every page but the last has both headers, the last neither
        expect(pages.slice(0, -1).every((p) => p.link !== null && p.cursor !== null)).toBe(true);
        expect([pages.at(-1)!.link, pages.at(-1)!.cursor]).toEqual([null, null]);
      }
    }
    // without limit: 100 a page, and a link on whenever more follow
    const sizes: number[] = [];
    for (const route of csvRoutes) {
      const all = (await records(await (await get(`${route.path}&limit=1000`, true)).text())).length - 1;
      const first = await get(route.path, true);
      expect((await records(await first.text())).length - 1, route.path).toBe(Math.min(all, 100));
      if (all > 100) expect(nextOf(first.headers.get('link'))).toMatch(/&cursor=[A-Za-z0-9_-]+$/u);
      else expect(first.headers.get('link')).toBeNull();
      sizes.push(all);
    }
    expect(Math.max(...sizes)).toBeGreaterThan(100);
  });

  it('the CSV pages hold the JSON pages’ rows, and the JSON pages carry the same Link and X-Next-Cursor as next_cursor', async () => {
    for (const route of csvRoutes) {
      for (const limit of [9, 40]) {
        const csvPages = await follow(`${route.path}&limit=${limit}`, true);
        const jsonPages = await follow(`${route.path}&limit=${limit}`, false);
        expect(jsonPages.length, route.path).toBe(csvPages.length);
        const idColumn = route.key === 'cases' ? 'loan_id' : 'rule_id';
        for (const [i, jp] of jsonPages.entries()) {
          const body = JSON.parse(jp.body) as Record<string, Record<string, unknown>[]> & {
            next_cursor: string | null;
          };
          expect(jp.cursor, route.path).toBe(body.next_cursor);
          expect(csvPages[i]!.cursor, route.path).toBe(body.next_cursor);
          const [header, ...rows] = await records(csvPages[i]!.body);
          const at = header!.indexOf(idColumn);
          expect(
            rows.map((r) => r[at]),
            `${route.path} page ${i}`,
          ).toEqual(body[route.key]!.map((x) => x[idColumn]));
        }
      }
    }
  });

  it('every route whose JSON has next_cursor links its next page: disposal, models, audit too', async () => {
    for (const path of [`/v1/disposal?as_of=${asOf}`, '/v1/audit?action=cases.pull', '/v1/models']) {
      const whole = (await (await get(`${path}${path.includes('?') ? '&' : '?'}limit=1000`)).json()) as Record<
        string,
        unknown
      >;
      const listKey = Object.keys(whole).find((k) => Array.isArray(whole[k]))!;
      const all = whole[listKey] as unknown[];
      const pages = await follow(`${path}${path.includes('?') ? '&' : '?'}limit=3`, false);
      const rows = pages.flatMap((p) => (JSON.parse(p.body) as Record<string, unknown[]>)[listKey]!);
      // the audit log grows as it is read (each pull of a case list is a row): its pages are older rows, newest first
      if (path.startsWith('/v1/audit')) expect(rows.length).toBeGreaterThanOrEqual(all.length);
      else expect(rows, path).toEqual(all);
      expect(pages.at(-1)!.link).toBeNull();
      for (const p of pages.slice(0, -1))
        expect(p.cursor).toBe((JSON.parse(p.body) as { next_cursor: string | null }).next_cursor);
    }
  });

  it('a case list paged while it changes: every page from the version its first page was cut from; a cursor of another list 400, of a version gone 409', async () => {
    // the list as a recorded action changes it: a case moves up and the ranks follow
    let changed = false;
    const changing = unthrottledApp(wh, {
      buildCaseList: async (w, o) => {
        const list = await buildCaseList(w, o);
        if (!changed) return list;
        const moved = [...list.slice(0, 2), list.at(-1)!, ...list.slice(2, -1)];
        return moved.map((c, i) => ({ ...c, rank: i + 1 }));
      },
    });
    const call = (path: string, csv = false, init: RequestInit = {}) =>
      changing.request(path, {
        ...init,
        headers: {
          authorization: `Bearer ${admin}`,
          'content-type': 'application/json',
          ...(csv ? { accept: 'text/csv' } : {}),
        },
      });
    const ids = async (r: Response) =>
      ((await r.json()) as { cases: { loan_id: string }[] }).cases.map((x) => x.loan_id);
    // an action recorded, as a collector does between two pages (the route drops its cached lists)
    const record = async (actionId: string, loanId: string) => {
      const r = await call('/v1/collection-actions', false, {
        method: 'POST',
        body: JSON.stringify({
          action_id: actionId,
          loan_id: loanId,
          action_date: '2024-06-28',
          channel: 'phone',
          outcome: 'no_contact',
        }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
    };
    let before: string[] = [];
    for (const csv of [false, true]) {
      changed = false;
      await record(`PAGING-${csv}-A`, 'L000000075');
      before = await ids(await call(`/v1/cases?as_of=${asOf}&limit=1000`));
      expect(before.length).toBeGreaterThan(20);
      const first = await call(`/v1/cases?as_of=${asOf}&limit=7`, csv);
      const rows = csv ? (await records(await first.text())).slice(1).map((r) => r[1]!) : await ids(first);
      changed = true;
      await record(`PAGING-${csv}-B`, before[0]!);
      for (let url = nextOf(first.headers.get('link')); url !== null;) {
        const r = await call(url, csv);
        expect(r.status, url).toBe(200);
        rows.push(...(csv ? (await records(await r.text())).slice(1).map((x) => x[1]!) : await ids(r)));
        url = nextOf(r.headers.get('link'));
      }
      expect(rows, csv ? 'csv' : 'json').toEqual(before);
    }
    // the next pull is of the changed list, a case moved up
    const after = await ids(await call(`/v1/cases?as_of=${asOf}&limit=1000`));
    expect(after).not.toEqual(before);
    expect([...after].sort()).toEqual([...before].sort());

    const cursor = (await call(`/v1/cases?as_of=${asOf}&limit=5`)).headers.get('x-next-cursor')!;
    const other = await call(`/v1/cases?as_of=2024-06-29&limit=5&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('this cursor is of another case list');
    const filtered = await call(`/v1/cases?as_of=${asOf}&stage=early&limit=5&cursor=${cursor}`);
    expect(filtered.status).toBe(400);
    // a version neither kept nor current: read the list again from its first page
    const named = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const gone = Buffer.from(JSON.stringify({ ...named, l: 'a-version-gone' })).toString('base64url');
    const stale = await call(`/v1/cases?as_of=${asOf}&limit=5&cursor=${gone}`);
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('read the list again from its first page');
  });

  it("the link is the request's own path and query, as the client wrote it, with the cursor replaced", () => {
    const base = 'http://h:8080/v1/cases';
    expect(withCursor(`${base}?as_of=2024-06-30&limit=5`, 'MTA')).toBe('/v1/cases?as_of=2024-06-30&limit=5&cursor=MTA');
    // a cursor already there is replaced, wherever it stood and however its name was escaped
    for (const q of ['cursor=OLD&as_of=2024-06-30', 'as_of=2024-06-30&cursor=OLD', 'as_of=2024-06-30&%63ursor=OLD'])
      expect(withCursor(`${base}?${q}`, 'NEW')).toBe('/v1/cases?as_of=2024-06-30&cursor=NEW');
    // other parameters keep their order and escapes; empty pieces go
    expect(withCursor(`${base}?region=%E5%8D%8E%E4%B8%9C,south&&stage=early+x&cursor=`, 'N')).toBe(
      '/v1/cases?region=%E5%8D%8E%E4%B8%9C,south&stage=early+x&cursor=N',
    );
    expect(withCursor(base, 'N')).toBe('/v1/cases?cursor=N');
    // what the URL parser escapes cannot close the <…> of the Link
    expect(withCursor(`${base}?x=<a>"b"`, 'N')).not.toMatch(/[<>"]/u);
  });

  it('the OpenAPI document declares Link and X-Next-Cursor on the 200 of every route whose JSON carries next_cursor', async () => {
    const doc = (await (await get('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object; content?: object }> }>>;
    };
    const paged: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const ok = op.responses['200'];
        if (!JSON.stringify(ok?.content ?? {}).includes('next_cursor')) continue;
        paged.push(`${method} ${path}`);
        expect(Object.keys(ok!.headers ?? {}), `${method} ${path}`).toEqual(['Link', 'X-Next-Cursor']);
      }
    expect(paged).toEqual(
      expect.arrayContaining([
        'get /v1/cases',
        'get /v1/warnings',
        'get /v1/disposal',
        'get /v1/models',
        'get /v1/audit',
      ]),
    );
  });
});
