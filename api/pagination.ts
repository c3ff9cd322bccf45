import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from './errors.ts';
import { queryInt } from './schemas.ts';

/**
 * Cursor pagination: the cursor is the opaque (base64url JSON) sort key of the last row returned;
 * the next page starts strictly after it, so rows inserted meanwhile never shift a page.
 */
export const pageQuery = {
  limit: queryInt(1, 1000).transform((n) => n ?? 100),
  cursor: z
    .string()
    .max(500)
    .regex(/^[A-Za-z0-9_-]*$/, 'an opaque cursor from next_cursor')
    .optional(),
};

/**
 * The question a list's pages answer: its route and the filters the page applied. A sort key is a
 * position in one list only: reused with other filters it silently skipped every row of that list
 * before it (GET /v1/corrections, review 2026-12-07), so each cursor carries its question's digest.
 */
export interface ListQuery {
  readonly route: string;
  /** the parameters that make up the question, as a refusal names them */
  readonly names: readonly string[];
  /** '' only for a list whose cursor key names its question itself (questionInKey) */
  readonly digest: string;
}

type FilterValue = string | number | boolean | readonly string[] | null | undefined;

/**
 * A list's question. Filters are given as the page applies them (a collector's pinned region, not
 * what he asked); a list value in any order or repeated, an empty list and a filter left out are the
 * same question as the route answers them the same.
 */
export function listQuery(route: string, filters: Readonly<Record<string, FilterValue>>): ListQuery {
  const applied = Object.entries(filters)
    .flatMap(([name, v]): [string, unknown][] => {
      if (v === undefined || v === null) return [];
      if (typeof v === 'object') return v.length === 0 ? [] : [[name, [...new Set(v)].sort()]];
      return [[name, v]];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash('sha256')
    .update(JSON.stringify([route, applied]))
    .digest('base64url')
    .slice(0, 16);
  return { route, names: Object.keys(filters), digest };
}

/**
 * For the case list only: its cursor key carries its question and its list version itself, and a
 * cursor of another question is refused with the case list's own words (routes/case-list-versions.ts).
 */
export const questionInKey: ListQuery = { route: '', names: [], digest: '' };

// `r`: the list that issued it, so a cursor sent to another list is told which one it pages
const boundCursor = z.object({ q: z.string().max(64), r: z.string().max(100).optional(), k: z.unknown() }).strict();

function anotherQuery(query: ListQuery, issuedBy: string | undefined): ApiError {
  const same = query.names.length > 0 ? ` with the same ${query.names.join(', ')} as the page that gave it` : '';
  const message =
    issuedBy !== undefined && issuedBy !== query.route
      ? `this cursor belongs to another query: it pages ${issuedBy}, not ${query.route} — send it to ${issuedBy} with the filters of the page that gave it, or read ${query.route} from its first page, without cursor`
      : `this cursor belongs to another query: a next_cursor pages only the list it came from — send it to ${query.route}${same}, or read the list again from its first page, without cursor`;
  return new ApiError('bad_request', message, { fields: [{ field: 'cursor', message: 'cursor of another query' }] });
}

const invalidCursor = () =>
  new ApiError('bad_request', 'invalid cursor: pass next_cursor from the previous page unchanged', {
    fields: [{ field: 'cursor', message: 'invalid cursor' }],
  });

const parsedCursor = (cursor: string): unknown => {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

/** The sort key a cursor names, checked to be of `query` (another query's: 400) and of the list's key shape. */
export function decodeCursor<T>(cursor: string | undefined, shape: z.ZodType<T>, query: ListQuery): T | null {
  if (!cursor) return null;
  const raw = parsedCursor(cursor);
  let key: unknown = raw;
  if (query.digest !== '') {
    const bound = boundCursor.safeParse(raw);
    if (!bound.success) throw invalidCursor();
    if (bound.data.q !== query.digest) throw anotherQuery(query, bound.data.r);
    key = bound.data.k;
  }
  const parsed = shape.safeParse(key);
  if (parsed.success) return parsed.data;
  throw invalidCursor();
}

export const encodeCursor = (key: unknown, query: ListQuery) =>
  Buffer.from(JSON.stringify(query.digest === '' ? key : { q: query.digest, r: query.route, k: key }), 'utf8').toString(
    'base64url',
  );

/** One page of rows already in sort order, after the cursor key. */
export function page<R, K>(
  rows: R[],
  keyOf: (r: R) => K,
  after: K | null,
  compare: (a: K, b: K) => number,
  limit: number,
  query: ListQuery,
): { items: R[]; next_cursor: string | null } {
  const rest = after === null ? rows : rows.filter((r) => compare(keyOf(r), after) > 0);
  const items = rest.slice(0, limit);
  return {
    items,
    next_cursor: rest.length > limit ? encodeCursor(keyOf(items[items.length - 1]!), query) : null,
  };
}

/**
 * One page of rows the warehouse returned after the cursor key, fetched with `limit + 1` rows: the
 * extra row only says there is a next page (the cursor is the key of the page's last row).
 */
export function pageOfFetched<R>(
  fetched: R[],
  limit: number,
  keyOf: (r: R) => unknown,
  query: ListQuery,
): { items: R[]; next_cursor: string | null } {
  const items = fetched.slice(0, limit);
  return {
    items,
    next_cursor: fetched.length > limit ? encodeCursor(keyOf(items[items.length - 1]!), query) : null,
  };
}

/** A query parameter's name as a server reads it (`+` a space, percent-escapes decoded); undecodable: as written. */
function paramName(part: string): string {
  const raw = (part.split('=', 1)[0] ?? '').replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The request's own path and query with its cursor replaced by `cursor`: the rest of the query kept
 * as the client wrote it (order, escapes), so following the link asks the same question. Relative
 * (an absolute path), which RFC 8288 resolves against the request's URL, so it holds behind a proxy
 * that rewrites the host; the parsed URL has `<`, `>` and `"` escaped, so it cannot end the link.
 */
export function withCursor(requestUrl: string, cursor: string): string {
  const url = new URL(requestUrl);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && paramName(part) !== 'cursor');
  return `${url.pathname}?${[...kept, `cursor=${cursor}`].join('&')}`;
}

/**
 * Sets the headers that lead to a page's next page, in JSON and CSV alike: a CSV body has no room for
 * next_cursor, and a client pulling it without `limit` took its first 100 rows for the whole list.
 * `Link: <…>; rel="next"` (RFC 8288), which curl, requests and most HTTP clients follow, and the
 * cursor alone as `X-Next-Cursor`. The last page has neither.
 */
export function setNextPage(c: Context, nextCursor: string | null): void {
  if (nextCursor === null) return;
  c.header('Link', `<${withCursor(c.req.url, nextCursor)}>; rel="next"`);
  c.header('X-Next-Cursor', nextCursor);
}

/** The OpenAPI headers of a paged route's 200 (setNextPage). */
export const nextPageHeaders = {
  Link: {
    description:
      'RFC 8288 link to the next page, on every page but the last: `</v1/…?…&cursor=…>; rel="next"` — this request with its cursor replaced (relative to the request URL). A CSV page has no other way to say that more rows follow.',
    schema: { type: 'string' as const },
  },
  'X-Next-Cursor': {
    description: "the next page's cursor (next_cursor), on every page but the last",
    schema: { type: 'string' as const },
  },
};
