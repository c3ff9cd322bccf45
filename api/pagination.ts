import { z } from '@hono/zod-openapi';
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

export function decodeCursor<T>(cursor: string | undefined, shape: z.ZodType<T>): T | null {
  if (!cursor) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    /* fall through */
  }
  throw new ApiError('bad_request', 'invalid cursor: pass next_cursor from the previous page unchanged', {
    fields: [{ field: 'cursor', message: 'invalid cursor' }],
  });
}

export const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** One page of rows already in sort order, after the cursor key. */
export function page<R, K>(
  rows: R[],
  keyOf: (r: R) => K,
  after: K | null,
  compare: (a: K, b: K) => number,
  limit: number,
): { items: R[]; next_cursor: string | null } {
  const rest = after === null ? rows : rows.filter((r) => compare(keyOf(r), after) > 0);
  const items = rest.slice(0, limit);
  return { items, next_cursor: rest.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

/**
 * One page of rows the warehouse returned after the cursor key, fetched with `limit + 1` rows: the
 * extra row only says there is a next page (the cursor is the key of the page's last row).
 */
export function pageOfFetched<R>(
  fetched: R[],
  limit: number,
  keyOf: (r: R) => unknown,
): { items: R[]; next_cursor: string | null } {
  const items = fetched.slice(0, limit);
  return { items, next_cursor: fetched.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
