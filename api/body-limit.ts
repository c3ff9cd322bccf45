import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * hono's body limit, not run on a GET or HEAD: their content is ignored whatever it declares, never
 * read nor judged. RFC 9110 gives a GET's content no meaning, no route reads one (nor would the
 * fetch Request @hono/node-server builds for a GET carry it), and Node reads and drops an unread
 * body once the response is sent, with or without a 413 — so refusing a GET whose Content-Length is
 * over the limit (as this once did) spared the server nothing and answered a harmless request with
 * a status its OpenAPI responses did not list. The request timeout bounds a slow one as it bounds
 * any request. Reading `c.req.raw.body` here would also cost: it makes node-server build the full
 * fetch `Request` behind its lightweight one, and every full `Request` registers a finalizer
 * (undici) that removes its abort listener once collected — the first major collection under load
 * then ran tens of thousands of them in one go, stalling the event loop for 100–300 ms (bench/api).
 */
export function requestBodyLimit(
  maxSize: number,
  onError: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const limit = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    return limit(c, next);
  };
}
